// STUB: replaced by the real definition of the `set` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const SetNode = NodeSchema('set', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type SetNode = Static<typeof SetNode>;

export const setDefinition = defineNode({
  type: 'set',
  schema: SetNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
