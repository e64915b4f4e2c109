/**
 * `apps[].chat_flows[]` in the config file: parsed and checked here (ids unique, every `next`
 * names a step, every `route` an agent of the app), stored whole in the app's row, and cut
 * down to what the widget may know (`publicFlows`: no routing, no tags, no later steps).
 */
import { FLOW_ID, MAX_QUICK_REPLIES, MAX_QUICK_REPLY_LENGTH, type BotStepPublic, type ChatFlowPublic, type FlowMatch } from '../../src/protocol/chat-flows.js';

export interface FlowOption {
  label: string;
  /** Tags the conversation gets when the visitor picks this option. */
  tags: string[];
  /** Email of the agent the conversation is routed to. */
  route: string | null;
  /** The step that follows (single select); null: the step's `next`, else hand over. */
  next: string | null;
}

export interface FlowStep {
  id: string;
  message: string;
  quick_replies: { multi_select: boolean; options: FlowOption[] } | null;
  /** The step after this one (after a multi-select answer, or an option without `next`); null: hand over. */
  next: string | null;
}

export interface ChatFlow {
  id: string;
  name: string;
  match: FlowMatch;
  welcome_message: string | null;
  bot: { name: string; handoff_message: string; steps: FlowStep[] } | null;
}

export const DEFAULT_HANDOFF = 'Thanks! Someone from the team will be with you shortly.';

export class FlowConfigError extends Error {}

type O = Record<string, unknown>;
const isObj = (v: unknown): v is O => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v) ?? String(v);

function text(o: O, key: string, where: string, max: number, optional = false): string | null {
  const v = o[key];
  if ((v === undefined || v === null) && optional) return null;
  if (typeof v !== 'string' || !v.trim() || v.length > max) throw new FlowConfigError(`${where}.${key} must be text of 1 to ${max} characters, got ${show(v)}`);
  return v.trim();
}

function id(o: O, where: string): string {
  const v = o.id;
  if (typeof v !== 'string' || !FLOW_ID.test(v)) throw new FlowConfigError(`${where}.id must be 1 to 64 letters, digits, "_" or "-", got ${show(v)}`);
  return v;
}

function parseMatch(v: unknown, where: string): FlowMatch {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new FlowConfigError(`${where} must be an object like { "path": "/pricing/*", "query": { "sales_chat": "true" } }, got ${show(v)}`);
  const out: FlowMatch = {};
  if (v.path !== undefined) {
    if (typeof v.path !== 'string' || !v.path.startsWith('/') || v.path.length > 500) throw new FlowConfigError(`${where}.path must be a path glob starting with "/", got ${show(v.path)}`);
    out.path = v.path;
  }
  if (v.query !== undefined) {
    if (!isObj(v.query) || Object.values(v.query).some((x) => typeof x !== 'string') || Object.keys(v.query).some((k) => !k)) {
      throw new FlowConfigError(`${where}.query must map parameter names to string values ("*": any value), got ${show(v.query)}`);
    }
    out.query = { ...(v.query as Record<string, string>) };
  }
  for (const key of Object.keys(v)) if (key !== 'path' && key !== 'query') throw new FlowConfigError(`${where} has an unknown key ${show(key)}; known: path, query`);
  return out;
}

function parseStep(v: unknown, where: string, agents: ReadonlySet<string>): FlowStep {
  if (!isObj(v)) throw new FlowConfigError(`${where} must be an object with id and message, got ${show(v)}`);
  const step: FlowStep = { id: id(v, where), message: text(v, 'message', where, 1000)!, quick_replies: null, next: text(v, 'next', where, 64, true) };
  const qr = v.quick_replies;
  if (qr !== undefined && qr !== null) {
    if (!isObj(qr) || !Array.isArray(qr.options) || !qr.options.length || qr.options.length > MAX_QUICK_REPLIES) {
      throw new FlowConfigError(`${where}.quick_replies must be { "multi_select": false, "options": [...] } with 1 to ${MAX_QUICK_REPLIES} options, got ${show(qr)}`);
    }
    if (qr.multi_select !== undefined && typeof qr.multi_select !== 'boolean') throw new FlowConfigError(`${where}.quick_replies.multi_select must be true or false, got ${show(qr.multi_select)}`);
    const options = qr.options.map((o: unknown, i): FlowOption => {
      const at = `${where}.quick_replies.options[${i}]`;
      if (typeof o === 'string') o = { label: o };
      if (!isObj(o)) throw new FlowConfigError(`${at} must be a label or { "label": ..., "tags": [...], "route": "agent email", "next": "step id" }, got ${show(o)}`);
      const tags = o.tags ?? [];
      if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string' || !/^[\p{L}\p{N}_ -]{1,40}$/u.test(t))) throw new FlowConfigError(`${at}.tags must be an array of tags (letters, digits, "_", "-", spaces; at most 40), got ${show(tags)}`);
      const route = text(o, 'route', at, 254, true)?.toLowerCase() ?? null;
      if (route !== null && !agents.has(route)) throw new FlowConfigError(`${at}.route must be the email of an agent of this app, got ${show(route)}`);
      return { label: text(o, 'label', at, MAX_QUICK_REPLY_LENGTH)!, tags: [...new Set(tags as string[])], route, next: text(o, 'next', at, 64, true) };
    });
    const labels = new Set(options.map((o) => o.label));
    if (labels.size !== options.length) throw new FlowConfigError(`${where}.quick_replies.options has two options with one label`);
    step.quick_replies = { multi_select: qr.multi_select === true, options };
  }
  return step;
}

/** Parses `apps[i].chat_flows`; `agents` are the emails of the agents who work on the app. */
export function parseChatFlows(v: unknown, where: string, agents: ReadonlySet<string>): ChatFlow[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new FlowConfigError(`${where} must be an array of chat flows, got ${show(v)}`);
  const flows = v.map((f: unknown, i): ChatFlow => {
    const at = `${where}[${i}]`;
    if (!isObj(f)) throw new FlowConfigError(`${at} must be an object with an id, got ${show(f)}`);
    const flowId = id(f, at);
    let bot: ChatFlow['bot'] = null;
    if (f.bot !== undefined && f.bot !== null) {
      if (!isObj(f.bot) || !Array.isArray(f.bot.steps) || !f.bot.steps.length) throw new FlowConfigError(`${at}.bot must be { "steps": [...] } with at least one step, got ${show(f.bot)}`);
      const steps = f.bot.steps.map((s: unknown, j) => parseStep(s, `${at}.bot.steps[${j}]`, agents));
      const ids = new Set(steps.map((s) => s.id));
      if (ids.size !== steps.length) throw new FlowConfigError(`${at}.bot.steps has two steps with one id`);
      for (const [j, s] of steps.entries()) {
        const nexts = [s.next, ...(s.quick_replies?.options.map((o) => o.next) ?? [])];
        for (const n of nexts) if (n !== null && !ids.has(n)) throw new FlowConfigError(`${at}.bot.steps[${j}] goes to step ${show(n)}, which ${at}.bot.steps does not have`);
      }
      bot = { name: text(f.bot, 'name', `${at}.bot`, 60, true) ?? 'Bot', handoff_message: text(f.bot, 'handoff_message', `${at}.bot`, 1000, true) ?? DEFAULT_HANDOFF, steps };
    }
    return { id: flowId, name: text(f, 'name', at, 200, true) ?? flowId, match: parseMatch(f.match, `${at}.match`), welcome_message: text(f, 'welcome_message', at, 500, true), bot };
  });
  const ids = new Set(flows.map((f) => f.id));
  if (ids.size !== flows.length) throw new FlowConfigError(`${where} has two flows with one id`);
  return flows;
}

const publicStep = (s: FlowStep): BotStepPublic => ({
  id: s.id,
  message: s.message,
  quick_replies: s.quick_replies ? { multi_select: s.quick_replies.multi_select, options: s.quick_replies.options.map((o) => o.label) } : null,
});

/** What the widget gets: rules, greetings and the first step, never routing or tags. */
export const publicFlows = (flows: readonly ChatFlow[]): ChatFlowPublic[] =>
  flows.map((f) => ({ id: f.id, name: f.name, match: f.match, welcome_message: f.welcome_message, first_step: f.bot ? publicStep(f.bot.steps[0]!) : null, bot_name: f.bot?.name ?? null }));
