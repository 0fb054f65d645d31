// STUB: replaced by the real handler of the `queue` node.
import type { NodeHandler } from '../context.ts';
import type { QueueNode } from '../../flows/nodes/queue.ts';

export const runQueue: NodeHandler<QueueNode> = async () => ({ exit: 'next' });
