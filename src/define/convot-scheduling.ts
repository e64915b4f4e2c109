import { ConvotScheduling } from '../elements/convot-scheduling/convot-scheduling.js';
import { defineOnce } from './define-once.js';

defineOnce('convot-scheduling', ConvotScheduling);

declare global {
  interface HTMLElementTagNameMap {
    'convot-scheduling': ConvotScheduling;
  }
}
