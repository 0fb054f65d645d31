// STUB: replaced by the real definition of the `play` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const PlayNode = NodeSchema('play', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type PlayNode = Static<typeof PlayNode>;

export const playDefinition = defineNode({
  type: 'play',
  schema: PlayNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
