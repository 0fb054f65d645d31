// STUB: replaced by the real handler of the `goto` node.
import type { NodeHandler } from '../context.ts';
import type { GotoNode } from '../../flows/nodes/goto.ts';

export const runGoto: NodeHandler<GotoNode> = async () => ({ exit: 'next' });
