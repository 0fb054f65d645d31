// STUB: replaced by the real definition of the `http` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const HttpNode = NodeSchema('http', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type HttpNode = Static<typeof HttpNode>;

export const httpDefinition = defineNode({
  type: 'http',
  schema: HttpNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
