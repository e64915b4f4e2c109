/**
 * The server config file: apps (with their help-center articles) and agents, applied at start
 * idempotently. Later sections (meeting types, chat flows) sit beside these.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ValidationError, bool, obj, str, type Obj } from '../src/protocol/validate.js';
import { parseAppearance } from '../src/protocol/wire.js';
import { ArticleConfigError, checkUnique, parseArticleEntry, readArticlesDir, type ArticleConfig } from './help/articles-config.js';
import { applyArticles } from './help/apply-articles.js';
import { hashPassword, verifyPassword } from './identity/secrets.js';
import { CAPS, LIMITS, type CapName, type Limit, type LimitName } from './rate-limit.js';
import { parseEmailConfig, type EmailConfig } from './email/config.js';
import type { AppRow } from './storage/apps-repo.js';
import type { Repositories } from './storage/repositories.js';
import { MeetingTypeConfigError, parseMeetingTypesConfig } from './scheduling/config.js';
import type { DeclaredMeetingType } from './storage/meeting-types-repo.js';
import { httpUrl } from './http-url.js';
import { FlowConfigError, parseChatFlows } from './chat-flows/config.js';
import { ATTACHMENT_HARD_CAP_BYTES, DEFAULT_ATTACHMENT_MAX_BYTES, DEFAULT_ATTACHMENT_TYPES, FORBIDDEN_ATTACHMENT_TYPES, type AttachmentLimits } from '../src/protocol/attachments.js';

/** An app as declared in the config file: the stored row, and its articles. */
export type AppConfig = AppRow & {
  help_host: string | null;
  status_url: string | null;
  /** `articles[]` entries, then (after loadConfigFile or readArticleDirs) the folder's files. */
  articles: ArticleConfig[];
  /** `articles_dir`, resolved against the config file's folder; null without one. */
  articles_dir: string | null;
};

export interface AgentConfig {
  email: string;
  name: string;
  password: string;
  /** True when the password came from the file itself rather than `env:NAME`. */
  password_is_literal: boolean;
  /** Ids of the apps this agent works on; null (no `apps`) for every app. */
  apps: string[] | null;
  /** `avatar_url`: an https image shown to visitors beside the agent's messages; null without. */
  avatar_url: string | null;
}

/** `agents[].avatar_url`: absolute https only (the widget runs on https pages; no tracking over http). */
function avatarUrl(value: unknown, where: string): string | null {
  if (value === undefined || value === null) return null;
  let url: URL | null = null;
  try {
    if (typeof value === 'string' && value.length <= 2048) url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || url.protocol !== 'https:') throw new ConfigError(`${where} must be an absolute https URL of at most 2048 characters, got ${JSON.stringify(value)}`);
  return url.href;
}

export interface ConvotConfig {
  apps: AppConfig[];
  agents: AgentConfig[];
  /** Rate limits with the config's `limits` applied over the defaults. */
  limits: Record<LimitName, Limit>;
  /** Caps on open sockets with the config's `limits` applied over the defaults. */
  caps: Record<CapName, number>;
  /** `apps[].meeting_types[]`, each with its app id (server/scheduling/config.ts). */
  meeting_types?: DeclaredMeetingType[];
  /** Top-level `email`; null (the default) sends no email. */
  email: EmailConfig | null;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `env:NAME` reads an environment variable, so secrets stay out of the file. */
function secret(value: string, where: string, env: NodeJS.ProcessEnv): string {
  if (!value.startsWith('env:')) return value;
  const name = value.slice(4);
  const v = env[name];
  if (v === undefined || v === '') throw new ConfigError(`${where} reads env:${name}, but the environment variable ${name} is not set`);
  return v;
}

/** Shortest identity_secret accepted: a short secret can be guessed offline from one user_hash. */
export const MIN_IDENTITY_SECRET_LENGTH = 32;

function identitySecret(value: string, where: string): string {
  if (value.length < MIN_IDENTITY_SECRET_LENGTH) {
    throw new ConfigError(`${where} must have at least ${MIN_IDENTITY_SECRET_LENGTH} characters (got ${value.length}); generate one with: openssl rand -hex 32`);
  }
  return value;
}

function origin(value: unknown, where: string): string {
  if (value === '*') return value;
  if (typeof value !== 'string') throw new ConfigError(`${where} must be an origin string like "https://example.com", got ${JSON.stringify(value)}`);
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ConfigError(`${where} must be an origin like "https://example.com", got ${JSON.stringify(value)}`);
  }
  if (u.origin !== value.replace(/\/$/, '')) throw new ConfigError(`${where} must be an origin without a path, like "${u.origin}", got ${JSON.stringify(value)}`);
  return u.origin;
}

/** `apps[].help_host`: a host name, optionally with a port, as browsers send it in `Host`. */
function helpHost(value: unknown, where: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !/^(?=.{1,253}(:|$))[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$/i.test(value)) {
    throw new ConfigError(`${where} must be a host name, optionally with a port, like "help.example.com" or "127.0.0.1:8787", got ${JSON.stringify(value)}`);
  }
  const port = value.split(':')[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw new ConfigError(`${where} has a port out of range: ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

/** `apps[].status_url`: an absolute http(s) URL. */
function statusUrl(value: unknown, where: string): string | null {
  if (value === undefined || value === null) return null;
  const u = httpUrl(value);
  if (!u || (value as string) !== (value as string).trim()) {
    throw new ConfigError(`${where} must be an absolute http(s) URL like "https://status.example.com", got ${JSON.stringify(value)}`);
  }
  return u.href;
}

function articleEntries(value: unknown, where: string): ArticleConfig[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ConfigError(`${where} must be an array of articles ({ locale, slug, title, body })`);
  return value.map((a: unknown, j) => parseArticleEntry(a, `${where}[${j}]`));
}

/** Runs an entry's checks so that a validator's error names the entry: `apps[1].name must…`. */
function at<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError && !e.field.startsWith(path)) throw new ConfigError(`${path}.${e.message}`);
    throw e;
  }
}

/**
 * `apps[].attachments`: `{ max_bytes, types }`, both optional (10 MiB and the default types).
 * `max_bytes` is capped at ATTACHMENT_HARD_CAP_BYTES; HTML, SVG, XML and script types are refused
 * because a browser would run them.
 */
export function attachmentLimits(value: unknown, where: string): AttachmentLimits {
  if (value === undefined || value === null) return { max_bytes: DEFAULT_ATTACHMENT_MAX_BYTES, types: [...DEFAULT_ATTACHMENT_TYPES] };
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${where} must be an object like { "max_bytes": 10485760, "types": ["image/png", "application/pdf"] }, got ${JSON.stringify(value)}`);
  const o = value as Obj;
  for (const k of Object.keys(o)) if (k !== 'max_bytes' && k !== 'types') throw new ConfigError(`${where}.${k} is not a setting; use max_bytes and types`);
  const max = o.max_bytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > ATTACHMENT_HARD_CAP_BYTES) {
    throw new ConfigError(`${where}.max_bytes must be an integer from 1 to ${ATTACHMENT_HARD_CAP_BYTES} (25 MiB), got ${JSON.stringify(max)}`);
  }
  const types = o.types ?? [...DEFAULT_ATTACHMENT_TYPES];
  if (!Array.isArray(types)) throw new ConfigError(`${where}.types must be an array of content types like "image/png", got ${JSON.stringify(types)}`);
  const out = types.map((t: unknown, j) => {
    if (typeof t !== 'string' || !/^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/.test(t)) {
      throw new ConfigError(`${where}.types[${j}] must be a lower-case content type like "image/png" (no wildcards or parameters), got ${JSON.stringify(t)}`);
    }
    if (FORBIDDEN_ATTACHMENT_TYPES.includes(t)) throw new ConfigError(`${where}.types[${j}] is ${JSON.stringify(t)}, which a browser would run as a page or script; it cannot be allowed`);
    return t;
  });
  return { max_bytes: max, types: [...new Set(out)] };
}

/** `agents[i].apps`: ids of apps declared in `apps[]`; absent means every app. */
function agentApps(value: unknown, where: string, known: Set<string>): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.length) {
    throw new ConfigError(`${where}.apps must be a non-empty array of app ids (leave it out for every app), got ${JSON.stringify(value)}`);
  }
  return [
    ...new Set(
      value.map((id: unknown, j) => {
        if (typeof id !== 'string' || !known.has(id)) {
          throw new ConfigError(`${where}.apps[${j}] must be the id of an app in apps[] (${[...known].map((k) => JSON.stringify(k)).join(', ') || 'none declared'}), got ${JSON.stringify(id)}`);
        }
        return id;
      }),
    ),
  ];
}

/**
 * Top-level `limits`: one entry per limit, `{ "max": N, "window_seconds": S }` for rate limits
 * (see LIMITS), `{ "max": N }` for caps on open sockets (see CAPS). Unnamed limits keep their
 * defaults; an unknown name is an error, so a typo cannot silently leave a default in place.
 */
function parseLimits(value: unknown): { limits: Record<LimitName, Limit>; caps: Record<CapName, number> } {
  const limits: Record<LimitName, Limit> = { ...LIMITS };
  const caps: Record<CapName, number> = { ...CAPS };
  if (value === undefined || value === null) return { limits, caps };
  const o = obj(value, 'limits');
  const positive = (v: unknown, where: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2_147_483_647) throw new ConfigError(`${where} must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  for (const [name, entry] of Object.entries(o)) {
    const where = `limits.${name}`;
    const e = obj(entry, where);
    if (Object.hasOwn(LIMITS, name)) {
      limits[name as LimitName] = { max: positive(e.max, `${where}.max`), windowMs: positive(e.window_seconds, `${where}.window_seconds`) * 1000 };
    } else if (Object.hasOwn(CAPS, name)) {
      caps[name as CapName] = positive(e.max, `${where}.max`);
    } else {
      throw new ConfigError(`${where} is not a limit; known limits: ${[...Object.keys(LIMITS), ...Object.keys(CAPS)].join(', ')}`);
    }
  }
  return { limits, caps };
}

/**
 * Checks a config object. `baseDir` is what a relative `articles_dir` is relative to (the config
 * file's folder; default the working directory). Folders are read by readArticleDirs.
 */
export function parseConfig(data: unknown, env: NodeJS.ProcessEnv = process.env, baseDir = process.cwd()): ConvotConfig {
  try {
    const root = obj(data, 'config');
    const appsIn = root.apps ?? [];
    const agentsIn = root.agents ?? [];
    if (!Array.isArray(appsIn)) throw new ConfigError('apps must be an array');
    if (!Array.isArray(agentsIn)) throw new ConfigError('agents must be an array');
    const apps = appsIn.map((a: unknown, i): AppConfig => at(`apps[${i}]`, () => {
      const o: Obj = obj(a, `apps[${i}]`);
      const id = str(o, 'id', { min: 1, max: 64 });
      if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new ConfigError(`apps[${i}].id must use letters, digits, "_" and "-", got ${JSON.stringify(id)}`);
      const origins = o.allowed_origins ?? [];
      if (!Array.isArray(origins)) throw new ConfigError(`apps[${i}].allowed_origins must be an array of origins`);
      const rawSecret = o.identity_secret === undefined || o.identity_secret === null ? null : str(o, 'identity_secret', { min: 1 });
      return {
        id,
        name: o.name === undefined ? id : str(o, 'name', { min: 1, max: 200 }),
        identity_secret: rawSecret === null ? null : identitySecret(secret(rawSecret, `apps[${i}].identity_secret`, env), `apps[${i}].identity_secret`),
        require_verification: o.require_verification === undefined ? false : bool(o, 'require_verification'),
        allowed_origins: origins.map((v: unknown, j) => origin(v, `apps[${i}].allowed_origins[${j}]`)),
        appearance: o.appearance === undefined ? {} : parseAppearance(o.appearance, `apps[${i}].appearance`),
        help_host: helpHost(o.help_host, `apps[${i}].help_host`),
        status_url: statusUrl(o.status_url, `apps[${i}].status_url`),
        attachments: attachmentLimits(o.attachments, `apps[${i}].attachments`),
        articles: articleEntries(o.articles, `apps[${i}].articles`),
        articles_dir: o.articles_dir === undefined || o.articles_dir === null ? null : resolve(baseDir, str(o, 'articles_dir', { min: 1, max: 4096 })),
      };
    }));
    const ids = new Set<string>();
    const hosts = new Map<string, string>();
    for (const a of apps) {
      if (ids.has(a.id)) throw new ConfigError(`apps has two entries with id ${JSON.stringify(a.id)}`);
      ids.add(a.id);
      if (a.help_host && hosts.has(a.help_host)) throw new ConfigError(`apps ${JSON.stringify(hosts.get(a.help_host))} and ${JSON.stringify(a.id)} have the same help_host ${JSON.stringify(a.help_host)}`);
      if (a.help_host) hosts.set(a.help_host, a.id);
      checkUnique(a.articles.map((x, j) => ({ a: x, where: `apps[${apps.indexOf(a)}].articles[${j}]` })), `apps[${apps.indexOf(a)}]`);
    }
    const agents = agentsIn.map((a: unknown, i): AgentConfig => at(`agents[${i}]`, () => {
      const o = obj(a, `agents[${i}]`);
      const email = str(o, 'email', { min: 3, max: 254, trim: true }).toLowerCase();
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new ConfigError(`agents[${i}].email must be an email address, got ${JSON.stringify(email)}`);
      const raw = str(o, 'password', { min: 1 });
      const password = secret(raw, `agents[${i}].password`, env);
      if (password.length < 8) throw new ConfigError(`agents[${i}].password must have at least 8 characters`);
      return {
        email,
        name: o.name === undefined ? email : str(o, 'name', { min: 1, max: 200 }),
        password,
        password_is_literal: !raw.startsWith('env:'),
        apps: agentApps(o.apps, `agents[${i}]`, ids),
        avatar_url: avatarUrl(o.avatar_url, `agents[${i}].avatar_url`),
      };
    }));
    const email = parseEmailConfig(root.email, env, (message) => {
      throw new ConfigError(message);
    });
    // Flows route to agents, so they are read once the agents are known.
    for (const [i, app] of apps.entries()) {
      const own = new Set(agents.filter((a) => a.apps === null || a.apps.includes(app.id)).map((a) => a.email));
      app.chat_flows = parseChatFlows((appsIn[i] as Obj).chat_flows, `apps[${i}].chat_flows`, own);
    }
    return { apps, agents, ...parseLimits(root.limits), meeting_types: parseMeetingTypesConfig(appsIn, agents), email };
  } catch (e) {
    if (e instanceof MeetingTypeConfigError || e instanceof FlowConfigError) throw new ConfigError(e.message);
    if (e instanceof ValidationError) throw new ConfigError(`config: ${e.message}`);
    if (e instanceof ArticleConfigError) throw new ConfigError(e.message);
    throw e;
  }
}

/** Reads each app's `articles_dir` into its articles (after its `articles[]` entries). */
export async function readArticleDirs(config: ConvotConfig): Promise<ConvotConfig> {
  const apps = await Promise.all(
    config.apps.map(async (app, i) => {
      if (!app.articles_dir) return app;
      try {
        const fromDir = await readArticlesDir(app.articles_dir, `apps[${i}].articles_dir`);
        checkUnique(
          [...app.articles.map((a, j) => ({ a, where: `apps[${i}].articles[${j}]` })), ...fromDir.map((a) => ({ a, where: `apps[${i}].articles_dir ${a.locale}/${a.slug}.md` }))],
          `apps[${i}]`,
        );
        return { ...app, articles: [...app.articles, ...fromDir] };
      } catch (e) {
        if (e instanceof ArticleConfigError) throw new ConfigError(e.message);
        throw e;
      }
    }),
  );
  return { ...config, apps };
}

export async function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ConvotConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return readArticleDirs(parseConfig(data, env, dirname(file)));
}

/**
 * Writes apps and agents to the database; running it twice changes nothing. The file is the
 * source of truth: apps and agents missing from it are disabled, and a removed agent's or a
 * changed password's sessions are deleted. Returns the deleted sessions' hashes and the apps
 * disabled now, so the caller can close their open sockets on every instance.
 */
export async function applyConfig(
  { apps, agents, articles }: Pick<Repositories, 'apps' | 'agents'> & Partial<Pick<Repositories, 'articles'>>,
  config: ConvotConfig,
  log?: { warn(msg: string): void },
): Promise<{ revoked: string[]; removedApps: string[] }> {
  const revoked: string[] = [];
  for (const app of config.apps) {
    await apps.upsert(app);
    if (articles) await applyArticles(articles, app.id, app.articles ?? [], log);
  }
  if (articles) await articles.analyze();
  const removedApps = await apps.disableOthers(config.apps.map((a) => a.id));
  for (const agent of config.agents) {
    // Keep a matching hash: re-hashing would give a new salt on every start for nothing.
    const existing = await agents.findByEmail(agent.email);
    const same = existing !== null && (await verifyPassword(agent.password, existing.password_hash));
    const id = await agents.upsert(agent.email, agent.name, same ? existing.password_hash : await hashPassword(agent.password), agent.apps, agent.avatar_url);
    // A new password ends every sign-in made with the old one.
    if (existing && !same) revoked.push(...(await agents.deleteSessionsOf(id)));
  }
  revoked.push(...(await agents.disableOthers(config.agents.map((a) => a.email))));
  return { revoked, removedApps };
}
