/**
 * Handler of the `queue` node: resolves priority, skills and data (templates),
 * asks the ACD (QueueService) to hold the caller until an outcome, and maps the
 * outcome to an exit. The ACD does the waiting, the agent dial and the bridge.
 */
import type { NodeHandler, NodeOutcome } from '../context.ts';
import type { QueueNode } from '../../flows/nodes/queue.ts';
import type { QueueOutcome } from '../services/queue-service.ts';
import { isHangup } from '../../telephony/errors.ts';

export class QueueNodeError extends Error {
  constructor(
    readonly code: 'ACD_UNAVAILABLE' | 'BAD_PRIORITY' | 'BAD_SKILL_LEVEL' | 'EXIT_MISSING',
    message: string,
  ) {
    super(message);
    this.name = 'QueueNodeError';
  }
}

function level(raw: number | string, expand: (s: string) => string, what: string, code: 'BAD_PRIORITY' | 'BAD_SKILL_LEVEL'): number {
  const v = typeof raw === 'number' ? raw : Number(expand(raw).trim());
  if (!Number.isFinite(v) || v < 0 || v > 100) throw new QueueNodeError(code, `${what}: "${String(raw)}" is not a number 0–100`);
  return Math.round(v);
}

export const runQueue: NodeHandler<QueueNode> = async (node, ctx) => {
  const queues = ctx.services.queues;
  if (!queues) return { error: new QueueNodeError('ACD_UNAVAILABLE', 'the ACD is not configured (no Redis): queue node cannot run') };
  let priority: number;
  const skills: Record<string, number> = {};
  try {
    priority = node.priority === undefined ? 0 : level(node.priority, (s) => ctx.template(s), 'priority', 'BAD_PRIORITY');
    for (const [name, v] of Object.entries(node.skills ?? {})) skills[name] = level(v, (s) => ctx.template(s), `skill ${name}`, 'BAD_SKILL_LEVEL');
  } catch (err) {
    return { error: err };
  }
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(node.data ?? {})) data[k] = ctx.template(v);
  ctx.state.queue = { queueId: node.queue };
  // Without a `timeout` exit (and no explicit maxWaitSeconds) the caller waits without limit.
  const maxWaitSeconds = node.maxWaitSeconds ?? (node.timeout === undefined ? 0 : undefined);
  let outcome: QueueOutcome;
  try {
    outcome = await queues.wait({
    queueId: node.queue,
    call: ctx.call,
    priority,
    skills,
    language: ctx.state.language,
    data,
    exitKeys: Object.keys(node.keys ?? {}),
    ...(node.callbackKey !== undefined ? { callbackKey: node.callbackKey } : {}),
    ...(node.whisper !== undefined ? { whisper: ctx.text(node.whisper) } : {}),
    ...(maxWaitSeconds !== undefined ? { maxWaitSeconds } : {}),
    signal: ctx.signal,
    log: ctx.log,
    onAgent: (agentId) => {
      ctx.state.queue = agentId === undefined ? { queueId: node.queue } : { queueId: node.queue, agentId };
    },
  });
  } catch (err) {
    if (isHangup(err)) throw err;
    return { error: err };
  }
  ctx.log.info({ outcome: outcome.kind }, 'queue outcome');
  const exit = (name: 'timeout' | 'full' | 'noagents' | 'callback'): NodeOutcome =>
    node[name] !== undefined ? { exit: name } : { error: new QueueNodeError('EXIT_MISSING', `queue ${node.queue}: "${name}" happened and the node has no "${name}" exit`) };
  switch (outcome.kind) {
    case 'served':
      ctx.state.queue = { queueId: node.queue, agentId: outcome.agentId };
      return outcome.callerStillThere ? { exit: 'next' } : { end: 'hangup' };
    case 'timeout':
      return exit('timeout');
    case 'full':
      return exit('full');
    case 'no-agents':
      return exit('noagents');
    case 'key':
      return { exit: `key:${outcome.key}` };
    case 'callback-requested':
      ctx.state.vars.queueArrivedAt = outcome.arrivedAt;
      ctx.state.vars.queuePriority = outcome.priority;
      return exit('callback');
    case 'hangup':
      return { end: 'hangup' };
  }
};
