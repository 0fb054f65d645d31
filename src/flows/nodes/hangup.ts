/** `hangup`: an optional goodbye prompt, then the call ends. */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Prompts } from '../common.ts';
import { defineNode } from '../node-definition.ts';
import { promptRefs } from './menu.ts';

export const HangupNode = NodeSchema(
  'hangup',
  {
    prompt: Type.Optional(Type.Union(Prompts.anyOf, { description: 'Goodbye prompt played (without barge-in) before hanging up' })),
  },
  'Plays an optional goodbye, then hangs up. Has no exits.',
);
export type HangupNode = Static<typeof HangupNode>;

export const hangupDefinition = defineNode({
  type: 'hangup',
  schema: HangupNode,
  exits: () => [],
  waitsForCaller: () => true,
  prompts: (n) => promptRefs('prompt', n.prompt),
});
