/**
 * Which page origins may talk to an app: the app's `allowed_origins` (or `*`), plus the
 * server's own origin (its demo and help pages). Used for CORS and the WebSocket upgrade.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export function isOriginAllowed(origin: string | undefined, allowed: readonly string[], req: FastifyRequest): boolean {
  if (origin === undefined) return true; // not a browser page (curl, server-to-server): tokens still apply
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  // req.host honours X-Forwarded-Host when CONVOT_TRUST_PROXY is set (Fastify trustProxy).
  const host = req.host || req.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

export function setCorsHeaders(reply: FastifyReply, origin: string | undefined): void {
  if (!origin) return;
  reply.header('Access-Control-Allow-Origin', origin);
  reply.header('Vary', 'Origin');
  reply.header('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  reply.header('Access-Control-Allow-Methods', 'GET, POST, PUT, OPTIONS');
  reply.header('Access-Control-Expose-Headers', 'Retry-After');
  reply.header('Access-Control-Max-Age', '600');
}
