/**
 * `hangup` handler: plays the goodbye prompt, if any, then hangs up. A prompt
 * that fails to play (missing file) is logged and the call still ends.
 */
import type { NodeHandler } from '../context.ts';
import type { HangupNode } from '../../flows/nodes/hangup.ts';
import { isHangup } from '../../telephony/errors.ts';

export const runHangup: NodeHandler<HangupNode> = async (node, ctx) => {
  if (node.prompt !== undefined) {
    try {
      await ctx.call.play(ctx.prompts(node.prompt), { bargeIn: false, signal: ctx.signal });
    } catch (err) {
      if (isHangup(err) || ctx.signal.aborted) throw err;
      ctx.log.warn({ err }, 'goodbye prompt failed; hanging up anyway');
    }
  }
  if (!ctx.call.ended.aborted) await ctx.call.hangup('local');
  return { end: 'hangup' };
};
