/**
 * The visitor's earlier threads: the wire type and the two widget routes (same prefix, origin
 * checks and bearer token as `visitorApi`). A module of their own, so only the threads chunk
 * carries them, not the chat's first open.
 */
import { ProtocolError, wrap, type ConversationStatus, type WireMessage } from './wire.js';
import { int, str } from './validate.js';
import { VISITOR_API_PREFIX, type ParsersFor, type Route } from './routes.js';

/** One of the visitor's conversations in their list of threads. */
export interface VisitorThread {
  conversation_id: string;
  status: ConversationStatus;
  /** The newest message: plain text, cut to THREAD_PREVIEW_MAX characters. */
  last_message: { author: WireMessage['author']; body: string; created_at: string } | null;
  /** Messages not the visitor's (the team's, a bot's) after their read mark: what the widget's badge counts. */
  unread: number;
  created_at: string;
}

/** How much of a thread's last message its preview keeps. */
export const THREAD_PREVIEW_MAX = 140;
export const MAX_THREADS_PAGE = 50;

export interface ThreadsQuery {
  /** A conversation id: the page starts after it. */
  before?: string;
  limit: number;
}

type Prefix = typeof VISITOR_API_PREFIX;

export const visitorThreadsApi = {
  /** The visitor's conversations in this app, newest activity first; `before` pages on. 20 a page unless `limit` (up to 50). */
  threads: { method: 'GET', path: `${VISITOR_API_PREFIX}/conversations` } as Route<`${Prefix}/conversations`, ThreadsQuery, undefined, { threads: VisitorThread[]; has_more: boolean }>,
  /**
   * Makes one of the visitor's conversations theirs to write in: a closed one is reopened (their
   * open one, if any, closed first). Their sockets follow it. 404 for anyone else's.
   */
  selectThread: { method: 'POST', path: `${VISITOR_API_PREFIX}/conversations/:id/select` } as Route<`${Prefix}/conversations/:id/select`, undefined, undefined, { conversation_id: string; status: ConversationStatus }>,
} as const;

export const visitorThreadsParsers: ParsersFor<typeof visitorThreadsApi> = {
  threads: {
    query: (q) =>
      wrap(() => {
        const limit = q.limit === undefined ? 20 : int({ limit: q.limit === '' ? NaN : Number(q.limit) }, 'limit', { min: 1 });
        if (limit > MAX_THREADS_PAGE) throw new ProtocolError('CONVOT_ERR_BAD_REQUEST', `limit must be at most ${MAX_THREADS_PAGE}`, 'limit');
        return { before: q.before === undefined ? undefined : str({ before: q.before }, 'before', { min: 1, max: 64 }), limit };
      }),
  },
};
