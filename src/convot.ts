/** Registers every Convot element. */
import './define/convot-widget.js';
import './define/convot-inline.js';
import './define/convot-scheduling.js';
import './define/convot-chat-panel.js';
