/**
 * `user_hash` checks: hex HMAC-SHA256 of external_id (or email when there is none) with the
 * app's identity secret. Shape is checked first, then compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type HashCheck = { ok: true } | { ok: false; reason: string };

export function identifierOf(user: { external_id?: string; email?: string }): string | undefined {
  return user.external_id || user.email || undefined;
}

export function computeUserHash(secret: string, identifier: string): string {
  return createHmac('sha256', secret).update(identifier, 'utf8').digest('hex');
}

export function checkUserHash(secret: string | null, user: { external_id?: string; email?: string }, hash: string): HashCheck {
  const identifier = identifierOf(user);
  if (!secret) return { ok: false, reason: 'this app has no identity_secret configured, so user_hash cannot be checked' };
  if (!identifier) return { ok: false, reason: 'user_hash needs external_id or email to be verified against' };
  if (hash.length !== 64) return { ok: false, reason: `user_hash must be 64 hex characters (HMAC-SHA256), got ${hash.length} characters` };
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) return { ok: false, reason: 'user_hash must be hexadecimal (0-9, a-f)' };
  const expected = Buffer.from(computeUserHash(secret, identifier), 'hex');
  const given = Buffer.from(hash.toLowerCase(), 'hex');
  if (timingSafeEqual(expected, given)) return { ok: true };
  return { ok: false, reason: `user_hash does not match the ${user.external_id ? 'external_id' : 'email'} with this app's identity secret` };
}
