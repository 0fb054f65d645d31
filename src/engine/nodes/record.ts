// STUB: replaced by the real handler of the `record` node.
import type { NodeHandler } from '../context.ts';
import type { RecordNode } from '../../flows/nodes/record.ts';

export const runRecord: NodeHandler<RecordNode> = async () => ({ exit: 'next' });
