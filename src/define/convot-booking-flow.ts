import { ConvotBookingCard } from '../elements/convot-booking-flow/convot-booking-card.js';
import { ConvotBookingFlow } from '../elements/convot-booking-flow/convot-booking-flow.js';
import { defineOnce } from './define-once.js';

// One chunk for booking: the flow (Book tab, <convot-scheduling>) and the offer card in the chat.
defineOnce('convot-booking-flow', ConvotBookingFlow);
defineOnce('convot-booking-card', ConvotBookingCard);

declare global {
  interface HTMLElementTagNameMap {
    'convot-booking-flow': ConvotBookingFlow;
    'convot-booking-card': ConvotBookingCard;
  }
}
