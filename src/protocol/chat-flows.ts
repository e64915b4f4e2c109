/**
 * Chat flows (`apps[].chat_flows[]`): which greeting and bot a page gets. The server keeps the
 * whole flow (routing, tags, later steps); the widget receives only what it shows before a
 * conversation exists (`ChatFlowPublic`) and evaluates `match` against the page's address, so a
 * single-page app's `refresh()` re-evaluates without a request.
 */

/** Where a flow shows: every given part must match (none given: every page). */
export interface FlowMatch {
  /** A glob over the URL's path: `*` is any run of characters but `/`, `**` any run at all. */
  path?: string;
  /** Query parameters the page's URL must carry, with these values (`*`: any value). */
  query?: Record<string, string>;
}

export interface QuickReplies {
  /** The visitor may pick several options and then send them together. */
  multi_select: boolean;
  /** The options' labels, in order (also what the visitor's answer says). */
  options: string[];
}

/** A bot step as the widget shows it: a message and, maybe, quick replies. */
export interface BotStepPublic {
  id: string;
  message: string;
  quick_replies: QuickReplies | null;
}

/** What the widget knows of a flow (GET config, `chat_flows`). */
export interface ChatFlowPublic {
  id: string;
  name: string;
  match: FlowMatch;
  /** Shown above a new conversation (instead of `appearance.welcome_text`); null: that one. */
  welcome_message: string | null;
  /** The bot's first step, shown before the visitor writes; null: the flow has no bot. */
  first_step: BotStepPublic | null;
  /** The bot's display name (its messages' author name). */
  bot_name: string | null;
}

/** A bot's message in the conversation: who speaks and, while the step waits, its quick replies. */
export interface BotCard {
  type: 'bot';
  name: string;
  flow_id: string;
  step_id: string | null;
  quick_replies: QuickReplies | null;
}

/** The visitor's answer to a bot step (its `body` is the labels, comma-separated). */
export interface QuickReplyCard {
  type: 'quick_reply';
  flow_id: string;
  step_id: string;
  multi_select: boolean;
  values: string[];
}

/** A visitor message's place in a flow: the flow it starts in, and the step it answers. */
export interface FlowAnswer {
  flow: string;
  reply?: { step: string; values: string[] };
}

export const FLOW_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_QUICK_REPLIES = 10;
export const MAX_QUICK_REPLY_LENGTH = 80;

/** `path` glob → RegExp (everything but `*` is literal). */
function globRegExp(glob: string): RegExp {
  const parts = glob.split(/(\*\*|\*)/);
  const source = parts.map((p) => (p === '**' ? '.*' : p === '*' ? '[^/]*' : p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`);
}

/** Whether a flow's rule matches this address. */
export function flowMatches(match: FlowMatch, url: URL): boolean {
  if (match.path !== undefined && !globRegExp(match.path).test(url.pathname)) return false;
  for (const [key, value] of Object.entries(match.query ?? {})) {
    const got = url.searchParams.get(key);
    if (got === null || (value !== '*' && got !== value)) return false;
  }
  return true;
}

/** The first flow (in config order) whose rule matches the address, else null. */
export function matchFlow<F extends { match: FlowMatch }>(flows: readonly F[], url: URL): F | null {
  return flows.find((f) => flowMatches(f.match, url)) ?? null;
}
