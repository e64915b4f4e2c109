/** Scheduling's wire types: meeting types, free slots and bookings, as the widget receives them. */

export interface BookingQuestion {
  id: string;
  label: string;
  required: boolean;
  type: 'text' | 'textarea';
}

export interface MeetingType {
  id: number;
  name: string;
  duration_minutes: number;
  description: string | null;
  location: string | null;
  questions: BookingQuestion[];
}

export interface SlotsQuery {
  /** First date, YYYY-MM-DD in `tz`. */
  from: string;
  days: number;
  /** IANA time zone the days are cut in. */
  tz: string;
}

export interface Slot {
  /** ISO 8601 instants (UTC). */
  start: string;
  end: string;
}

export interface SlotsResponse {
  timezone: string;
  /** Every date of the range, in order; `slots` empty on days without free time. */
  days: { date: string; slots: Slot[] }[];
}

export interface BookingRequest {
  meeting_type_id: number;
  start: string;
  timezone: string;
  name: string;
  email: string;
  answers?: Record<string, string>;
}

export interface Booking {
  id: string;
  meeting_type_id: number;
  meeting_type_name: string;
  start: string;
  end: string;
  timezone: string;
  name: string;
  email: string;
  location: string | null;
  host_name: string | null;
  status: 'confirmed' | 'cancelled';
  /** Absolute URL of the page where the visitor cancels or reschedules. */
  manage_url: string;
  /** Absolute URL of the booking's iCalendar file. */
  ics_url: string;
}
