/** The inbox's scheduling calls (bookings, meeting types), through the route table like inbox-api.ts. */
import { callRoute } from '../client/transport.js';
import { schedulingAgentApi, type AgentBookingsQuery, type MeetingTypeInput } from '../protocol/scheduling.js';

const base = () => location.origin;
const opts = { credentials: 'same-origin' as const };

export const schedulingApi = {
  bookings: (query: AgentBookingsQuery) => callRoute(base(), schedulingAgentApi.bookings, { ...opts, query }),
  cancel: (id: string) => callRoute(base(), schedulingAgentApi.cancelBooking, { ...opts, params: { id } }),
  meetingTypes: () => callRoute(base(), schedulingAgentApi.meetingTypes, opts),
  create: (appId: string, body: MeetingTypeInput) => callRoute(base(), schedulingAgentApi.createMeetingType, { ...opts, params: { appId }, body }),
  update: (appId: string, id: number, body: MeetingTypeInput) => callRoute(base(), schedulingAgentApi.updateMeetingType, { ...opts, params: { appId, id: String(id) }, body }),
  remove: (appId: string, id: number) => callRoute(base(), schedulingAgentApi.deleteMeetingType, { ...opts, params: { appId, id: String(id) } }),
};
