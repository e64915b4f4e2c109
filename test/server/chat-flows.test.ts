/**
 * Chat flows (`apps[].chat_flows[]`) against a real database: the config's checks, what the
 * widget may know (no routing, no tags, no later steps), and the bot: the first step the widget
 * showed is stored when the conversation starts, quick replies tag and route it and move to the
 * next step or hand over, a wrong answer is kept as said, and an agent's reply takes over.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../server/config.js';
import { matchFlow } from '../../src/protocol/chat-flows.js';
import { ALLOWED_ORIGIN, cid, loginAgent, newSession, startServer, stopServer, testConfigData, visitorPath, visitorSocket, type Frame, type Sock, type TestServer } from './helpers.js';

const SECOND = 'second@test.dev';

function flowsConfig(flows: unknown, extra: Record<string, unknown> = {}) {
  const data = testConfigData();
  (data.apps as Record<string, unknown>[])[0]!.chat_flows = flows;
  (data.agents as Record<string, unknown>[]).push({ email: SECOND, name: 'Sam Second', password: 'another password' });
  Object.assign(data, extra);
  return parseConfig(data, {});
}

const FLOWS = [
  {
    id: 'sales',
    name: 'Sales',
    match: { query: { sales_chat: 'true' } },
    welcome_message: 'Talk to sales!',
    bot: {
      name: 'Sally',
      steps: [
        {
          id: 'topic',
          message: 'What brings you here?',
          quick_replies: {
            options: [
              { label: 'Pricing', tags: ['pricing'], next: 'size' },
              { label: 'Learn more', tags: ['lead'], route: SECOND },
            ],
          },
        },
        { id: 'size', message: 'How big is your team?', quick_replies: { multi_select: true, options: ['1-10', '11-50', { label: 'Enterprise', tags: ['enterprise'], route: SECOND }] } },
      ],
    },
  },
  { id: 'docs', match: { path: '/docs/**' }, welcome_message: 'Docs questions?' },
];

describe('chat flows in the config', () => {
  test('a step that goes nowhere, a route to an unknown agent and a bad rule are refused, naming the field', () => {
    const bad = (flows: unknown, pattern: RegExp) => assert.throws(() => flowsConfig(flows), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
    bad([{ id: 'x', bot: { steps: [{ id: 'a', message: 'Hi', next: 'b' }] } }], /apps\[0\]\.chat_flows\[0\]\.bot\.steps\[0\] goes to step "b"/);
    bad([{ id: 'x', bot: { steps: [{ id: 'a', message: 'Hi', quick_replies: { options: [{ label: 'Yes', route: 'nobody@test.dev' }] } }] } }], /options\[0\]\.route must be the email of an agent of this app/);
    bad([{ id: 'x', match: { path: 'pricing' } }], /chat_flows\[0\]\.match\.path must be a path glob/);
    bad([{ id: 'x' }, { id: 'x' }], /two flows with one id/);
    bad([{ id: 'bad id' }], /chat_flows\[0\]\.id must be/);
  });

  test('matching: query pairs, path globs, the first flow in order wins, none matches', () => {
    const flows = flowsConfig(FLOWS).apps[0]!.chat_flows!;
    assert.equal(matchFlow(flows, new URL('https://shop.test/?sales_chat=true'))?.id, 'sales');
    assert.equal(matchFlow(flows, new URL('https://shop.test/pricing?x=1&sales_chat=true'))?.id, 'sales');
    assert.equal(matchFlow(flows, new URL('https://shop.test/?sales_chat=false')), null);
    assert.equal(matchFlow(flows, new URL('https://shop.test/docs/api/auth'))?.id, 'docs');
    assert.equal(matchFlow(flows, new URL('https://shop.test/documents')), null);
    assert.equal(matchFlow([{ match: { path: '/blog/*' } }], new URL('https://shop.test/blog/a/b')), null);
    assert.equal(matchFlow([{ match: {} }], new URL('https://shop.test/anything')) !== null, true);
  });
});

describe('the bot', () => {
  let s: TestServer;
  const socks: Sock[] = [];
  before(async () => {
    s = await startServer({ listen: true, config: flowsConfig(FLOWS) });
  });
  after(async () => {
    for (const x of socks) x.ws.close();
    await stopServer(s);
  });

  async function visitor() {
    const session = await newSession(s.app);
    const v = await visitorSocket(s.wsBase, session.token);
    socks.push(v.sock);
    return { ...v, session };
  }
  /** Sends a message frame and returns the stored visitor message (its ack) and the bot's messages after it. */
  async function say(sock: Sock, frame: Record<string, unknown>, expect: number): Promise<Frame[]> {
    const clientId = cid();
    sock.send({ type: 'message', client_id: clientId, ...frame });
    const ack = await sock.next((f) => f.type === 'ack' && f.client_id === clientId);
    await sock.sync();
    const got: Frame[] = [];
    while (got.length < expect) got.push((await sock.next((f) => f.type === 'message' && f.message.author === 'bot')).message);
    return [ack.message, ...got];
  }
  async function summary(conversationId: string) {
    const cookie = await loginAgent(s.app);
    const res = await s.app.inject({ method: 'GET', url: `/api/v1/agent/conversations?limit=50`, headers: { cookie } });
    return res.json().conversations.find((c: { id: string }) => c.id === conversationId);
  }

  test('the widget gets rules, greetings and the first step, never routing, tags or later steps', async () => {
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/config'), headers: { origin: ALLOWED_ORIGIN } });
    const flows = res.json().chat_flows;
    assert.deepEqual(flows[0], {
      id: 'sales',
      name: 'Sales',
      match: { query: { sales_chat: 'true' } },
      welcome_message: 'Talk to sales!',
      bot_name: 'Sally',
      first_step: { id: 'topic', message: 'What brings you here?', quick_replies: { multi_select: false, options: ['Pricing', 'Learn more'] } },
    });
    assert.deepEqual(flows[1], { id: 'docs', name: 'docs', match: { path: '/docs/**' }, welcome_message: 'Docs questions?', first_step: null, bot_name: null });
    assert.doesNotMatch(res.body, /second@test\.dev|enterprise|How big/);
  });

  test('a quick reply starts the conversation: the shown step, the answer, then the next step; a multi-select answer routes and hands over', async () => {
    const { sock } = await visitor();
    const first = await say(sock, { body: 'Pricing', flow: 'sales', reply: { step: 'topic', values: ['Pricing'] } }, 2);
    const [ack, prompt, next] = first;
    assert.equal(ack!.author, 'visitor');
    assert.equal(ack!.seq, 2);
    assert.deepEqual(ack!.card, { type: 'quick_reply', flow_id: 'sales', step_id: 'topic', multi_select: false, values: ['Pricing'] });
    assert.equal(prompt!.seq, 1);
    assert.equal(prompt!.author, 'bot');
    assert.equal(prompt!.agent_name, 'Sally');
    assert.equal(prompt!.body, 'What brings you here?');
    assert.equal(next!.seq, 3);
    assert.equal(next!.body, 'How big is your team?');
    assert.deepEqual(next!.card.quick_replies, { multi_select: true, options: ['1-10', '11-50', 'Enterprise'] });
    let c = await summary(ack!.conversation_id);
    assert.equal(c.flow_id, 'sales');
    assert.deepEqual(c.tags, ['pricing']);
    assert.equal(c.bot_active, true);
    assert.equal(c.assignee, null);

    const [answer, handoff] = await say(sock, { body: '11-50, Enterprise', flow: 'sales', reply: { step: 'size', values: ['11-50', 'Enterprise'] } }, 1);
    assert.deepEqual(answer!.card.values, ['11-50', 'Enterprise']);
    assert.equal(handoff!.author, 'bot');
    assert.equal(handoff!.card.step_id, null);
    assert.match(handoff!.body, /Someone from the team/);
    c = await summary(ack!.conversation_id);
    assert.deepEqual(c.tags, ['enterprise', 'pricing']);
    assert.deepEqual(c.assignee, { email: SECOND, name: 'Sam Second' });
    assert.equal(c.bot_active, false);
  });

  test('free text leaves a quick-reply step waiting; a wrong option is kept as said; an agent reply takes over', async () => {
    const { sock } = await visitor();
    const [ack, prompt] = await say(sock, { body: 'hi there', flow: 'sales' }, 1);
    assert.equal(prompt!.body, 'What brings you here?');
    assert.equal(ack!.card, undefined);
    let c = await summary(ack!.conversation_id);
    assert.equal(c.bot_active, true);

    const [wrong] = await say(sock, { body: 'Free lunch', flow: 'sales', reply: { step: 'topic', values: ['Free lunch'] } }, 0);
    assert.equal(wrong!.card, undefined, 'not an option: stored as text');
    assert.equal(wrong!.body, 'Free lunch');

    const cookie = await loginAgent(s.app);
    const r = await s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${ack!.conversation_id}/messages`, headers: { cookie }, payload: { client_id: cid(), body: 'Hi, I am here' } });
    assert.equal(r.statusCode, 201, r.body);
    c = await summary(ack!.conversation_id);
    assert.equal(c.bot_active, false, 'the agent took over');
    const [late] = await say(sock, { body: 'Pricing', flow: 'sales', reply: { step: 'topic', values: ['Pricing'] } }, 0);
    assert.equal(late!.card, undefined, 'the bot no longer waits');
  });

  test('a retried answer is stored once, with no second bot message', async () => {
    const { sock } = await visitor();
    const clientId = cid();
    const frame = { type: 'message', client_id: clientId, body: 'Learn more', flow: 'sales', reply: { step: 'topic', values: ['Learn more'] } };
    sock.send(frame);
    await sock.next((f) => f.type === 'ack' && f.client_id === clientId);
    sock.send(frame);
    await sock.next((f) => f.type === 'ack' && f.client_id === clientId);
    await sock.sync();
    const bots = sock.frames.filter((f) => f.type === 'message' && f.message.author === 'bot');
    assert.equal(bots.length, 2, 'the shown step and the hand-over, once each');
    assert.equal(sock.frames.filter((f) => f.type === 'ack').length, 2);
  });

  test('a flow without a bot records the flow; an unknown flow id is a plain message; a bad reply is a 4xx error frame naming the field', async () => {
    const { sock } = await visitor();
    const [ack] = await say(sock, { body: 'About the docs', flow: 'docs' }, 0);
    assert.equal(ack!.seq, 1);
    assert.equal((await summary(ack!.conversation_id)).flow_id, 'docs');

    const other = await visitor();
    const [plain] = await say(other.sock, { body: 'hello', flow: 'nope' }, 0);
    assert.equal((await summary(plain!.conversation_id)).flow_id, null);

    const clientId = cid();
    other.sock.send({ type: 'message', client_id: clientId, body: 'x', flow: 'sales', reply: { step: 'topic', values: [] } });
    const err = await other.sock.nextType('error');
    assert.equal(err.code, 'CONVOT_ERR_BAD_REQUEST');
    assert.match(err.message, /reply\.values/);
  });
});
