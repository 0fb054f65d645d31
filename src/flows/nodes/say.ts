/**
 * `say`: reads a value aloud in the call's language: a number, a string of
 * digits, an amount of money, a date, a time, or both. The words come from a
 * per-language wording module (src/lang/say); flows whose languages have no
 * wording module are refused here at load time.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit, Prompts } from '../common.ts';
import { defineNode, standardExits, type CheckContext } from '../node-definition.ts';
import { promptRefs } from './menu.ts';
import { ExpressionError, compileExpression, describeProblem, expressionProblems, expressionRoots } from '../../lang/expr/index.ts';
import { CURRENCIES, SAY_KINDS, type Currency, type SayKind, SAY_LANGUAGES, SayError, isTimeZone, sayAs, supportsSayLanguage } from '../../lang/say/index.ts';
import { hasTemplate, templateProblems } from '../../lang/template.ts';


/** An exit with its own description (for editor autocompletion). */
const exitTo = (description: string) => Type.String({ pattern: Exit.pattern, description });
export const SayNode = NodeSchema(
  'say',
  {
    value: Type.String({
      minLength: 1,
      maxLength: 2000,
      description:
        'What to read: an expression ("vars.balance", "vars.amount * 2", "\'0048221234567\'"), or, when it contains {{ }}, a template expanded to text ("{{vars.account}}")',
    }),
    as: Type.Unsafe<SayKind>(
      Type.String({
        enum: [...SAY_KINDS],
        description:
          'How to read it: number ("dwadzieścia jeden"), digits (one by one), money (with currency), date ("piątego stycznia ... roku"), time ("dziewiąta piętnaście"), datetime',
      }),
    ),
    currency: Type.Optional(
      Type.Unsafe<Currency>(
        Type.String({ enum: [...CURRENCIES], default: 'PLN', description: `Currency for "as": "money" (ISO 4217: ${CURRENCIES.join(', ')}). Default PLN` }),
      ),
    ),
    timeZone: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'IANA time zone (e.g. Europe/Warsaw) for instants: epoch milliseconds or ISO texts ending in Z or an offset. Default UTC. Wall-clock texts ("2026-01-05T09:15") are read as written',
      }),
    ),
    prefix: Type.Optional(Type.Union(Prompts.anyOf, { description: 'Played just before the value, e.g. {"say": {"pl": "Saldo wynosi", "en": "Your balance is"}}' })),
    suffix: Type.Optional(Type.Union(Prompts.anyOf, { description: 'Played just after the value' })),
    bargeIn: Type.Optional(Type.Boolean({ default: false, description: 'A key press stops the reading. Default false' })),
    next: Exit,
    error: Type.Optional(exitTo('Taken when the value cannot be read as asked (not a number, no such date, unsupported language...)')),
  },
  'Reads a value aloud in the call language (number, digits, money, date, time), then takes "next".',
);
export type SayNode = Static<typeof SayNode>;

function checkSay(node: SayNode, ctx: CheckContext): void {
  for (const lang of ctx.languages) {
    if (!supportsSayLanguage(lang)) {
      ctx.report('/as', `say has no wording for language "${lang}" (supported: ${SAY_LANGUAGES.join(', ')})`);
    }
  }
  if (node.currency !== undefined && node.as !== 'money') ctx.report('/currency', `"currency" is only used with "as": "money"`, 'warning');
  if (node.timeZone !== undefined && !isTimeZone(node.timeZone)) ctx.report('/timeZone', `unknown time zone "${node.timeZone}" (use an IANA name such as Europe/Warsaw)`);

  if (hasTemplate(node.value)) {
    for (const p of templateProblems(node.value)) ctx.report('/value', p);
    return;
  }
  const problems = expressionProblems(node.value);
  for (const p of problems) ctx.report('/value', describeProblem(node.value, p));
  if (problems.length > 0) return;
  // A value that reads nothing from the call (a literal) can be tried now.
  const compiled = compileExpression(node.value);
  if (expressionRoots(compiled.ast).length > 0) return;
  try {
    const value = compiled.evaluate({});
    for (const lang of ctx.languages.filter(supportsSayLanguage)) sayAs(node.as, value, lang, { currency: node.currency, timeZone: node.timeZone });
  } catch (err) {
    if (!(err instanceof SayError) && !(err instanceof ExpressionError)) throw err;
    if (err instanceof SayError && err.code === 'SAY_INVALID_TIME_ZONE') return; // reported at /timeZone
    ctx.report('/value', `${JSON.stringify(node.value)}: ${err.message}`);
  }
}

export const sayDefinition = defineNode({
  type: 'say',
  schema: SayNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  // Its normal path always plays audio.
  waitsForCaller: () => true,
  prompts: (n) => [...promptRefs('prefix', n.prefix), ...promptRefs('suffix', n.suffix)],
  check: checkSay,
});
