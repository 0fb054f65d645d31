/**
 * `menu` handler: asks, maps a key or a spoken phrase to a choice, and retries
 * no input / no match with escalating prompts (engine/input/retry.ts).
 * With phrases on any choice it listens for speech (keys still count);
 * otherwise it collects one key.
 */
import type { NodeContext, NodeHandler } from '../context.ts';
import type { MenuNode } from '../../flows/nodes/menu.ts';
import type { Prompt } from '../../telephony/port.ts';
import { abortReason } from '../../util/clock.ts';
import { matchChoice } from '../speech-match.ts';
import { askWithRetries, giveUpExit, type Attempt } from '../input/retry.ts';
import { phrasesFor } from '../input/phrases.ts';

export const DEFAULT_MENU_TIMEOUT_SECONDS = 5;
export const DEFAULT_MIN_CONFIDENCE = 0.5;
/** A menu takes one key: the first key ends the input, so this only bounds a stray wait. */
const KEY_WAIT_MS = 3_000;

export const runMenu: NodeHandler<MenuNode> = async (node, ctx) => {
  const language = ctx.state.language;
  const phrases = node.choices.map((c) => phrasesFor(c.phrases, language, ctx.flow.defaultLanguage));
  const bySpeech = phrases.some((p) => p.length > 0);
  const hasKeys = node.choices.some((c) => c.key !== undefined);
  const menuPrompts = ctx.prompts(node.prompt);
  const timeoutMs = Math.round((node.timeoutSeconds ?? DEFAULT_MENU_TIMEOUT_SECONDS) * 1000);
  const bargeIn = node.bargeIn ?? true;

  const byKey = (digits: string): Attempt<number> => {
    const index = node.choices.findIndex((c) => c.key !== undefined && c.key === digits);
    return index >= 0 ? { kind: 'input', value: index } : { kind: 'nomatch' };
  };

  const ask = async (lead: Prompt[]): Promise<Attempt<number>> => {
    const prompts = [...lead, ...menuPrompts];
    if (!bySpeech) {
      const r = await ctx.call.collectDigits({
        prompts,
        bargeIn,
        minDigits: 1,
        maxDigits: 1,
        terminators: '',
        firstDigitTimeoutMs: timeoutMs,
        interDigitTimeoutMs: KEY_WAIT_MS,
        signal: ctx.signal,
      });
      if (r.kind === 'aborted') throw abortReason(ctx.signal);
      if (r.kind === 'digits') return byKey(r.digits);
      return { kind: r.kind === 'noinput' ? 'noinput' : 'nomatch' };
    }
    const r = await ctx.call.gatherSpeech({
      prompts,
      bargeIn,
      language,
      hints: phrases.flat(),
      noInputTimeoutMs: timeoutMs,
      ...(hasKeys ? { dtmf: { maxDigits: 1, terminators: '', interDigitTimeoutMs: KEY_WAIT_MS } } : {}),
      signal: ctx.signal,
    });
    switch (r.kind) {
      case 'aborted':
        throw abortReason(ctx.signal);
      case 'noinput':
        return { kind: 'noinput' };
      case 'digits':
        return byKey(r.digits);
      case 'speech':
        return matchSpeech(node, ctx, phrases, r.text, r.confidence);
    }
  };

  const result = await askWithRetries(node, ctx, ask);
  if (result.kind === 'input') {
    ctx.log.info({ choice: result.value }, 'menu choice');
    return { exit: `choice:${result.value}` };
  }
  ctx.log.info({ reason: result.kind }, 'menu gave up');
  return { exit: giveUpExit(node, result.kind) };
};

function matchSpeech(node: MenuNode, ctx: NodeContext, phrases: string[][], text: string, confidence: number): Attempt<number> {
  const minConfidence = node.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  if (confidence < minConfidence) {
    ctx.log.debug({ confidence, minConfidence }, 'speech below the confidence threshold');
    return { kind: 'nomatch' };
  }
  const match = matchChoice(text, phrases, { language: ctx.state.language });
  if (!match) {
    ctx.log.debug({ words: text.split(/\s+/).length }, 'speech matched no single choice');
    return { kind: 'nomatch' };
  }
  return { kind: 'input', value: match.index };
}
