// STUB: replaced by the real definition of the `subflow` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const SubflowNode = NodeSchema('subflow', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type SubflowNode = Static<typeof SubflowNode>;

export const subflowDefinition = defineNode({
  type: 'subflow',
  schema: SubflowNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
