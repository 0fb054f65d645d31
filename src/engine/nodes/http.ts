// STUB: replaced by the real handler of the `http` node.
import type { NodeHandler } from '../context.ts';
import type { HttpNode } from '../../flows/nodes/http.ts';

export const runHttp: NodeHandler<HttpNode> = async () => ({ exit: 'next' });
