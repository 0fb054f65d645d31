// STUB: replaced by the real handler of the `play` node.
import type { NodeHandler } from '../context.ts';
import type { PlayNode } from '../../flows/nodes/play.ts';

export const runPlay: NodeHandler<PlayNode> = async () => ({ exit: 'next' });
