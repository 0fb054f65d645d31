// STUB: replaced by the real handler of the `menu` node.
import type { NodeHandler } from '../context.ts';
import type { MenuNode } from '../../flows/nodes/menu.ts';

export const runMenu: NodeHandler<MenuNode> = async () => ({ exit: 'next' });
