// STUB: replaced by the real handler of the `subflow` node.
import type { NodeHandler } from '../context.ts';
import type { SubflowNode } from '../../flows/nodes/subflow.ts';

export const runSubflow: NodeHandler<SubflowNode> = async () => ({ exit: 'next' });
