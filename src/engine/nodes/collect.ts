/**
 * `collect` handler: digits or speech into a variable, validated, with
 * no-input / no-match retries (engine/input/retry.ts). Collected digits may be
 * a PIN: they are never logged, only their count.
 */
import type { NodeHandler } from '../context.ts';
import { compilePattern, type CollectNode } from '../../flows/nodes/collect.ts';
import type { Prompt } from '../../telephony/port.ts';
import { abortReason } from '../../util/clock.ts';
import { askWithRetries, giveUpExit, type Attempt } from '../input/retry.ts';
import { phrasesFor } from '../input/phrases.ts';
import { InputNodeError } from '../input/errors.ts';
import { DEFAULT_MIN_CONFIDENCE } from './menu.ts';

export const COLLECT_DEFAULTS = {
  minDigits: 1,
  maxDigits: 20,
  terminator: '#',
  timeoutSeconds: 5,
  interDigitTimeoutSeconds: 3,
} as const;

/** Longest speech text kept (and matched against a pattern). */
const MAX_SPEECH_CHARS = 500;

export const runCollect: NodeHandler<CollectNode> = async (node, ctx) => {
  let pattern: RegExp | undefined;
  if (node.pattern !== undefined) {
    try {
      pattern = compilePattern(node.pattern);
    } catch (err) {
      return { error: new InputNodeError('BAD_PATTERN', `invalid pattern: ${err instanceof Error ? err.message : String(err)}`) };
    }
  }
  const valid = (value: string): Attempt<string> => (pattern && !pattern.test(value) ? { kind: 'nomatch' } : { kind: 'input', value });
  const mainPrompts = ctx.prompts(node.prompt);
  const bargeIn = node.bargeIn ?? true;
  const timeoutMs = Math.round((node.timeoutSeconds ?? COLLECT_DEFAULTS.timeoutSeconds) * 1000);
  const speech = node.mode === 'speech';

  const askDigits = async (lead: Prompt[]): Promise<Attempt<string>> => {
    const r = await ctx.call.collectDigits({
      prompts: [...lead, ...mainPrompts],
      bargeIn,
      minDigits: node.minDigits ?? COLLECT_DEFAULTS.minDigits,
      maxDigits: node.maxDigits ?? COLLECT_DEFAULTS.maxDigits,
      terminators: node.terminator ?? COLLECT_DEFAULTS.terminator,
      firstDigitTimeoutMs: timeoutMs,
      interDigitTimeoutMs: Math.round((node.interDigitTimeoutSeconds ?? COLLECT_DEFAULTS.interDigitTimeoutSeconds) * 1000),
      signal: ctx.signal,
    });
    switch (r.kind) {
      case 'aborted':
        throw abortReason(ctx.signal);
      case 'noinput':
        return { kind: 'noinput' };
      case 'incomplete':
        ctx.log.debug({ digits: r.digits.length }, 'too few digits');
        return { kind: 'nomatch' };
      case 'digits': {
        const v = valid(r.digits);
        if (v.kind === 'nomatch') ctx.log.debug({ digits: r.digits.length }, 'digits do not match the pattern');
        return v;
      }
    }
  };

  const askSpeech = async (lead: Prompt[]): Promise<Attempt<string>> => {
    const r = await ctx.call.gatherSpeech({
      prompts: [...lead, ...mainPrompts],
      bargeIn,
      language: ctx.state.language,
      hints: phrasesFor(node.hints, ctx.state.language, ctx.flow.defaultLanguage),
      noInputTimeoutMs: timeoutMs,
      signal: ctx.signal,
    });
    switch (r.kind) {
      case 'aborted':
        throw abortReason(ctx.signal);
      case 'noinput':
        return { kind: 'noinput' };
      case 'digits':
        return valid(r.digits);
      case 'speech': {
        const text = r.text.trim().slice(0, MAX_SPEECH_CHARS);
        if (text === '') return { kind: 'noinput' };
        const min = node.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
        if (r.confidence < min) {
          ctx.log.debug({ confidence: r.confidence, minConfidence: min }, 'speech below the confidence threshold');
          return { kind: 'nomatch' };
        }
        return valid(text);
      }
    }
  };

  const result = await askWithRetries(node, ctx, speech ? askSpeech : askDigits);
  if (result.kind === 'input') {
    ctx.state.vars[node.variable] = result.value;
    ctx.log.info({ variable: node.variable, length: result.value.length }, 'input collected');
    return { exit: 'next' };
  }
  ctx.log.info({ reason: result.kind }, 'collect gave up');
  return { exit: giveUpExit(node, result.kind) };
};
