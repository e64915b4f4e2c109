/**
 * Attachments: a file a visitor or an agent sends into a conversation. The upload stores the
 * file and posts a message whose `card` is an `AttachmentCard` (the file's name is the body's
 * plain-text fallback), so it travels, is acked and fanned out like any message.
 */

/** `apps[].attachments` when the config leaves it out. */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** No config may allow more: the file crosses the server's memory and one database row. */
export const ATTACHMENT_HARD_CAP_BYTES = 25 * 1024 * 1024;
/**
 * Types an app allows by default. Never `text/html` or `image/svg+xml` (both run script when a
 * browser renders them), whatever the config says.
 */
export const DEFAULT_ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'] as const;
/** Types refused even when listed: they can carry script or pass for a page. */
export const FORBIDDEN_ATTACHMENT_TYPES = ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/xml', 'text/javascript', 'application/javascript'];
/** Images shown as thumbnails (and served inline to the thumbnail's fetch). */
export const THUMBNAIL_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
/** The longest file name kept (longer names are cut, keeping the extension). */
export const ATTACHMENT_NAME_MAX = 200;

/** What the widget is told about an app's limits (`GET config` → `attachments`). */
export interface AttachmentLimits {
  max_bytes: number;
  types: string[];
}

/** A file in a message (the message's `card`). */
export interface AttachmentCard {
  type: 'attachment';
  /** `att_…`: fetched from the visitor's or the agent's download route. */
  id: string;
  name: string;
  /** The content type the server stored (checked against the file's first bytes for images and PDF). */
  mime: string;
  size: number;
  /** Pixel size for PNG, GIF, JPEG and WebP when the header gives it. */
  width?: number;
  height?: number;
}

/** Upload query: `?client_id=…&name=…`; the body is the file, its type the `Content-Type`. */
export interface UploadQuery {
  client_id: string;
  name: string;
}

/** A human size for limit messages: "10 MB", "512 KB". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

/** A type as compared with the allow-list: lower case, no parameters (`text/plain; charset=…`). */
export const baseType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0]!.trim().toLowerCase();
