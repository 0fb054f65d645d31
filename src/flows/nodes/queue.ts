/**
 * `queue`: puts the caller in an ACD queue (priority, required skills, data
 * for the agent) until an agent takes the call, then continues at `next` if
 * the caller is still there (the agent hung up first). Exits for max wait
 * (`timeout`), a full queue (`full`), nobody logged in (`noagents`), exit keys
 * (`key:<k>`), a call-back request (`callback`) and failures (`error`).
 * Overflow to another queue: point `timeout`/`full`/`noagents` at another
 * queue node.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit, Id, LocalizedText } from '../common.ts';
import { defineNode, standardExits, type ExitRef, type TextRef } from '../node-definition.ts';

const Key = Type.String({ pattern: '^[0-9*#]$', description: 'A DTMF key: 0-9, * or #' });
const TemplateOrNumber = Type.Union([Type.Number(), Type.String({ minLength: 1 })], {
  description: 'A number, or a template that expands to one, e.g. "{{vars.priority}}"',
});

export const QueueNode = NodeSchema(
  'queue',
  {
    queue: Id,
    priority: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.String({ minLength: 1 })], {
      description: 'Caller priority 0–100 (higher first; default 0), or a template such as "{{vars.priority}}"',
    })),
    skills: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$' }), TemplateOrNumber, {
        description: 'Required skills: name → minimum level (0–100), numbers or templates',
      }),
    ),
    data: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }), Type.String(), {
        description: 'Data for the agent (whisper, screen pop), templates allowed: {"account": "{{vars.account}}"}',
      }),
    ),
    whisper: Type.Optional(LocalizedText),
    maxWaitSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 86400, description: "Overrides the queue's max wait (0 = no limit)" })),
    keys: Type.Optional(
      Type.Record(Type.String({ pattern: '^[0-9*#]$' }), Exit, {
        description: 'Exit keys while waiting: key → node id (exit "key:<k>"), e.g. {"0": "voicemail"}',
      }),
    ),
    callbackKey: Type.Optional(Key),
    next: Exit,
    timeout: Type.Optional(Exit),
    full: Type.Optional(Exit),
    noagents: Type.Optional(Exit),
    callback: Type.Optional(Exit),
    error: Type.Optional(Exit),
  },
  'Waits in an ACD queue with music and announcements, then connects the caller to an agent',
);
export type QueueNode = Static<typeof QueueNode>;

export const queueDefinition = defineNode({
  type: 'queue',
  schema: QueueNode,
  exits: (n) => {
    const out: ExitRef[] = standardExits(n, ['next', 'timeout', 'full', 'noagents', 'callback', 'error']);
    for (const [k, target] of Object.entries(n.keys ?? {})) out.push({ name: `key:${k}`, target, pointer: `/keys/${encodePointer(k)}` });
    return out;
  },
  // Waiting in a queue always plays music to the caller; a loop through it cannot spin.
  waitsForCaller: () => true,
  texts: (n): TextRef[] => (n.whisper === undefined ? [] : [{ pointer: '/whisper', text: n.whisper }]),
  check: (n, ctx) => {
    const queue = ctx.queues?.get(n.queue);
    if (ctx.queues && !queue) ctx.report('/queue', `unknown queue "${n.queue}"`);
    if (queue && queue.maxLength > 0 && n.full === undefined) {
      ctx.report(
        '',
        `no "full" exit: queue "${n.queue}" takes at most ${queue.maxLength} waiting callers, and the next one goes to the flow's onError, else hears the apology and is hung up; point it at voicemail, another queue or a call-back offer`,
        'warning',
      );
    }
    if (n.callbackKey !== undefined && n.keys?.[n.callbackKey] !== undefined) {
      ctx.report('/callbackKey', `key "${n.callbackKey}" is both the call-back key and an exit key`);
    }
    if (n.callbackKey !== undefined && n.callback === undefined) ctx.report('/callbackKey', 'a call-back key needs a "callback" exit');
    if (n.noagents === undefined) {
      ctx.report(
        '',
        `no "noagents" exit: a caller arriving while nobody in queue "${n.queue}" is logged in goes to the flow's onError, else hears the apology and is hung up; point it at voicemail, another queue or a message`,
        'warning',
      );
    }
    if (typeof n.priority === 'string' && !n.priority.includes('{{')) ctx.report('/priority', 'priority must be a number or a template');
    for (const [name, v] of Object.entries(n.skills ?? {})) {
      if (typeof v === 'number' && (v < 0 || v > 100)) ctx.report(`/skills/${name}`, 'skill level must be 0–100');
      if (typeof v === 'string' && !v.includes('{{')) ctx.report(`/skills/${name}`, 'skill level must be a number or a template');
    }
  },
});

function encodePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}
