/**
 * `subflow`: runs another flow on the same call and comes back. The subflow
 * shares the call's variables and language; when it reaches its end (or a node
 * returns), this node takes `next`. If the call ends inside it, so does this flow.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit, Id } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';
import { checkFlowId } from './goto.ts';

export const SubflowNode = NodeSchema(
  'subflow',
  {
    flowId: Type.String({ pattern: Id.pattern, description: 'Id of the flow to run (its start node); it returns here when it ends' }),
    next: Exit,
    error: Type.Optional(Exit),
  },
  'Runs another flow on this call (same variables and language), then takes "next".',
);
export type SubflowNode = Static<typeof SubflowNode>;

export const subflowDefinition = defineNode({
  type: 'subflow',
  schema: SubflowNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  // The other flow may or may not wait for the caller; assume it does not, so loops through subflows need a waiting node.
  waitsForCaller: () => false,
  check: (n, ctx) => checkFlowId(n.flowId, ctx),
});
