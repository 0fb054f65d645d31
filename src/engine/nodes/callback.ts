// STUB: replaced by the real handler of the `callback` node.
import type { NodeHandler } from '../context.ts';
import type { CallbackNode } from '../../flows/nodes/callback.ts';

export const runCallback: NodeHandler<CallbackNode> = async () => ({ exit: 'next' });
