/**
 * The emails the chat sends, as plain text and simple HTML. Everything interpolated into HTML is
 * escaped; subjects carry the team's name only, never what a visitor wrote or who they are.
 */
export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** One line for a header: no line breaks, bounded. */
const oneLine = (s: string, max = 120): string => {
  const t = s.replace(/[\r\n\t]+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

export interface TranscriptMessage {
  author: 'visitor' | 'agent' | 'system';
  agent_name: string | null;
  body: string;
  created_at: Date | string;
}

const when = (d: Date | string): string => new Date(d).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

function who(m: TranscriptMessage, team: string): string {
  if (m.author === 'visitor') return 'You';
  if (m.author === 'agent') return m.agent_name ? `${m.agent_name} (${team})` : team;
  return team;
}

const layout = (inner: string): string =>
  `<!doctype html><html><body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111;line-height:1.45;max-width:560px">${inner}</body></html>`;

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

/** The unread-reply email to a visitor: recent messages, oldest first, and a link back if known. */
export function renderVisitorReply(input: { team: string; messages: TranscriptMessage[]; link: string | null }): Rendered {
  const team = oneLine(input.team, 80);
  const subject = `New reply from ${team}`;
  const intro = `${team} replied to your conversation.`;
  const back = input.link ? `Continue the conversation: ${input.link}` : 'Open the chat on our site to reply.';
  const text = [
    intro,
    '',
    ...input.messages.flatMap((m) => [`${who(m, team)} · ${when(m.created_at)}`, m.body, '']),
    back,
    '',
    `You receive this because you chatted with ${team} and left your email address.`,
  ].join('\n');
  const html = layout(
    [
      `<p>${escapeHtml(intro)}</p>`,
      ...input.messages.map(
        (m) =>
          `<div style="margin:0 0 12px;padding:8px 12px;border-left:3px solid ${m.author === 'visitor' ? '#ccc' : '#2563eb'}">` +
          `<div style="font-size:12px;color:#555">${escapeHtml(who(m, team))} · ${escapeHtml(when(m.created_at))}</div>` +
          `<div style="white-space:pre-wrap">${escapeHtml(m.body)}</div></div>`,
      ),
      input.link
        ? `<p><a href="${escapeHtml(input.link)}">Continue the conversation</a></p>`
        : '<p>Open the chat on our site to reply.</p>',
      `<p style="font-size:12px;color:#777">You receive this because you chatted with ${escapeHtml(team)} and left your email address.</p>`,
    ].join(''),
  );
  return { subject, text, html };
}

/** The email to an app's agents when a conversation starts and none of them is available. */
export function renderNewConversation(input: {
  team: string;
  visitor: { name: string | null; email: string | null };
  firstMessage: string;
  inboxUrl: string | null;
}): Rendered {
  const team = oneLine(input.team, 80);
  const subject = `New conversation on ${team}`;
  const from = [input.visitor.name, input.visitor.email && `<${input.visitor.email}>`].filter(Boolean).join(' ') || 'An anonymous visitor';
  const intro = `${from} started a conversation on ${team} while no agent was available.`;
  const open = input.inboxUrl ? `Answer in the inbox: ${input.inboxUrl}` : 'Answer in the Convot inbox.';
  const text = [intro, '', input.firstMessage, '', open].join('\n');
  const html = layout(
    [
      `<p>${escapeHtml(intro)}</p>`,
      `<div style="margin:0 0 12px;padding:8px 12px;border-left:3px solid #ccc;white-space:pre-wrap">${escapeHtml(input.firstMessage)}</div>`,
      input.inboxUrl ? `<p><a href="${escapeHtml(input.inboxUrl)}">Answer in the inbox</a></p>` : '<p>Answer in the Convot inbox.</p>',
    ].join(''),
  );
  return { subject, text, html };
}
