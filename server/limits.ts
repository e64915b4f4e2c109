/** Size limits: request bodies (413 from Fastify) and socket frames (413-coded error frames). */
export const BODY_LIMIT = 64 * 1024;
export const FRAME_LIMIT = 16 * 1024;
