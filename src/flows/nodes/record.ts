/**
 * `record`: voicemail. Optionally plays a prompt, then a beep, then records
 * until the caller presses a terminator key, stays silent, or the maximum
 * length is reached. The recording goes into the call record (recordings)
 * and optionally a variable. An empty recording takes `noinput` (else `next`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit, Prompts } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';
import { promptRefs } from './menu.ts';

export const RecordNode = NodeSchema(
  'record',
  {
    prompt: Type.Optional(Type.Union(Prompts.anyOf, { description: 'Played before recording, e.g. "Leave a message after the tone"' })),
    maxSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 600, default: 120, description: 'Longest recording in seconds (default 120, max 600)' })),
    beep: Type.Optional(Type.Boolean({ default: true, description: 'Play a beep before recording starts. Default true' })),
    terminators: Type.Optional(
      Type.String({ pattern: '^[0-9*#]{0,12}$', default: '#', description: 'Keys that end the recording (not part of it). Default "#"; "" for none' }),
    ),
    silenceSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 60, default: 5, description: 'Stop after this many seconds of silence; 0 = never. Default 5' }),
    ),
    variable: Type.Optional(
      Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Variable that receives the recording\'s location (file path or URL)' }),
    ),
    next: Exit,
    noinput: Type.Optional(Type.String({ pattern: Exit.pattern, description: 'Node taken when the recording is empty (default: next)' })),
    error: Type.Optional(Exit),
  },
  'Records a message (voicemail) after an optional prompt and a beep; the location goes into the call record and optionally a variable.',
);
export type RecordNode = Static<typeof RecordNode>;

export const recordDefinition = defineNode({
  type: 'record',
  schema: RecordNode,
  exits: (n) => standardExits(n, ['next', 'noinput', 'error']),
  waitsForCaller: () => true,
  prompts: (n) => promptRefs('prompt', n.prompt),
});
