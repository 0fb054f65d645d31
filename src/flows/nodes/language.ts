// STUB: replaced by the real definition of the `language` node.
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';

export const LanguageNode = NodeSchema('language', { next: Type.Optional(Exit), error: Type.Optional(Exit) }, 'STUB');
export type LanguageNode = Static<typeof LanguageNode>;

export const languageDefinition = defineNode({
  type: 'language',
  schema: LanguageNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
});
