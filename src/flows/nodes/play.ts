/** `play`: plays prompts (text-to-speech, audio files, tones, silence), then goes on. */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Prompts } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';
import { ExitTo, promptRefs } from './menu.ts';

export const PlayNode = NodeSchema(
  'play',
  {
    prompt: Type.Union(Prompts.anyOf, { description: 'What the caller hears: text, {say}, {file}, {tone}, {silenceMs}, or a list of them' }),
    bargeIn: Type.Optional(Type.Boolean({ default: false, description: 'A key press stops the prompts. Default false: the caller hears them to the end' })),
    next: ExitTo('Taken when the prompts have played (or were stopped by a key)'),
    error: Type.Optional(ExitTo('Taken when a prompt cannot be played, e.g. a missing file')),
  },
  'Plays prompts to the caller, then takes "next".',
);
export type PlayNode = Static<typeof PlayNode>;

export const playDefinition = defineNode({
  type: 'play',
  schema: PlayNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => true,
  prompts: (n) => promptRefs('prompt', n.prompt),
});
