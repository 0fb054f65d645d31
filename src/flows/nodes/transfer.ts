/**
 * `transfer`: blind transfer (SIP REFER) to a SIP or tel URI, optionally after
 * a prompt. Only destinations on the transfer allow-list (TRANSFER_ALLOW, see
 * src/flows/destination-policy.ts) are ever dialed: a literal target is checked
 * when the flow is loaded, a templated one after expansion at run time.
 * A refused or failed transfer takes `error`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit, Prompts } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';
import { promptRefs } from './menu.ts';
import { destinationRefusal } from '../destination-policy.ts';
import { hasTemplate, templateProblems } from '../../lang/template.ts';

export const TransferNode = NodeSchema(
  'transfer',
  {
    target: Type.String({
      minLength: 1,
      maxLength: 300,
      description: 'Where to transfer: sip:user@host[:port], sips:... or tel:+digits; templates allowed, e.g. "sip:{{vars.extension}}@pbx.example.com". Must match TRANSFER_ALLOW',
    }),
    prompt: Type.Optional(Type.Union(Prompts.anyOf, { description: 'Played before transferring, e.g. "Connecting you to an advisor"' })),
    error: Type.Optional(Exit),
  },
  'Blind-transfers the call to an allowed SIP/tel destination; a refused or failed transfer takes "error".',
);
export type TransferNode = Static<typeof TransferNode>;

export const transferDefinition = defineNode({
  type: 'transfer',
  schema: TransferNode,
  exits: (n) => standardExits(n, ['error']),
  waitsForCaller: (n) => n.prompt !== undefined,
  prompts: (n) => promptRefs('prompt', n.prompt),
  check: (n, ctx) => {
    if (hasTemplate(n.target)) {
      for (const p of templateProblems(n.target)) ctx.report('/target', p);
      return;
    }
    const refusal = destinationRefusal(ctx.transferPolicy, n.target);
    if (refusal !== undefined) ctx.report('/target', refusal);
  },
});
