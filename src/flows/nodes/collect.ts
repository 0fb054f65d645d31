// STUB: replaced by the real definition of the `collect` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const CollectNode = NodeSchema('collect', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type CollectNode = Static<typeof CollectNode>;

export const collectDefinition = defineNode({
  type: 'collect',
  schema: CollectNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
