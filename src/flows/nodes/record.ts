// STUB: replaced by the real definition of the `record` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const RecordNode = NodeSchema('record', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type RecordNode = Static<typeof RecordNode>;

export const recordDefinition = defineNode({
  type: 'record',
  schema: RecordNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
