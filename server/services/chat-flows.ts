/**
 * What a chat flow's bot does with a visitor message: a pure decision over the conversation's
 * flow state (services decide, the repository stores it in one transaction). A new
 * conversation keeps the first step the widget showed; a valid quick-reply answer tags and
 * routes the conversation and moves to the next step or hands over; free text answers a step
 * without quick replies and otherwise leaves the bot waiting (the visitor may still click).
 */
import type { BotCard, FlowAnswer, QuickReplyCard } from '../../src/protocol/index.js';
import type { ChatFlow, FlowStep } from '../chat-flows/config.js';
import type { FlowPlan, FlowState } from '../storage/conversations-repo.js';

type Bot = NonNullable<ChatFlow['bot']>;

const say = (flow: ChatFlow, bot: Bot, step: FlowStep | null): FlowPlan['before'][number] => ({
  body: step ? step.message : bot.handoff_message,
  card: {
    type: 'bot',
    name: bot.name,
    flow_id: flow.id,
    step_id: step?.id ?? null,
    quick_replies: step?.quick_replies ? { multi_select: step.quick_replies.multi_select, options: step.quick_replies.options.map((o) => o.label) } : null,
  } satisfies BotCard,
});

export function planFlowMessage(flows: readonly ChatFlow[], answer: Partial<FlowAnswer>, conv: FlowState): FlowPlan {
  const fresh = conv.last_seq === 0;
  const flow = flows.find((f) => f.id === (conv.flow_id ?? (fresh ? answer.flow : undefined))) ?? null;
  const plan: FlowPlan = { flowId: fresh && flow ? flow.id : null, before: [], card: null, after: [], botStep: conv.bot_step, tags: [], assignee: null };
  const bot = flow?.bot;
  if (!flow || !bot) return plan;
  const stepOf = (id: string | null) => bot.steps.find((s) => s.id === id) ?? null;
  let step = fresh ? bot.steps[0]! : stepOf(conv.bot_step);
  if (fresh && step) {
    plan.before.push(say(flow, bot, step));
    plan.botStep = step.id;
  }
  if (!step) return plan;
  let next: string | null;
  const reply = answer.reply;
  if (step.quick_replies) {
    if (!reply || reply.step !== step.id) return plan; // free text (or a stale click): the bot still waits
    const { multi_select, options } = step.quick_replies;
    const chosen = reply.values.map((v) => options.find((o) => o.label === v));
    if (chosen.some((o) => !o) || (!multi_select && chosen.length !== 1)) return plan; // stored as said, without a card
    const picked = chosen as NonNullable<(typeof chosen)[number]>[];
    plan.card = { type: 'quick_reply', flow_id: flow.id, step_id: step.id, multi_select, values: picked.map((o) => o.label) } satisfies QuickReplyCard;
    plan.tags = [...new Set(picked.flatMap((o) => o.tags))];
    plan.assignee = picked.find((o) => o.route)?.route ?? null;
    next = (!multi_select ? picked[0]!.next : null) ?? step.next;
  } else {
    next = step.next; // any message answers a step that only says something
  }
  step = stepOf(next);
  plan.after.push(say(flow, bot, step));
  plan.botStep = step?.id ?? null;
  return plan;
}
