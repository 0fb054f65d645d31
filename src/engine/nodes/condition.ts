// STUB: replaced by the real handler of the `condition` node.
import type { NodeHandler } from '../context.ts';
import type { ConditionNode } from '../../flows/nodes/condition.ts';

export const runCondition: NodeHandler<ConditionNode> = async () => ({ exit: 'next' });
