// STUB: replaced by the real definition of the `menu` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const MenuNode = NodeSchema('menu', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type MenuNode = Static<typeof MenuNode>;

export const menuDefinition = defineNode({
  type: 'menu',
  schema: MenuNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
