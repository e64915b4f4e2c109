import type { ConvotDomEventMap } from '../client/events.js';
import { ConvotWidget } from '../elements/convot-widget/convot-widget.js';
import { defineOnce } from './define-once.js';

defineOnce('convot-widget', ConvotWidget);

declare global {
  interface HTMLElementTagNameMap {
    'convot-widget': ConvotWidget;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends ConvotDomEventMap {}
}
