/**
 * `collect`: digits (or, with mode "speech", what the caller says) into a
 * variable, with length limits, a terminator key, timeouts, a validation
 * pattern and the same no-input / no-match retries as the menu.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Prompts } from '../common.ts';
import { defineNode, standardExits, type TextRef } from '../node-definition.ts';
import { checkGiveUpExits, ExitTo, Phrases, promptRefs, retryFields, retryPromptRefs } from './menu.ts';

export const MAX_COLLECT_DIGITS = 64;
export const MAX_PATTERN_LENGTH = 200;

export const CollectNode = NodeSchema(
  'collect',
  {
    variable: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Variable that receives the input (a string), read as {{vars.<name>}}' }),
    mode: Type.Optional(
      Type.Union([Type.Literal('digits'), Type.Literal('speech')], { default: 'digits', description: 'digits (DTMF, default) or speech (in the call language)' }),
    ),
    prompt: Type.Union(Prompts.anyOf, { description: 'What the caller hears before input ("Please enter your account number followed by #")' }),
    minDigits: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_COLLECT_DIGITS, default: 1, description: 'Fewest digits accepted. Default 1' })),
    maxDigits: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_COLLECT_DIGITS, default: 20, description: 'Most digits; input ends when reached. Default 20' }),
    ),
    terminator: Type.Optional(
      Type.String({ pattern: '^[0-9*#]{0,2}$', default: '#', description: 'Key(s) that end input early, not stored; "" for none. Default "#"' }),
    ),
    timeoutSeconds: Type.Optional(
      Type.Number({ minimum: 0, maximum: 60, default: 5, description: 'Seconds allowed for the first key (or to start speaking) after the prompt. Default 5' }),
    ),
    interDigitTimeoutSeconds: Type.Optional(
      Type.Number({ minimum: 0, maximum: 60, default: 3, description: 'Seconds allowed between keys; input ends after it. Default 3' }),
    ),
    pattern: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_PATTERN_LENGTH,
        description: 'Regular expression the whole input must match (e.g. "[0-9]{6}"); otherwise it counts as no match',
      }),
    ),
    hints: Type.Optional(Type.Union(Phrases.anyOf, { description: 'Speech mode: phrases the recognizer should favour, one list or a list per language' })),
    next: ExitTo('Taken once valid input is stored'),
    ...retryFields,
  },
  'Collects digits or speech into a variable, with validation and no-input / no-match retries.',
);
export type CollectNode = Static<typeof CollectNode>;

/** The pattern as used at run time: anchored, so it must match the whole input. */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

function hintTexts(n: CollectNode): TextRef[] {
  if (n.hints === undefined) return [];
  const text = Array.isArray(n.hints) ? n.hints.join(', ') : Object.fromEntries(Object.entries(n.hints).map(([l, list]) => [l, list.join(', ')]));
  return [{ pointer: '/hints', text }];
}

export const collectDefinition = defineNode({
  type: 'collect',
  schema: CollectNode,
  exits: (n) => standardExits(n, ['next', 'noinput', 'nomatch', 'fallback', 'error']),
  waitsForCaller: () => true,
  prompts: (n) => [...promptRefs('prompt', n.prompt), ...retryPromptRefs(n)],
  texts: hintTexts,
  check: (n, ctx) => {
    const speech = n.mode === 'speech';
    if (n.pattern !== undefined) {
      try {
        compilePattern(n.pattern);
      } catch (err) {
        ctx.report('/pattern', `invalid regular expression: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (n.minDigits !== undefined && n.maxDigits !== undefined && n.minDigits > n.maxDigits) {
      ctx.report('/minDigits', `minDigits (${n.minDigits}) is larger than maxDigits (${n.maxDigits})`);
    }
    if (speech) {
      for (const f of ['minDigits', 'maxDigits', 'terminator', 'interDigitTimeoutSeconds'] as const) {
        if (n[f] !== undefined) ctx.report(`/${f}`, `"${f}" has no effect in speech mode`, 'warning');
      }
    } else {
      if (n.hints !== undefined) ctx.report('/hints', '"hints" has no effect in digits mode', 'warning');
      if (n.minConfidence !== undefined) ctx.report('/minConfidence', '"minConfidence" has no effect in digits mode', 'warning');
    }
    checkGiveUpExits(n, ctx);
  },
});
