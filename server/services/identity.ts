/**
 * Who a visitor is. A valid user_hash or identity token binds the session's visitor to one
 * verified contact (keyed by external_id, else email). Rules that keep histories apart:
 * - an app with require_verification refuses identities without a valid hash; other apps take
 *   an identify with a bad hash as unverified, with a warning;
 * - a session already verified as someone else gets a fresh session for the new person;
 * - an unverified identify never attaches to a verified contact: on a verified session it
 *   starts a fresh anonymous session instead;
 * - a person verified before (another browser or device) continues their own visitor, with a
 *   new session of it: their conversations follow them; an anonymous one's never do.
 */
import type { IdentifyResponse, SessionResponse, VisitorUpdate } from '../../src/protocol/index.js';
import { fail } from '../errors.js';
import { tokenUse, verifyIdentityToken } from '../identity/identity-token.js';
import { checkUserHash } from '../identity/user-hash.js';
import type { AppRow } from '../storage/apps-repo.js';
import type { VisitorsRepo, VisitorSessionRow } from '../storage/visitors-repo.js';
import type { Chat } from './chat.js';

/** The answer to identify: `session` set means the server started a fresh one to switch to. */
export type IdentifyResult = IdentifyResponse;

export const identityKey = (ids: { external_id?: string; email?: string }): string =>
  ids.external_id ? `ext:${ids.external_id}` : `email:${ids.email!.trim().toLowerCase()}`;

export class Identity {
  constructor(
    private readonly visitors: VisitorsRepo,
    private readonly chat: Chat,
  ) {}

  /**
   * `Convot.identify({...})`: verify when a user_hash is given, then apply the fields. On an app
   * without require_verification an invalid hash does not block the identify: the visitor is
   * identified unverified (never linked to a verified contact) and the answer says why.
   */
  async identify(app: AppRow, session: VisitorSessionRow, input: VisitorUpdate): Promise<IdentifyResult> {
    const { user_hash, ...fields } = input;
    let warning: string | undefined;
    if (user_hash !== undefined) {
      const check = checkUserHash(app.identity_secret, fields, user_hash);
      if (check.ok) return this.bindVerified(app, session, fields);
      if (app.require_verification) fail('CONVOT_ERR_BAD_USER_HASH', `identify refused: ${check.reason}.`, 'user_hash');
      warning = `user_hash was not accepted (${check.reason}); the visitor is identified without verification.`;
    } else if (app.require_verification) {
      fail('CONVOT_ERR_VERIFICATION_REQUIRED', `identify refused: app ${app.id} requires verification, and no user_hash was sent.`, 'user_hash');
    }
    const current = await this.visitors.identity(session.visitor_id);
    const differs = (fields.external_id && fields.external_id !== current.external_id) || (fields.email && fields.email.toLowerCase() !== current.email?.toLowerCase());
    if (current.verified && differs) {
      // Never attach an unverified identity to a verified person's history.
      const fresh = await this.visitors.createSession(app.id);
      await this.chat.updateVisitor(fresh.session, fields);
      return { verified: false, session: { session_id: fresh.session.session_id, token: fresh.token, resumed: false }, ...(warning ? { warning } : {}) };
    }
    await this.chat.updateVisitor(session, current.verified ? { ...fields, email: undefined, external_id: undefined } : fields);
    return { verified: current.verified, session: null, ...(warning ? { warning } : {}) };
  }

  /** `?convot_identity=TOKEN`: a signed JWT identifies the visitor as a verified contact. */
  async identifyWithToken(app: AppRow, session: VisitorSessionRow, token: string): Promise<IdentifyResult> {
    const check = await verifyIdentityToken(app.identity_secret, token);
    if (!check.ok) fail('CONVOT_ERR_BAD_IDENTITY_TOKEN', `identity token refused: ${check.reason}.`, 'token');
    // Accepted once: a link that leaked (history, logs, a shared screen) cannot be replayed.
    const { jti, exp } = tokenUse(token);
    if (!(await this.visitors.useIdentityToken(app.id, jti, exp))) {
      fail('CONVOT_ERR_BAD_IDENTITY_TOKEN', 'identity token refused: it was already used (each token is accepted once).', 'token');
    }
    return this.bindVerified(app, session, check.claims);
  }

  /** The visitor's verified identity claims, for minting an identity token; null if unverified. */
  async verifiedClaims(session: VisitorSessionRow): Promise<{ external_id?: string; email?: string } | null> {
    const id = await this.visitors.identity(session.visitor_id);
    if (!id.verified) return null;
    // Only what was verified: an email a visitor verified by external_id claimed is not signed.
    if (id.verified_by === 'email') return id.email ? { email: id.email } : null;
    return id.external_id ? { external_id: id.external_id } : null;
  }

  private async bindVerified(app: AppRow, session: VisitorSessionRow, fields: Omit<VisitorUpdate, 'user_hash'>): Promise<IdentifyResult> {
    const key = identityKey(fields);
    const current = await this.visitors.identity(session.visitor_id);
    let target = session;
    let fresh: SessionResponse | null = null;
    const known = await this.visitors.contactVisitor(app.id, key);
    if (known && known !== session.visitor_id) {
      // This person was verified before (another browser or device): a session of their
      // visitor, so their conversations follow them. This browser's anonymous visitor keeps
      // its own history (histories never merge).
      const created = await this.visitors.createSessionFor(app.id, known);
      target = created.session;
      fresh = { session_id: created.session.session_id, token: created.token, resumed: true };
    } else if (current.verified && current.identity_key !== key) {
      // A different person on this browser: a new session, so histories never merge.
      const created = await this.visitors.createSession(app.id);
      target = created.session;
      fresh = { session_id: created.session.session_id, token: created.token, resumed: false };
    }
    // The key's identifier is the one vouched for (user_hash signs external_id, else email).
    const verifiedBy = fields.external_id ? 'external_id' : 'email';
    await this.visitors.linkVerifiedContact(target.visitor_id, app.id, key, verifiedBy === 'external_id' ? { external_id: fields.external_id } : { email: fields.email }, verifiedBy);
    await this.chat.updateVisitor(target, fields);
    return { verified: true, session: fresh };
  }
}
