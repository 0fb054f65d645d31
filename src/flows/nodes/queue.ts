// STUB: replaced by the real definition of the `queue` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const QueueNode = NodeSchema('queue', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type QueueNode = Static<typeof QueueNode>;

export const queueDefinition = defineNode({
  type: 'queue',
  schema: QueueNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
