/**
 * Migration 10 (scheduling): meeting types and bookings. Kept in its own file so the other
 * features' migrations (9, 11) merge beside it without touching the same lines.
 *
 * Double booking is impossible by constraint, not by a check in code: `bookings_no_overlap`
 * is an exclusion constraint over (host, busy range) of confirmed bookings. The host id is
 * written as a one-point `int8range` so that both columns use range operators, which GiST
 * supports without the btree_gist extension (PGlite would have to load it at open and a
 * managed PostgreSQL might not allow it). A confirmed booking holds [start, end + buffer): two
 * bookings of one host cannot overlap, and one of the same type cannot start inside the
 * other's trailing buffer. Cancelling (status → cancelled) takes the row out of the constraint.
 */
export const SCHEDULING_MIGRATION = `
CREATE TABLE meeting_types (
  app_id text NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  id integer NOT NULL CHECK (id > 0),
  -- 'config': declared in the config file (read-only in the inbox); 'inbox': made in the inbox.
  source text NOT NULL CHECK (source IN ('config', 'inbox')),
  name text NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
  description text,
  location text,
  -- Agent emails; NULL means every agent who works on the app.
  hosts text[],
  timezone text NOT NULL,
  weekly_hours jsonb NOT NULL,
  buffer_minutes integer NOT NULL DEFAULT 0,
  min_notice_minutes integer NOT NULL DEFAULT 0,
  horizon_days integer NOT NULL DEFAULT 60,
  questions jsonb NOT NULL DEFAULT '[]',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, id)
);
CREATE TABLE bookings (
  id bigserial PRIMARY KEY,
  public_id text NOT NULL UNIQUE,
  app_id text NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  -- No foreign key: a booking outlives its meeting type (it keeps the name it was booked under).
  meeting_type_id integer NOT NULL,
  meeting_type_name text NOT NULL,
  host_agent_id bigint NOT NULL REFERENCES agents(id),
  visitor_id bigint REFERENCES visitors(id) ON DELETE SET NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  buffer_minutes integer NOT NULL DEFAULT 0,
  -- end_at + buffer_minutes, stored: timestamptz + interval is not immutable, so a constraint cannot compute it.
  busy_until timestamptz NOT NULL,
  timezone text NOT NULL,
  name text NOT NULL,
  email text NOT NULL,
  answers jsonb NOT NULL DEFAULT '{}',
  location text,
  status text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
  -- SHA-256 of the secret in the manage and .ics links.
  manage_token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  -- iCalendar SEQUENCE: bumped by every move and cancel, so calendars take the newer file.
  sequence integer NOT NULL DEFAULT 0,
  CHECK (end_at > start_at AND busy_until >= end_at),
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
    int8range(host_agent_id, host_agent_id, '[]') WITH &&,
    tstzrange(start_at, busy_until) WITH &&
  ) WHERE (status = 'confirmed')
);
CREATE INDEX bookings_app_start ON bookings (app_id, start_at);
CREATE INDEX bookings_visitor ON bookings (visitor_id);
`;
