// STUB: replaced by the real definition of the `hours` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const HoursNode = NodeSchema('hours', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type HoursNode = Static<typeof HoursNode>;

export const hoursDefinition = defineNode({
  type: 'hours',
  schema: HoursNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
