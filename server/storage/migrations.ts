import { EMAIL_MIGRATION } from '../email/schema.js';
import type { Db } from './db.js';
import { SCHEDULING_MIGRATION } from './scheduling-migration.js';

/**
 * Ordered schema migrations. Append only: a migration that has shipped is never edited.
 * The same SQL runs on PGlite and PostgreSQL.
 */
export const MIGRATIONS: { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'chat foundation',
    sql: `
CREATE TABLE apps (
  id text PRIMARY KEY,
  name text NOT NULL,
  identity_secret text,
  require_verification boolean NOT NULL DEFAULT false,
  allowed_origins jsonb NOT NULL DEFAULT '[]',
  appearance jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE agents (
  id bigserial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  password_hash text NOT NULL,
  online boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE agent_sessions (
  token_hash text PRIMARY KEY,
  agent_id bigint NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE TABLE visitors (
  id bigserial PRIMARY KEY,
  public_id text NOT NULL UNIQUE,
  app_id text NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  name text, email text, phone text, company text, avatar_url text, external_id text,
  verified boolean NOT NULL DEFAULT false,
  custom_data jsonb NOT NULL DEFAULT '{}',
  session_data jsonb NOT NULL DEFAULT '{}',
  segments jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE visitor_sessions (
  token_hash text PRIMARY KEY,
  public_id text NOT NULL UNIQUE,
  visitor_id bigint NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  app_id text NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE conversations (
  id bigserial PRIMARY KEY,
  public_id text NOT NULL UNIQUE,
  app_id text NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  visitor_id bigint NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'open',
  last_seq integer NOT NULL DEFAULT 0,
  agent_read_seq integer NOT NULL DEFAULT 0,
  visitor_read_seq integer NOT NULL DEFAULT 0,
  last_message_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_visitor ON conversations(visitor_id, created_at DESC);
CREATE INDEX conversations_activity ON conversations(app_id, last_message_at DESC);
CREATE TABLE messages (
  id bigserial PRIMARY KEY,
  conversation_id bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  client_id text,
  author text NOT NULL CHECK (author IN ('visitor', 'agent', 'system')),
  agent_id bigint REFERENCES agents(id) ON DELETE SET NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, seq),
  UNIQUE (conversation_id, client_id)
);
`,
  },
  {
    id: 2,
    name: 'visitor timeline events',
    sql: `
CREATE TABLE visitor_events (
  id bigserial PRIMARY KEY,
  visitor_id bigint NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  name text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visitor_events_visitor ON visitor_events(visitor_id, id);
`,
  },
  {
    id: 3,
    name: 'verified contacts',
    sql: `
CREATE TABLE contacts (
  id bigserial PRIMARY KEY,
  app_id text NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  identity_key text NOT NULL,
  external_id text,
  email text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (app_id, identity_key)
);
ALTER TABLE visitors ADD COLUMN contact_id bigint REFERENCES contacts(id) ON DELETE SET NULL;
CREATE INDEX visitors_contact ON visitors(contact_id);
`,
  },
  {
    id: 4,
    name: 'agent presence by connection',
    sql: `
CREATE TABLE agent_presence (
  instance_id text NOT NULL,
  agent_id bigint NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  sockets integer NOT NULL,
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (instance_id, agent_id)
);
`,
  },
  {
    id: 5,
    name: 'one open conversation per visitor',
    sql: `
ALTER TABLE conversations ADD COLUMN closed_at timestamptz;
-- Before this index, simultaneous first messages of one visitor could each open a conversation.
-- Keep the newest open one (the one the widget shows) and close the others: their messages stay
-- readable in the inbox, and no seq or client id has to be renumbered.
UPDATE conversations c SET status = 'closed', closed_at = now()
WHERE c.status = 'open' AND EXISTS (
  SELECT 1 FROM conversations n
  WHERE n.visitor_id = c.visitor_id AND n.status = 'open' AND (n.created_at, n.id) > (c.created_at, c.id)
);
ALTER TABLE conversations ADD CONSTRAINT conversations_status CHECK (status IN ('open', 'closed'));
CREATE UNIQUE INDEX conversations_one_open ON conversations (visitor_id) WHERE status = 'open';
`,
  },
  {
    id: 6,
    name: 'agents choose away',
    sql: `
-- An agent with the inbox open is available unless they chose Away. The old online flag (false
-- until toggled, so new agents looked offline) is no longer read; it stays so instances of the
-- previous version keep working during a rolling upgrade.
ALTER TABLE agents ADD COLUMN away boolean NOT NULL DEFAULT false;
`,
  },
  {
    id: 7,
    name: 'agents work on apps',
    sql: `
-- agents[].apps from the config; NULL means every app.
ALTER TABLE agents ADD COLUMN apps text[];
`,
  },
  {
    id: 8,
    name: 'hold under abuse',
    sql: `
-- The config file is the source of truth: agents and apps missing from it are disabled at start
-- (kept, so their conversations stay readable, but refused everywhere).
ALTER TABLE agents ADD COLUMN disabled boolean NOT NULL DEFAULT false;
ALTER TABLE apps ADD COLUMN disabled boolean NOT NULL DEFAULT false;
-- Which identifier a user_hash or identity token verified: 'external_id' or 'email'.
ALTER TABLE visitors ADD COLUMN verified_by text;
ALTER TABLE visitors ADD CONSTRAINT visitors_verified_by CHECK (verified_by IN ('external_id', 'email'));
-- Identity tokens are accepted once: their jti is remembered until they expire.
CREATE TABLE identity_token_uses (
  app_id text NOT NULL,
  jti text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (app_id, jti)
);
`,
  },
  {
    id: 9,
    name: 'help center',
    sql: `
-- apps[].help_host (the public help site's own host name) and apps[].status_url.
ALTER TABLE apps ADD COLUMN help_host text;
ALTER TABLE apps ADD COLUMN status_url text;
-- The text search configuration of a locale: PostgreSQL's stemmer for the language when this
-- server has it (PGlite and Debian's PostgreSQL both ship these), else 'simple'.
CREATE FUNCTION convot_ts_config(locale text) RETURNS regconfig LANGUAGE sql STABLE AS $$
  SELECT COALESCE(
    (SELECT c.oid::regconfig FROM pg_catalog.pg_ts_config c
      WHERE c.cfgnamespace = 'pg_catalog'::regnamespace
        AND c.cfgname = CASE locale WHEN 'en' THEN 'english' WHEN 'fr' THEN 'french' WHEN 'de' THEN 'german'
          WHEN 'es' THEN 'spanish' WHEN 'pt' THEN 'portuguese' WHEN 'it' THEN 'italian' WHEN 'nl' THEN 'dutch'
          ELSE 'simple' END),
    'pg_catalog.simple'::regconfig)
$$;
-- Articles per app and locale. body is the Markdown source; body_text its plain text (what is
-- searched and quoted in snippets). search holds the stemmed words (title weight A, body B);
-- title_search the title's alone, so "the title matches" is a cheap test.
CREATE TABLE articles (
  app_id text NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  locale text NOT NULL,
  slug text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  body_text text NOT NULL,
  category text,
  description text,
  published boolean NOT NULL DEFAULT true,
  source text NOT NULL CHECK (source IN ('config', 'inbox')),
  ts_config regconfig NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  search tsvector GENERATED ALWAYS AS (setweight(to_tsvector(ts_config, title), 'A') || setweight(to_tsvector(ts_config, body_text), 'B')) STORED,
  title_search tsvector GENERATED ALWAYS AS (to_tsvector(ts_config, title)) STORED,
  PRIMARY KEY (app_id, locale, slug)
);
CREATE INDEX articles_search ON articles USING gin (search);
`,
  },
  {
    id: 10,
    name: 'scheduling',
    sql: SCHEDULING_MIGRATION,
  },
  EMAIL_MIGRATION,
  {
    id: 12,
    name: 'message cards',
    sql: `
-- Rich content an agent attaches to a message (an article of the help center); body keeps a
-- plain-text fallback for older clients and emails.
ALTER TABLE messages ADD COLUMN card jsonb;
`,
  },
  {
    id: 13,
    name: 'inbox search and visitor context',
    sql: `
-- The inbox's search. Visitors: name and email as plain words ('simple': names are not
-- stemmed), the email also split at @ . + _ - so "ada" or "example" finds ada@example.com.
ALTER TABLE visitors ADD COLUMN search tsvector GENERATED ALWAYS AS (
  to_tsvector('pg_catalog.simple'::regconfig, coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || translate(coalesce(email, ''), '@.+_-', '     '))
) STORED;
CREATE INDEX visitors_search ON visitors USING gin (search);
-- Messages: an expression index with the English stemmer (a conversation has no language of
-- its own; other languages still match word for word). An index, not a stored column, so the
-- largest table is not rewritten; the repository repeats exactly this expression.
CREATE INDEX messages_search ON messages USING gin (to_tsvector('pg_catalog.english'::regconfig, body));
-- Where the visitor is (page, referrer, language, time zone, browser, device): the latest
-- value their widget reported for this session, shown in the inbox's visitor panel.
ALTER TABLE visitor_sessions ADD COLUMN context jsonb;
ALTER TABLE visitor_sessions ADD COLUMN context_at timestamptz;
CREATE INDEX visitor_sessions_context ON visitor_sessions (visitor_id, context_at DESC) WHERE context IS NOT NULL;
`,
  },
  {
    id: 14,
    name: 'agent avatars',
    sql: `
-- agents[].avatar_url from the config (https only): shown beside the agent's messages and in
-- the widget's header, with the agent's public name.
ALTER TABLE agents ADD COLUMN avatar_url text;
`,
  },
  {
    id: 15,
    name: 'attachments',
    sql: `
-- apps[].attachments from the config: { max_bytes, types } (NULL: the defaults).
ALTER TABLE apps ADD COLUMN attachments jsonb;
-- Who may fetch a file: that visitor (any session of theirs) and the agents of that app. The
-- message that carries it holds the same metadata in its card.
CREATE TABLE attachments (
  id text PRIMARY KEY,
  app_id text NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  visitor_id bigint NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  conversation_id bigint REFERENCES conversations(id) ON DELETE CASCADE,
  name text NOT NULL,
  mime text NOT NULL,
  size integer NOT NULL,
  width integer,
  height integer,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- The bytes, behind AttachmentStore (storage/attachment-store.ts): in the database by default,
-- so every instance serves every file.
CREATE TABLE attachment_blobs (
  id text PRIMARY KEY,
  data bytea NOT NULL
);
`,
  },
  {
    id: 16,
    name: 'chat flows',
    sql: `
-- apps[].chat_flows from the config (rules, greetings, bot steps with routing and tags).
ALTER TABLE apps ADD COLUMN chat_flows jsonb NOT NULL DEFAULT '[]';
-- A conversation's flow, the bot step waiting for the visitor (NULL: no bot, or handed over),
-- the tags and the agent its quick replies routed it to.
ALTER TABLE conversations ADD COLUMN flow_id text;
ALTER TABLE conversations ADD COLUMN bot_step text;
ALTER TABLE conversations ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
ALTER TABLE conversations ADD COLUMN assignee_id bigint REFERENCES agents(id) ON DELETE SET NULL;
-- The bot speaks as its own author.
ALTER TABLE messages DROP CONSTRAINT messages_author_check;
ALTER TABLE messages ADD CONSTRAINT messages_author_check CHECK (author IN ('visitor', 'agent', 'system', 'bot'));
`,
  },
];

/**
 * Applies pending migrations (up to `until`, for tests of a migration). An advisory lock makes
 * concurrent instances on one PostgreSQL database take turns instead of racing on CREATE TABLE.
 */
export async function migrate(db: Db, until = Infinity): Promise<void> {
  await db.transaction(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(4242001)');
    await q.query(`CREATE TABLE IF NOT EXISTS convot_migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await q.query<{ id: number }>('SELECT id FROM convot_migrations')).map((r) => r.id));
    for (const m of MIGRATIONS) {
      if (done.has(m.id) || m.id > until) continue;
      await q.exec(m.sql);
      await q.query('INSERT INTO convot_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
    }
  });
}
