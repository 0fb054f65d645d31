// STUB: replaced by the real handler of the `hours` node.
import type { NodeHandler } from '../context.ts';
import type { HoursNode } from '../../flows/nodes/hours.ts';

export const runHours: NodeHandler<HoursNode> = async () => ({ exit: 'next' });
