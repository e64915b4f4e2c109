import { ConvotBookingFlow } from '../elements/convot-booking-flow/convot-booking-flow.js';
import { defineOnce } from './define-once.js';

defineOnce('convot-booking-flow', ConvotBookingFlow);

declare global {
  interface HTMLElementTagNameMap {
    'convot-booking-flow': ConvotBookingFlow;
  }
}
