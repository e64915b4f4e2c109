// Browser tests run in Debian's Chromium against the TypeScript sources, talking to a real
// Convot server (in-memory PGlite) started here on a free port.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { register } from 'tsx/esm/api';
import WebSocket from 'ws';
import { chromiumPath } from './scripts/chromium.mjs';

register();
const { buildApp } = await import('./server/app.ts');
const { openPglite } = await import('./server/storage/pglite.ts');
const { parseConfig } = await import('./server/config.ts');

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const testPort = await freePort();

/** Bookable every day around the clock (UTC), so any test day has free times. */
const EVERY_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '23:30']]]));
const MEETING_TYPES = [
  {
    id: 3,
    name: 'Product demo',
    duration_minutes: 30,
    description: 'A walk through the product.',
    location: 'https://meet.example.com/demo',
    timezone: 'UTC',
    weekly_hours: EVERY_DAY,
    buffer_minutes: 0,
    min_notice_minutes: 60,
    horizon_days: 60,
    questions: [{ id: 'company', label: 'Company', required: true, type: 'text' }],
  },
  { id: 5, name: 'Quick call', duration_minutes: 15, timezone: 'Europe/Paris', weekly_hours: EVERY_DAY, min_notice_minutes: 60, horizon_days: 60 },
];

/** The help center of the test app: two categories, French, and hostile Markdown that must stay inert. */
const HELP_ARTICLES = [
  {
    locale: 'en',
    slug: 'billing-basics',
    title: 'Billing basics',
    category: 'Billing',
    description: 'How invoices and payments work.',
    body: [
      'Your **invoice** is sent on the first day of each month. See [the pricing page](https://example.com/pricing).',
      '',
      '- Pay by card',
      '- Pay by bank transfer',
      '',
      '| Plan | Price |',
      '|:-----|------:|',
      '| Pro | 10 |',
      '',
      '<script>window.__convotPwned = 1</script>',
      '<img src=x onerror="window.__convotPwned = 2">',
      '[click me](javascript:window.__convotPwned=3) and [data](data:text/html,<script>alert(1)</script>)',
      '![tracker](http://insecure.example.com/pixel.png)',
    ].join('\n'),
  },
  { locale: 'en', slug: 'refunds', title: 'Refunds', category: 'Billing', body: 'We refund unused months of billing on request.' },
  { locale: 'en', slug: 'reset-password', title: 'Reset your password', category: 'Account', body: 'Use **Forgot password** on the sign-in page.' },
  { locale: 'fr', slug: 'facturation', title: 'Facturation', category: 'Facturation', body: 'Votre facture est envoyée chaque mois.' },
];
const db = await openPglite();
const config = parseConfig({
  apps: [
    {
      id: 'app_browser',
      name: 'Browser tests',
      identity_secret: 'browser-secret-of-at-least-32-characters',
      allowed_origins: [`http://localhost:${testPort}`, `http://127.0.0.1:${testPort}`],
      status_url: 'https://status.example.com/',
      articles: HELP_ARTICLES,
      meeting_types: MEETING_TYPES,
    },
    // No help articles: the helpdesk verbs warn and do nothing.
    { id: 'app_nohelp', name: 'No help', allowed_origins: [`http://localhost:${testPort}`, `http://127.0.0.1:${testPort}`] },
    // Chat flows: one for pages under /flows/pricing (a bot with a multi-select step), one for ?support=1.
    {
      id: 'app_flows',
      name: 'Flows',
      allowed_origins: [`http://localhost:${testPort}`, `http://127.0.0.1:${testPort}`],
      chat_flows: [
        {
          id: 'pricing',
          match: { path: '/flows/pricing*' },
          welcome_message: 'Questions about pricing?',
          bot: {
            name: 'Pricebot',
            steps: [
              { id: 'plans', message: 'Which plans interest you?', quick_replies: { multi_select: true, options: ['Starter', 'Team', 'Enterprise'] }, next: 'seats' },
              { id: 'seats', message: 'How many seats?', quick_replies: { options: ['Under 10', '10 or more'] } },
            ],
          },
        },
        { id: 'support', match: { query: { support: '1' } }, welcome_message: 'Support is here.' },
      ],
    },
  ],
  agents: [{ email: 'agent@browser.test', name: 'Bea', password: 'browser-pass' }],
});
const { RateLimiter, LIMITS } = await import('./server/rate-limit.ts');
// Every browser test is a new visitor from 127.0.0.1: lift the per-IP session limit only.
const rateLimiter = new RateLimiter(Date.now, { ...LIMITS, session: { max: 100_000, windowMs: 60_000 } });
const app = await buildApp({ db, config, root: process.cwd(), rateLimiter });
const serverUrl = await app.listen({ port: 0, host: '127.0.0.1' });

let signedIn;
/**
 * The test agent's sign-in cookie, signed in once: sign-ins are limited per account (10 in 15
 * minutes), and the commands below would use them up in one run of the suite.
 */
function agentCookie() {
  signedIn ??= app.inject({ method: 'POST', url: '/api/v1/agent/login', payload: { email: 'agent@browser.test', password: 'browser-pass' } }).then((login) => {
    if (login.statusCode !== 200) throw new Error(`test agent sign-in: ${login.statusCode} ${login.body}`);
    return String(login.headers['set-cookie']).split(';')[0];
  });
  return signedIn;
}

let inbox;
/** Opens an agent socket like the inbox does (cookie sign-in) and waits for its ready frame. */
async function openInbox() {
  if (inbox) return;
  const cookie = await agentCookie();
  inbox = new WebSocket(`${serverUrl.replace('http', 'ws')}/api/v1/agent/ws`, { headers: { cookie } });
  await new Promise((resolve, reject) => {
    inbox.on('message', (d) => JSON.parse(String(d)).type === 'ready' && resolve());
    inbox.once('error', reject);
  });
}
function closeInbox() {
  inbox?.close();
  inbox = undefined;
}

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: { exportConditions: ['production'] },
  port: testPort,
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    {
      // Server commands let browser tests act as the agent (executeServerCommand).
      name: 'convot-test-server',
      async executeCommand({ command, payload }) {
        const { repos, chat } = app.convot;
        const agent = await repos.agents.findByEmail('agent@browser.test');
        if (command === 'convot-agent-reply') {
          const r = await chat.sendAgentMessage(payload.conversationId, agent.id, randomUUID(), payload.body);
          return r ? r.message : null;
        }
        if (command === 'convot-agent-typing') {
          await chat.agentTyping(payload.conversationId, { id: agent.id, apps: null }, payload.typing);
          return true;
        }
        if (command === 'convot-agent-read') {
          await chat.markAgentRead(payload.conversationId, { id: agent.id, apps: null }, payload.seq);
          return true;
        }
        if (command === 'convot-agent-presence') {
          // An agent is reachable only with the inbox open: keep a real inbox socket while online.
          if (payload.online) await openInbox();
          await chat.setAgentOnline(agent.id, payload.online);
          if (!payload.online) closeInbox();
          return true;
        }
        if (command === 'convot-agent-close') {
          // Through the inbox's own HTTP route, signed in like the inbox.
          const cookie = await agentCookie();
          const r = await app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${encodeURIComponent(payload.conversationId)}/close`, headers: { cookie } });
          return r.statusCode;
        }
        if (command === 'convot-agent-article') {
          // Through the inbox's own HTTP route, signed in like the inbox.
          const cookie = await agentCookie();
          const r = await app.inject({
            method: 'POST',
            url: `/api/v1/agent/conversations/${encodeURIComponent(payload.conversationId)}/articles`,
            headers: { cookie },
            payload: { client_id: randomUUID(), locale: payload.locale, slug: payload.slug },
          });
          return r.json().message ?? null;
        }
        if (command === 'convot-agent-offer-booking') {
          const cookie = await agentCookie();
          const r = await app.inject({
            method: 'POST',
            url: `/api/v1/agent/conversations/${encodeURIComponent(payload.conversationId)}/booking-offers`,
            headers: { cookie },
            payload: { client_id: randomUUID(), meeting_type_id: payload.meetingTypeId },
          });
          return r.json().message ?? null;
        }
        if (command === 'convot-book') {
          // Another visitor books a time over HTTP, as their widget would.
          const session = await app.inject({ method: 'POST', url: '/api/v1/apps/app_browser/sessions' });
          const r = await app.inject({
            method: 'POST',
            url: '/api/v1/apps/app_browser/scheduling/bookings',
            headers: { authorization: `Bearer ${session.json().token}` },
            payload: { meeting_type_id: payload.meetingTypeId, start: payload.start, timezone: 'UTC', name: 'Quick Other', email: 'other@example.com', answers: { company: 'Other Co' } },
          });
          return r.statusCode;
        }
        if (command === 'convot-conversations') return repos.conversations.summaries();
        if (command === 'convot-messages') {
          // Through the inbox's own HTTP route, signed in like the inbox.
          const cookie = await agentCookie();
          const r = await app.inject({ method: 'GET', url: `/api/v1/agent/conversations/${encodeURIComponent(payload.conversationId)}/messages`, headers: { cookie } });
          return r.json().messages;
        }
        if (command === 'convot-visitor-events') {
          const id = await repos.conversations.visitorOf(payload.conversationId);
          return id ? repos.visitors.events(id) : null;
        }
        return undefined;
      },
      async serverStop() {
        closeInbox();
        await app.close();
        await db.close();
      },
    },
  ],
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html><head><meta charset="utf-8"><script>window.CONVOT_TEST = ${JSON.stringify({ server: serverUrl, appId: 'app_browser', noHelpAppId: 'app_nohelp', flowsAppId: 'app_flows', agent: { email: 'agent@browser.test', password: 'browser-pass' } })};</script></head>
    <body><script type="module" src="${testFramework}"></script></body></html>`,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromiumPath(),
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      },
    }),
  ],
};
