// STUB: replaced by the real definition of the `condition` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const ConditionNode = NodeSchema('condition', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type ConditionNode = Static<typeof ConditionNode>;

export const conditionDefinition = defineNode({
  type: 'condition',
  schema: ConditionNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
