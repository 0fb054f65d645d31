// STUB: replaced by the real definition of the `goto` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const GotoNode = NodeSchema('goto', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type GotoNode = Static<typeof GotoNode>;

export const gotoDefinition = defineNode({
  type: 'goto',
  schema: GotoNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
