/**
 * `menu`: the caller picks one of several choices by key (DTMF) and/or by
 * saying a phrase; each choice is its own exit. No input and no match are
 * handled as in VoiceXML: separate counters, escalating prompts, the menu
 * re-prompted after each, and after the last allowed attempt the `noinput` /
 * `nomatch` exit (else `fallback`).
 *
 * The retry fields (`maxNoInput`, `noinputPrompts`, ...) are shared with the
 * `collect` node and exported from here.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit, Obj, Prompts, promptList } from '../common.ts';
import { defineNode, standardExits, type CheckContext, type ExitRef, type PromptRef, type TextRef } from '../node-definition.ts';

/** An exit with its own description (shown by editors from the published JSON Schema). */
export const ExitTo = (description: string) => Type.String({ pattern: Exit.pattern, description: `${description} (id of the node to go to)` });

/** Fields every node that waits for caller input shares: counters and escalating prompts. */
export const retryFields = {
  maxNoInput: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 10,
      default: 3,
      description: 'How many times the caller may give no input; the last time the node takes its noinput (else fallback) exit. Default 3',
    }),
  ),
  maxNoMatch: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 10,
      default: 3,
      description: 'How many times the caller may give input that does not match; the last time the node takes its nomatch (else fallback) exit. Default 3',
    }),
  ),
  noinputPrompts: Type.Optional(
    Type.Array(Prompts, {
      minItems: 1,
      description: 'Played after the 1st, 2nd, ... no input, before the prompt is repeated; the last one repeats. Default: the prompt is just repeated',
    }),
  ),
  nomatchPrompts: Type.Optional(
    Type.Array(Prompts, {
      minItems: 1,
      description: 'Played after the 1st, 2nd, ... wrong input, before the prompt is repeated; the last one repeats. Default: the prompt is just repeated',
    }),
  ),
  minConfidence: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1, default: 0.5, description: 'Speech recognised with a lower confidence counts as no match (0..1). Default 0.5' }),
  ),
  bargeIn: Type.Optional(Type.Boolean({ default: true, description: 'Input stops the prompts (key press or speech). Default true' })),
  noinput: Type.Optional(ExitTo('Taken after maxNoInput silences')),
  nomatch: Type.Optional(ExitTo('Taken after maxNoMatch wrong inputs')),
  fallback: Type.Optional(ExitTo('Taken after too many silences or wrong inputs when there is no noinput / nomatch exit')),
  error: Type.Optional(ExitTo('Taken when the node fails, e.g. a prompt file is missing')),
};

/** Phrases that select a choice: one list for every language, or a list per language. */
export const Phrases = Type.Union(
  [
    Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    Type.Record(Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$' }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), { minProperties: 1, additionalProperties: false }),
  ],
  { description: 'Phrases a caller may say: ["rozliczenia", "faktury"], or per language: {"pl": ["rozliczenia"], "en": ["billing"]}' },
);
export type Phrases = Static<typeof Phrases>;

const MenuChoice = Obj(
  {
    key: Type.Optional(Type.String({ pattern: '^[0-9*#]$', description: 'DTMF key that selects this choice: 0-9, * or #' })),
    phrases: Type.Optional(Phrases),
    next: ExitTo('Where this choice leads'),
  },
  { description: 'A choice: a key and/or phrases, and the node it leads to' },
);

export const MenuNode = NodeSchema(
  'menu',
  {
    prompt: Type.Union(Prompts.anyOf, { description: 'The menu prompt ("For billing press 1 or say billing...")' }),
    choices: Type.Array(MenuChoice, { minItems: 1, maxItems: 12, description: 'Choices; choice i is exit "choice:i"' }),
    timeoutSeconds: Type.Optional(
      Type.Number({ minimum: 0, maximum: 60, default: 5, description: 'Seconds to wait for a key or speech after the prompt ends; then it is a no input. Default 5' }),
    ),
    ...retryFields,
  },
  'Lets the caller choose by key and/or speech; each choice is an exit. No input / no match are retried with escalating prompts.',
);
export type MenuNode = Static<typeof MenuNode>;

type RetryConfig = { noinputPrompts?: Prompts[]; nomatchPrompts?: Prompts[]; noinput?: string; nomatch?: string; fallback?: string };

/** Prompt refs of the retry prompts of a node. */
export function retryPromptRefs(node: RetryConfig): PromptRef[] {
  const out: PromptRef[] = [];
  for (const field of ['noinputPrompts', 'nomatchPrompts'] as const) {
    (node[field] ?? []).forEach((p, i) => {
      const single = !Array.isArray(p);
      promptList(p).forEach((prompt, j) => out.push({ pointer: single ? `/${field}/${i}` : `/${field}/${i}/${j}`, prompt }));
    });
  }
  return out;
}

/** Prompt refs for a `Prompts` field. */
export function promptRefs(field: string, p: Prompts | undefined): PromptRef[] {
  if (p === undefined) return [];
  if (!Array.isArray(p)) return [{ pointer: `/${field}`, prompt: p }];
  return p.map((prompt, i) => ({ pointer: `/${field}/${i}`, prompt }));
}

/** A node that gives up after retries must have somewhere to go. */
export function checkGiveUpExits(node: RetryConfig, ctx: CheckContext): void {
  if (node.fallback !== undefined) return;
  for (const name of ['noinput', 'nomatch'] as const) {
    if (node[name] === undefined) ctx.report('', `no "${name}" exit and no "fallback" exit: where should the caller go after too many ${name === 'noinput' ? 'silences' : 'wrong answers'}?`);
  }
}

/** Phrases as caller-facing texts (one text per choice, phrases joined), so languages get checked. */
function phraseTexts(node: MenuNode): TextRef[] {
  const out: TextRef[] = [];
  node.choices.forEach((c, i) => {
    if (c.phrases === undefined) return;
    const text = Array.isArray(c.phrases)
      ? c.phrases.join(', ')
      : Object.fromEntries(Object.entries(c.phrases).map(([lang, list]) => [lang, list.join(', ')]));
    out.push({ pointer: `/choices/${i}/phrases`, text });
  });
  return out;
}

export const menuDefinition = defineNode({
  type: 'menu',
  schema: MenuNode,
  exits: (n) => {
    const out: ExitRef[] = n.choices.map((c, i) => ({ name: `choice:${i}`, target: c.next, pointer: `/choices/${i}/next` }));
    return [...out, ...standardExits(n, ['noinput', 'nomatch', 'fallback', 'error'])];
  },
  waitsForCaller: () => true,
  prompts: (n) => [...promptRefs('prompt', n.prompt), ...retryPromptRefs(n)],
  texts: phraseTexts,
  check: (n, ctx) => {
    const keys = new Map<string, number>();
    n.choices.forEach((c, i) => {
      if (c.key === undefined && c.phrases === undefined) ctx.report(`/choices/${i}`, 'a choice needs a "key", "phrases" or both');
      if (c.key !== undefined) {
        const prev = keys.get(c.key);
        if (prev !== undefined) ctx.report(`/choices/${i}/key`, `key "${c.key}" is already used by choice ${prev}`);
        else keys.set(c.key, i);
      }
    });
    checkGiveUpExits(n, ctx);
  },
});
