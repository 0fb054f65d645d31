/** `subflow` handler: runs the other flow on this call; `next` when it returns. */
import type { NodeHandler } from '../context.ts';
import type { SubflowNode } from '../../flows/nodes/subflow.ts';
import { CallHungUpError } from '../../telephony/errors.ts';

export const runSubflow: NodeHandler<SubflowNode> = async (node, ctx) => {
  let r: 'returned' | 'ended';
  try {
    r = await ctx.runSubflow(node.flowId);
  } catch (err) {
    if (err instanceof CallHungUpError) throw err;
    return { error: err };
  }
  // 'ended': the call ended inside the subflow (hung up or transferred away).
  return r === 'returned' ? { exit: 'next' } : { end: 'hangup' };
};
