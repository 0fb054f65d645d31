// STUB: replaced by the real handler of the `say` node.
import type { NodeHandler } from '../context.ts';
import type { SayNode } from '../../flows/nodes/say.ts';

export const runSay: NodeHandler<SayNode> = async () => ({ exit: 'next' });
