/**
 * The VoiceXML-style input loop shared by `menu` and `collect`: ask, and on no
 * input or no match count it (separate counters), play the escalation prompt
 * for that count (the last one repeats) followed by the node's prompt again,
 * until input is accepted or a counter reaches its maximum.
 */
import type { Prompts } from '../../flows/common.ts';
import type { Prompt } from '../../telephony/port.ts';
import type { NodeContext } from '../context.ts';

export type Attempt<T> = { kind: 'input'; value: T } | { kind: 'noinput' } | { kind: 'nomatch' };

export interface RetrySettings {
  maxNoInput?: number;
  maxNoMatch?: number;
  noinputPrompts?: Prompts[];
  nomatchPrompts?: Prompts[];
}

export const DEFAULT_MAX_ATTEMPTS = 3;

/** Escalation prompt for the n-th (1-based) event: the n-th, or the last one when there are fewer. */
export function escalation(list: readonly Prompts[] | undefined, count: number): Prompts | undefined {
  if (!list || list.length === 0) return undefined;
  return list[Math.min(count, list.length) - 1];
}

/**
 * Runs `ask` until it yields input or a counter is exhausted. `ask` gets the
 * prompts to play before the node's own prompt (the escalation prompt; none
 * on the first attempt).
 */
export async function askWithRetries<T>(
  settings: RetrySettings,
  ctx: Pick<NodeContext, 'prompts' | 'log'>,
  ask: (lead: Prompt[], attempt: number) => Promise<Attempt<T>>,
): Promise<Attempt<T>> {
  const maxNoInput = settings.maxNoInput ?? DEFAULT_MAX_ATTEMPTS;
  const maxNoMatch = settings.maxNoMatch ?? DEFAULT_MAX_ATTEMPTS;
  let noinputs = 0;
  let nomatches = 0;
  let lead: Prompt[] = [];
  for (let attempt = 1; ; attempt++) {
    const result = await ask(lead, attempt);
    if (result.kind === 'input') return result;
    if (result.kind === 'noinput') {
      noinputs++;
      ctx.log.debug({ attempt, noinputs, maxNoInput }, 'no input');
      if (noinputs >= maxNoInput) return result;
      lead = ctx.prompts(escalation(settings.noinputPrompts, noinputs));
    } else {
      nomatches++;
      ctx.log.debug({ attempt, nomatches, maxNoMatch }, 'no match');
      if (nomatches >= maxNoMatch) return result;
      lead = ctx.prompts(escalation(settings.nomatchPrompts, nomatches));
    }
  }
}

/** The exit taken when the caller gave up: `noinput`/`nomatch` when the node has it, else `fallback`. */
export function giveUpExit(node: { noinput?: string; nomatch?: string; fallback?: string }, kind: 'noinput' | 'nomatch'): string {
  if (node[kind] !== undefined) return kind;
  if (node.fallback !== undefined) return 'fallback';
  return kind;
}
