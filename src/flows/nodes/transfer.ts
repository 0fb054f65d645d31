// STUB: replaced by the real definition of the `transfer` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const TransferNode = NodeSchema('transfer', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type TransferNode = Static<typeof TransferNode>;

export const transferDefinition = defineNode({
  type: 'transfer',
  schema: TransferNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
