// STUB: replaced by the real handler of the `set` node.
import type { NodeHandler } from '../context.ts';
import type { SetNode } from '../../flows/nodes/set.ts';

export const runSet: NodeHandler<SetNode> = async () => ({ exit: 'next' });
