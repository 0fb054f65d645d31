/**
 * `goto`: continues elsewhere, with no return. `{"nodeId": "x"}` jumps to a
 * node of this flow; `{"flowId": "f"}` to another flow's start node;
 * `{"flowId": "f", "nodeId": "x"}` to a node of another flow.
 * `{"return": true}` leaves the current flow: a subflow returns to the
 * `subflow` node that ran it (which takes `next`); the main flow ends.
 */
import { didYouMean } from '../../util/suggest.ts';
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit, Id } from '../common.ts';
import { defineNode, standardExits, type CheckContext, type ExitRef } from '../node-definition.ts';

export const GotoNode = NodeSchema(
  'goto',
  {
    flowId: Type.Optional(Type.String({ pattern: Id.pattern, description: 'Flow to continue in (its start node, unless nodeId is given). Omit to jump inside this flow' })),
    nodeId: Type.Optional(Type.String({ pattern: Exit.pattern, description: 'Node to continue at: in flowId when given, else in this flow' })),
    return: Type.Optional(
      Type.Literal(true, { description: 'Leave this flow: a subflow returns to the node that ran it (which takes "next"); the main flow ends (hang-up)' }),
    ),
    error: Type.Optional(Exit),
  },
  'Continues in another flow (its start or a given node) or at a node of this flow, or ("return": true) returns from a subflow.',
);
export type GotoNode = Static<typeof GotoNode>;

/** Reports an unknown flow id at /flowId, with the closest known id. */
export function checkFlowId(flowId: string, ctx: CheckContext): void {
  if (ctx.flowIds.has(flowId)) return;
  const known = [...ctx.flowIds].sort();
  ctx.report('/flowId', `unknown flow "${flowId}"${didYouMean(flowId, known)}; known flows: ${known.join(', ') || 'none'}`);
}

export const gotoDefinition = defineNode({
  type: 'goto',
  schema: GotoNode,
  exits: (n) => {
    const out: ExitRef[] = [];
    // A jump inside this flow is an ordinary exit: the validator checks its target and reachability.
    if (n.return !== true && n.flowId === undefined && n.nodeId !== undefined) out.push({ name: 'goto', target: n.nodeId, pointer: '/nodeId' });
    return [...out, ...standardExits(n, ['error'])];
  },
  waitsForCaller: () => false,
  check: (n, ctx) => {
    if (n.return === true) {
      if (n.flowId !== undefined || n.nodeId !== undefined) ctx.report('/return', '"return" leaves the flow: it cannot be combined with "flowId" or "nodeId"');
      return;
    }
    if (n.flowId === undefined && n.nodeId === undefined) {
      ctx.report('', 'a goto needs "flowId" (another flow), "nodeId" (a node of this flow), both, or "return": true');
      return;
    }
    if (n.flowId !== undefined) checkFlowId(n.flowId, ctx);
  },
});
