/**
 * `transfer` handler: expands the target, refuses it unless the allow-list
 * accepts it (nothing is dialed then), plays the optional prompt, and
 * blind-transfers. A refusal or a TransferFailedError takes the error exit.
 */
import type { NodeHandler } from '../context.ts';
import type { TransferNode } from '../../flows/nodes/transfer.ts';
import { destinationRefusal, DestinationRefusedError } from '../../flows/destination-policy.ts';
import { TransferFailedError } from '../../telephony/errors.ts';
import { abortReason } from '../../util/clock.ts';

export const runTransfer: NodeHandler<TransferNode> = async (node, ctx) => {
  const target = ctx.template(node.target);
  const refusal = destinationRefusal(ctx.services.transferPolicy, target);
  if (refusal !== undefined) {
    ctx.log.warn({ target }, 'transfer refused by the allow-list');
    return { error: new DestinationRefusedError(target, refusal) };
  }
  if (node.prompt !== undefined) {
    const r = await ctx.call.play(ctx.prompts(node.prompt), { signal: ctx.signal });
    if (r.kind === 'aborted') throw abortReason(ctx.signal);
  }
  try {
    await ctx.call.transfer(target, { signal: ctx.signal });
  } catch (err) {
    if (err instanceof TransferFailedError) {
      ctx.log.warn({ target, sipStatus: err.sipStatus }, 'transfer failed');
      return { error: err };
    }
    throw err;
  }
  ctx.log.info({ target }, 'call transferred');
  return { end: 'transferred' };
};
