/**
 * The inbox's sign-in cookie: HttpOnly (scripts never see the token), SameSite=Strict (no
 * other site can send it), Secure over https. Its value is the session token the service made.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const AGENT_COOKIE = 'convot_agent';

export function readSessionCookie(req: FastifyRequest): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === AGENT_COOKIE) {
      // A malformed cookie is no cookie (not a 500): tokens are base64url, so decoding changes nothing.
      const value = part.slice(i + 1).trim();
      return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** Sets the cookie; an empty value with max-age 0 removes it. */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
  const secure = req.protocol === 'https' ? '; Secure' : '';
  reply.header('Set-Cookie', `${AGENT_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`);
}
