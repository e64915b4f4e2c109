/**
 * Migration 11: the email outbox. Its SQL lives here, beside the code that uses it; the one
 * migrations list (storage/migrations.ts) includes it.
 */
export const EMAIL_MIGRATION = {
  id: 11,
  name: 'email outbox',
  sql: `
-- Emails waiting to be sent, sent, or given up on. Every instance's worker claims due rows with
-- FOR UPDATE SKIP LOCKED and a lease (locked_until), so one email is sent by one instance, and a
-- restart (or a crash, once the lease runs out) loses none.
CREATE TABLE email_outbox (
  id bigserial PRIMARY KEY,
  -- What it is ('visitor_reply', 'agent_new_conversation', or a feature's own kind).
  kind text NOT NULL,
  -- The same email can never be enqueued twice.
  dedupe_key text NOT NULL UNIQUE,
  -- NULL until rendered: kinds composed at send time (visitor_reply) fill these in then.
  recipient text,
  subject text,
  text_body text,
  html_body text,
  -- What a kind composed at send time needs (ids only), and what it covered once rendered.
  payload jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'pending',
  -- Not before this time (the unread-reply delay, a booking reminder).
  send_after timestamptz NOT NULL DEFAULT now(),
  -- When a worker may next try: send_after at first, then backoff after a failure.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  -- While status is 'sending': the claiming worker's lease; an expired lease is claimed again.
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  CONSTRAINT email_outbox_status CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed'))
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
-- The highest seq of each conversation that an offline-reply email has covered (or is sending):
-- a reply is emailed at most once, however many jobs looked at it.
CREATE TABLE email_reply_marks (
  conversation_id bigint PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  emailed_seq integer NOT NULL
);
`,
};
