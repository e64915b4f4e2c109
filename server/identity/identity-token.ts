/**
 * Identity tokens for the `?convot_identity=` hand-off: HS256 JWTs signed with the app's
 * identity secret, carrying external_id and/or email. Minted for verified visitors; accepted
 * from the widget or from a customer's server (the Ruby and Node examples in the API document).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, errors, jwtVerify } from 'jose';
import { hashToken } from './secrets.js';

export const TOKEN_TTL_SECONDS = 600;
export const MAX_LIFETIME_SECONDS = 3600;
export const CLOCK_LEEWAY_SECONDS = 60;

export interface IdentityClaims {
  external_id?: string;
  email?: string;
}

export type TokenCheck = { ok: true; claims: IdentityClaims } | { ok: false; reason: string };

const key = (secret: string) => new TextEncoder().encode(secret);

export async function mintIdentityToken(secret: string, claims: IdentityClaims, now = Math.floor(Date.now() / 1000)): Promise<string> {
  // A jti makes the token single-use: the server remembers it until it expires.
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + TOKEN_TTL_SECONDS)
    .sign(key(secret));
}

export async function verifyIdentityToken(secret: string | null, token: string, now = Math.floor(Date.now() / 1000)): Promise<TokenCheck> {
  if (!secret) return { ok: false, reason: 'this app has no identity_secret configured' };
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token) || token.length > 4096) return { ok: false, reason: 'the token is not a JWT' };
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_LEEWAY_SECONDS,
      currentDate: new Date(now * 1000),
    });
    const exp = payload.exp!;
    // jose checks iat only with maxTokenAge; a future iat would let exp - iat hide a long life.
    const iat = typeof payload.iat === 'number' ? payload.iat : now;
    if (iat > now + CLOCK_LEEWAY_SECONDS) return { ok: false, reason: 'the token is issued in the future (iat)' };
    // Identity links must be short-lived: judge the lifetime from iat when present, else from now.
    const lifetime = exp - Math.min(iat, now);
    if (lifetime > MAX_LIFETIME_SECONDS + CLOCK_LEEWAY_SECONDS) return { ok: false, reason: `the token lives ${lifetime} s; at most ${MAX_LIFETIME_SECONDS} s is accepted` };
    const claims: IdentityClaims = {};
    if (typeof payload.external_id === 'string' && payload.external_id) claims.external_id = payload.external_id;
    if (typeof payload.email === 'string' && payload.email) claims.email = payload.email;
    if (!claims.external_id && !claims.email) return { ok: false, reason: 'the token names no external_id or email' };
    return { ok: true, claims };
  } catch (e) {
    if (e instanceof errors.JWTExpired) return { ok: false, reason: 'the token has expired' };
    if (e instanceof errors.JOSEAlgNotAllowed) return { ok: false, reason: 'the token must be signed with HS256' };
    if (e instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'the token signature does not match this app' };
    if (e instanceof errors.JWTClaimValidationFailed) return { ok: false, reason: `the token's ${e.claim} claim is ${e.reason === 'missing' ? 'missing' : 'invalid'}` };
    if (e instanceof errors.JOSEError) return { ok: false, reason: 'the token is malformed' };
    throw e;
  }
}

/**
 * What makes a token single-use, and until when: its `jti`, or for a token the site signed
 * without one (as the API document's examples do), a hash of the token itself, so every
 * identity token is accepted once.
 */
export function tokenUse(token: string): { jti: string; exp: number } {
  const { jti, exp } = decodeJwt(token);
  return { jti: typeof jti === 'string' && jti ? jti.slice(0, 200) : `sha256:${hashToken(token)}`, exp: exp ?? 0 };
}
