/** `goto` handler: a node of this flow (an exit), another flow's start or node (no return), or a return from the current flow. */
import type { NodeHandler } from '../context.ts';
import type { GotoNode } from '../../flows/nodes/goto.ts';

export class GotoConfigError extends Error {
  readonly code = 'GOTO_WITHOUT_TARGET';
  constructor() {
    super('goto has neither flowId, nodeId nor return');
    this.name = 'GotoConfigError';
  }
}

export const runGoto: NodeHandler<GotoNode> = async (node) => {
  if (node.return === true) return { return: true };
  if (node.flowId !== undefined) return { goto: node.nodeId === undefined ? { flowId: node.flowId } : { flowId: node.flowId, nodeId: node.nodeId } };
  if (node.nodeId !== undefined) return { exit: 'goto' };
  return { error: new GotoConfigError() };
};
