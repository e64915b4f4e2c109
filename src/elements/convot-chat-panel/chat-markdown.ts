/**
 * Renders a message's Markdown tree (parsed by the server) in the chat: its own chunk, loaded
 * the first time a message with a tree is shown, so the chat's first open carries no renderer.
 * The tree is cut to the chat subset again here (it crossed the wire); links open in a new tab
 * with `nofollow`, since anyone can write them.
 */
import { chatSubset } from '../../markdown/chat-tree.js';
import type { MdDoc } from '../../markdown/tree.js';
import { renderMarkdown } from '../shared/markdown.js';

export const renderChatMarkdown = (doc: MdDoc) => renderMarkdown(chatSubset(doc), 'noopener noreferrer nofollow');
