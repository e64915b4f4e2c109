/**
 * The one table of error codes shared by server responses, WebSocket error frames and the
 * client. Each code has its HTTP status and a default message; responses may add a field name.
 */
export const ERRORS = {
  CONVOT_ERR_BAD_REQUEST: { status: 400, message: 'The request body is not valid.' },
  CONVOT_ERR_INVALID_JSON: { status: 400, message: 'The body is not valid JSON.' },
  CONVOT_ERR_UNKNOWN_FRAME: { status: 400, message: 'Unknown frame type.' },
  CONVOT_ERR_UNAUTHORIZED: { status: 401, message: 'A valid visitor session token is required.' },
  CONVOT_ERR_AGENT_AUTH_REQUIRED: { status: 401, message: 'Agent sign-in is required.' },
  CONVOT_ERR_BAD_CREDENTIALS: { status: 401, message: 'Email or password is wrong.' },
  CONVOT_ERR_VERIFICATION_REQUIRED: { status: 403, message: 'This app requires verified identities: identify needs a valid user_hash.' },
  CONVOT_ERR_BAD_USER_HASH: { status: 403, message: 'user_hash does not match external_id (or email) for this app.' },
  CONVOT_ERR_BAD_IDENTITY_TOKEN: { status: 403, message: 'The identity token is not valid.' },
  CONVOT_ERR_IDENTITY_CONFLICT: { status: 409, message: "This session belongs to a verified person; change who it is with identify." },
  CONVOT_ERR_ORIGIN_NOT_ALLOWED: { status: 403, message: "This page's origin is not in the app's allowed_origins." },
  CONVOT_ERR_UNKNOWN_APP: { status: 404, message: 'No app has this id.' },
  CONVOT_ERR_NOT_FOUND: { status: 404, message: 'Not found.' },
  CONVOT_ERR_CONVERSATION_CLOSED: { status: 409, message: 'This conversation is closed; reopen it to reply.' },
  CONVOT_ERR_OPEN_CONVERSATION_EXISTS: { status: 409, message: 'The visitor already has another open conversation; close it before reopening this one.' },
  CONVOT_ERR_SLOT_TAKEN: { status: 409, message: 'That time was just taken; pick another.' },
  CONVOT_ERR_READ_ONLY: { status: 409, message: 'This meeting type is declared in the server config file; change it there.' },
  CONVOT_ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'The body or frame is too large.' },
  CONVOT_ERR_VISITOR_DATA_FULL: { status: 413, message: "The visitor's stored custom_data or session_data would pass its limit (size or number of keys); remove keys (set them to null) or send less." },
  CONVOT_ERR_ATTACHMENT_TOO_LARGE: { status: 413, message: 'The file is larger than this app allows.' },
  CONVOT_ERR_ATTACHMENT_TYPE: { status: 415, message: 'This type of file is not allowed here.' },
  CONVOT_ERR_RATE_LIMITED: { status: 429, message: 'Too many requests; retry later.' },
  CONVOT_ERR_INTERNAL: { status: 500, message: 'Internal server error.' },
  CONVOT_ERR_UNAVAILABLE: { status: 503, message: 'The server cannot reach its database right now; retry shortly.' },
  // Raised by clients only (status 0: no HTTP answer); the server never sends these.
  CONVOT_ERR_NETWORK: { status: 0, message: 'Cannot reach the server. Check your connection and try again.' },
  CONVOT_ERR_TIMEOUT: { status: 0, message: 'The server did not answer in time.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The JSON body of every error response and the payload of every WebSocket error frame. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** The offending field, for validation errors (e.g. `body`, `client_id`). */
  field?: string;
}

export const isErrorCode = (v: unknown): v is ErrorCode => typeof v === 'string' && Object.hasOwn(ERRORS, v);

/**
 * The code for an error response: the server's own when it sent one, else the closest code for
 * the HTTP status (a proxy's 502 page, an old server).
 */
export function errorCodeFor(status: number, body: unknown): ErrorCode {
  const code = (body as { code?: unknown } | null)?.code;
  if (isErrorCode(code)) return code;
  if (status === 404) return 'CONVOT_ERR_NOT_FOUND';
  if (status === 413) return 'CONVOT_ERR_PAYLOAD_TOO_LARGE';
  if (status === 429) return 'CONVOT_ERR_RATE_LIMITED';
  if (status === 503) return 'CONVOT_ERR_UNAVAILABLE';
  return status >= 500 ? 'CONVOT_ERR_INTERNAL' : 'CONVOT_ERR_BAD_REQUEST';
}
