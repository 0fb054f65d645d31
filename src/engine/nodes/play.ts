/** `play` handler: plays the prompts (stoppable by a key when bargeIn is on), then `next`. */
import type { NodeHandler } from '../context.ts';
import type { PlayNode } from '../../flows/nodes/play.ts';
import { abortReason } from '../../util/clock.ts';

export const runPlay: NodeHandler<PlayNode> = async (node, ctx) => {
  const r = await ctx.call.play(ctx.prompts(node.prompt), { bargeIn: node.bargeIn ?? false, signal: ctx.signal });
  if (r.kind === 'aborted') throw abortReason(ctx.signal);
  if (r.kind === 'interrupted') ctx.log.debug('prompt interrupted by a key');
  return { exit: 'next' };
};
