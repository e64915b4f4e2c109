/**
 * The email module as the app wires it: the outbox other features enqueue to, the chat hooks
 * that enqueue the chat's own emails, and this instance's worker.
 *
 * - Offline replies: each new agent reply makes sure one `visitor_reply` job looks at the
 *   conversation `delay_seconds` later (one job per burst). At send time the job emails the
 *   replies the visitor has neither read nor been emailed, with the recent messages, if the
 *   visitor has an email address by then; otherwise it does nothing.
 * - New conversations: when a visitor's first message starts a conversation and no agent of the
 *   app is available, each of the app's agents gets an email (one per agent and conversation).
 */
import type { ChatHooks } from '../services/chat.js';
import type { Log } from '../log.js';
import type { Db } from '../storage/db.js';
import type { AgentsRepo } from '../storage/agents-repo.js';
import type { Stored } from '../storage/conversations-repo.js';
import { isEmailAddress, redactSmtpUrl, type EmailConfig } from './config.js';
import { EmailRepo } from './email-repo.js';
import { EmailOutbox, enqueueEmail } from './outbox.js';
import { renderNewConversation } from './render.js';
import { EmailWorker, smtpTransport, type EmailWorkerOptions, type MailTransport } from './worker.js';

export { EmailOutbox, enqueueEmail, type EmailInput, type EnqueueResult } from './outbox.js';

export interface EmailModule {
  outbox: EmailOutbox;
  hooks: ChatHooks;
  start(): void;
  close(): Promise<void>;
}

export const EMAIL_OFF_LINE =
  'email is off: no email is sent (offline replies to visitors, new-conversation alerts to agents); to turn it on, add "email": { "smtp_url": "smtp://user:pass@host:587", "from": "Support <support@example.com>" } to the config file';

export interface EmailSetup {
  db: Db;
  config: EmailConfig | null;
  agents: Pick<AgentsRepo, 'appAvailable'>;
  log: Log;
  /** Tests: poll and retry timing. */
  worker?: EmailWorkerOptions;
  /** Tests: another transport; default nodemailer over `smtp_url`. */
  transport?: MailTransport;
}

export function emailModule(opts: EmailSetup): EmailModule {
  const { db, config, log } = opts;
  if (!config) {
    log.warn(EMAIL_OFF_LINE);
    return { outbox: new EmailOutbox(false), hooks: {}, start: () => undefined, close: async () => undefined };
  }
  log.info(`email is on: sending through ${redactSmtpUrl(config.smtp_url)} as ${config.from}`);
  const repo = new EmailRepo(db);
  const worker = new EmailWorker(db, repo, config, opts.transport ?? smtpTransport(config), log, opts.worker);
  const outbox = new EmailOutbox(true, () => worker.wake());

  const hooks: ChatHooks = {
    async agentMessage(stored: Stored) {
      try {
        await repo.enqueueReplyCheck(stored.conversationId, config.delay_seconds);
      } catch (e) {
        log.error({ conversation: stored.message.conversation_id, err: (e as Error).message }, 'email: could not queue the offline-reply check');
      }
    },
    async visitorMessage(stored: Stored) {
      if (stored.message.seq !== 1) return;
      try {
        if (await opts.agents.appAvailable(stored.appId)) return;
        const [facts, agents] = await Promise.all([repo.newConversationFacts(stored.conversationId), repo.agentsOf(stored.appId)]);
        if (!facts || !agents.length) return;
        const mail = renderNewConversation({
          team: facts.app_name,
          visitor: { name: facts.visitor_name, email: facts.visitor_email },
          firstMessage: stored.message.body,
          inboxUrl: config.public_url ? `${config.public_url}/inbox` : null,
        });
        let queued = false;
        for (const agent of agents) {
          if (!isEmailAddress(agent.email)) continue;
          const r = await enqueueEmail(db, { kind: 'agent_new_conversation', to: agent.email, ...mail, dedupeKey: `agent_new_conversation:${stored.conversationId}:${agent.id}` });
          queued ||= r.status === 'queued';
        }
        if (queued) worker.wake();
      } catch (e) {
        log.error({ conversation: stored.message.conversation_id, err: (e as Error).message }, 'email: could not queue the new-conversation email');
      }
    },
  };
  return { outbox, hooks, start: () => worker.start(), close: () => worker.close() };
}
