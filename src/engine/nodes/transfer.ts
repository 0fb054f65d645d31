// STUB: replaced by the real handler of the `transfer` node.
import type { NodeHandler } from '../context.ts';
import type { TransferNode } from '../../flows/nodes/transfer.ts';

export const runTransfer: NodeHandler<TransferNode> = async () => ({ exit: 'next' });
