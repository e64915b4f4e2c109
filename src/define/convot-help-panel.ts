import { ConvotHelpPanel } from '../elements/convot-help-panel/convot-help-panel.js';
import { defineOnce } from './define-once.js';

defineOnce('convot-help-panel', ConvotHelpPanel);

declare global {
  interface HTMLElementTagNameMap {
    'convot-help-panel': ConvotHelpPanel;
  }
}
