// STUB: replaced by the real handler of the `hangup` node.
import type { NodeHandler } from '../context.ts';
import type { HangupNode } from '../../flows/nodes/hangup.ts';

export const runHangup: NodeHandler<HangupNode> = async () => ({ exit: 'next' });
