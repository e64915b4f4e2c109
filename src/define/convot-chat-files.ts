import { ConvotAttachment } from '../elements/chat-files/convot-attachment.js';
import { ConvotUploads } from '../elements/chat-files/convot-uploads.js';
import { defineOnce } from './define-once.js';

// Attachments in the chat (files shown in the log, uploads with progress and limit messages):
// one chunk, loaded when a message has a file or the visitor attaches one.
defineOnce('convot-attachment', ConvotAttachment);
defineOnce('convot-uploads', ConvotUploads);

declare global {
  interface HTMLElementTagNameMap {
    'convot-attachment': ConvotAttachment;
    'convot-uploads': ConvotUploads;
  }
}
