// STUB: replaced by the real definition of the `hangup` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const HangupNode = NodeSchema('hangup', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type HangupNode = Static<typeof HangupNode>;

export const hangupDefinition = defineNode({
  type: 'hangup',
  schema: HangupNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
