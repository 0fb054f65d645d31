// STUB: replaced by the real handler of the `collect` node.
import type { NodeHandler } from '../context.ts';
import type { CollectNode } from '../../flows/nodes/collect.ts';

export const runCollect: NodeHandler<CollectNode> = async () => ({ exit: 'next' });
