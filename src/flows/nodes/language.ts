/**
 * `language`: switches the call's language, to a fixed language or to the
 * value of a variable (e.g. set from a CRM lookup or a menu). Prompts after it
 * are spoken in that language.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, LanguageCode } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';
import { ExitTo } from './menu.ts';

export const LanguageNode = NodeSchema(
  'language',
  {
    language: Type.Optional(Type.String({ pattern: LanguageCode.pattern, description: 'Language to switch to, one the flow declares (e.g. "en")' })),
    variable: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
        description: 'Variable holding the language code to switch to (e.g. "lang" for {{vars.lang}}); an undeclared value takes the error exit',
      }),
    ),
    next: ExitTo('Taken once the language is switched'),
    error: Type.Optional(ExitTo('Taken when the language is not one the flow declares')),
  },
  'Switches the call language (fixed, or from a variable), then takes "next".',
);
export type LanguageNode = Static<typeof LanguageNode>;

export const languageDefinition = defineNode({
  type: 'language',
  schema: LanguageNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
  check: (n, ctx) => {
    if ((n.language === undefined) === (n.variable === undefined)) {
      ctx.report('', 'give exactly one of "language" (a fixed language) or "variable" (a variable holding it)');
      return;
    }
    if (n.language !== undefined && !ctx.languages.includes(n.language)) {
      ctx.report('/language', `language "${n.language}" is not one of the flow's languages (${ctx.languages.join(', ')})`);
    }
  },
});
