// STUB: replaced by the real definition of the `say` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const SayNode = NodeSchema('say', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type SayNode = Static<typeof SayNode>;

export const sayDefinition = defineNode({
  type: 'say',
  schema: SayNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
