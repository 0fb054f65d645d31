// STUB: replaced by the real definition of the `callback` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const CallbackNode = NodeSchema('callback', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type CallbackNode = Static<typeof CallbackNode>;

export const callbackDefinition = defineNode({
  type: 'callback',
  schema: CallbackNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
