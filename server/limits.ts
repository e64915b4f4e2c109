/** Size limits: request bodies (413 from Fastify), socket frames (413-coded error frames) and stored visitor data. */
export const BODY_LIMIT = 64 * 1024;
export const FRAME_LIMIT = 16 * 1024;

/**
 * What one visitor may have stored in custom_data, and separately in session_data: updates merge,
 * so without a cap on the total a script could grow a profile without bound (and every agent
 * would receive it). Checked in the database write itself, so concurrent updates cannot pass it.
 */
export const VISITOR_DATA_LIMIT = { bytes: 32 * 1024, keys: 100 };
