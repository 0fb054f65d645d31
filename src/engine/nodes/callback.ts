/**
 * Handler of the `callback` node: asks the call-back service to run the
 * dialog (offer, number, time), store the request and confirm it, and maps the
 * outcome to an exit. After the queue node's call-back key, the caller keeps
 * their place: vars.queueArrivedAt / vars.queuePriority (set by the queue node)
 * become the call-back's arrival time and priority.
 */
import type { NodeHandler } from '../context.ts';
import type { CallbackNode } from '../../flows/nodes/callback.ts';
import { isHangup } from '../../telephony/errors.ts';

export class CallbackNodeError extends Error {
  constructor(
    readonly code: 'CALLBACKS_UNAVAILABLE' | 'CALLBACK_NOT_STORED',
    message: string,
  ) {
    super(message);
    this.name = 'CallbackNodeError';
  }
}

function numberVar(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export const runCallback: NodeHandler<CallbackNode> = async (node, ctx) => {
  const callbacks = ctx.services.callbacks;
  if (!callbacks) return { error: new CallbackNodeError('CALLBACKS_UNAVAILABLE', 'call-backs are not configured (no Redis): callback node cannot run') };
  const declined = { exit: node.declined !== undefined ? 'declined' : 'next' };
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(node.data ?? {})) data[k] = ctx.template(v);
  const arrivedAt = numberVar(ctx.state.vars.queueArrivedAt);
  const priority = node.priority ?? numberVar(ctx.state.vars.queuePriority) ?? 0;
  try {
    const outcome = await callbacks.offer({
      queueId: node.queue,
      call: ctx.call,
      language: ctx.state.language,
      ...(arrivedAt !== undefined ? { arrivedAt } : {}),
      priority,
      data,
      allowScheduled: node.allowScheduled ?? true,
      ...(node.offer !== undefined ? { offer: ctx.prompts(node.offer) } : {}),
      ...(node.offerWhenWaitAboveSeconds !== undefined ? { offerWhenWaitAboveMs: node.offerWhenWaitAboveSeconds * 1000 } : {}),
      signal: ctx.signal,
      log: ctx.log,
    });
    switch (outcome.kind) {
      case 'accepted':
        if (node.resultVar) ctx.state.vars[node.resultVar] = outcome.callbackId;
        ctx.log.info({ callbackId: outcome.callbackId, merged: outcome.merged ?? false, scheduled: outcome.scheduledAt !== undefined }, 'call-back accepted');
        return { exit: 'next' };
      case 'declined':
      case 'not-offered':
        return declined;
      case 'hangup':
        return { end: 'hangup' };
      case 'failed':
        if (outcome.reason === 'gave-up') return declined;
        return { error: new CallbackNodeError('CALLBACK_NOT_STORED', `call-back request for queue ${node.queue} not stored: ${outcome.reason}`) };
    }
  } catch (err) {
    if (isHangup(err)) throw err;
    return { error: err };
  }
};
