/**
 * `callback`: offers or takes a call-back. The caller confirms the number they
 * call from or keys another (validated, normalised to E.164, re-prompted on
 * bad input), picks "as soon as possible" (keeps their place in the queue:
 * virtual hold) or a time slot inside the queue's business hours, and hears a
 * confirmation once the request is stored. Exits: `next` (accepted),
 * `declined` (said no, gave too many bad answers, or the wait was short
 * enough not to offer) and `error`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Id, Prompts, promptList } from '../common.ts';
import { defineNode, standardExits, type PromptRef } from '../node-definition.ts';
import { ExitTo } from './menu.ts';

export const CallbackNode = NodeSchema(
  'callback',
  {
    queue: Type.String({ pattern: Id.pattern, description: 'Queue the call-back waits in and is routed through to an agent' }),
    offer: Type.Optional(
      Type.Union(Prompts.anyOf, {
        description:
          'Prompts offering a call-back: key 1 accepts, key 2 or silence declines. Omit when the caller already asked for one (e.g. after the queue node\'s call-back key)',
      }),
    ),
    offerWhenWaitAboveSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400,
        description: "Only offer when the queue's estimated wait time is above this many seconds; otherwise take `declined` without a word",
      }),
    ),
    allowScheduled: Type.Optional(Type.Boolean({ default: true, description: 'Let the caller pick a time slot inside business hours, besides "as soon as possible". Default true' })),
    priority: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100, description: 'Priority in the queue (higher first). Default: the priority the caller had in the queue (vars.queuePriority), else 0' }),
    ),
    data: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }), Type.String(), {
        description: 'Data for the agent (screen pop), templates allowed: {"account": "{{vars.account}}"}',
      }),
    ),
    resultVar: Type.Optional(Type.String({ pattern: Id.pattern, description: 'Variable that receives the call-back id when accepted' })),
    next: ExitTo('Taken when the call-back is stored and confirmed to the caller'),
    declined: Type.Optional(ExitTo('Taken when the caller declines, gives up after too many bad answers, or the wait is too short to offer; default: next')),
    error: Type.Optional(ExitTo('Taken when the request cannot be stored (the caller heard an apology) or call-backs are not configured')),
  },
  'Offers or takes a call-back: number (confirmed or keyed), as soon as possible or a time slot, stored before the confirmation',
);
export type CallbackNode = Static<typeof CallbackNode>;

export const callbackDefinition = defineNode({
  type: 'callback',
  schema: CallbackNode,
  exits: (n) => standardExits(n, ['next', 'declined', 'error']),
  // Talks with the caller, except when the wait is short enough not to offer.
  waitsForCaller: (n) => n.offerWhenWaitAboveSeconds === undefined,
  prompts: (n): PromptRef[] => {
    const list = promptList(n.offer);
    return list.map((prompt, i) => ({ pointer: Array.isArray(n.offer) ? `/offer/${i}` : '/offer', prompt }));
  },
  check: (n, ctx) => {
    if (ctx.queues && !ctx.queues.has(n.queue)) ctx.report('/queue', `unknown queue "${n.queue}"`);
    if (n.offerWhenWaitAboveSeconds !== undefined && n.offer === undefined) {
      ctx.report('/offerWhenWaitAboveSeconds', 'a wait threshold needs an "offer" prompt (the caller did not ask for a call-back)');
    }
  },
});
