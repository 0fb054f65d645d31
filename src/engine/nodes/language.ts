/** `language` handler: sets the call language to a declared language; anything else is an error. */
import type { NodeHandler } from '../context.ts';
import type { LanguageNode } from '../../flows/nodes/language.ts';
import { flowLanguages } from '../../flows/flow-schema.ts';
import { InputNodeError } from '../input/errors.ts';

/**
 * The declared language `wanted` stands for: an exact match ignoring case
 * ("EN" → "en"), else the same base language ("en-US" → "en", "en" → "en-GB").
 */
export function resolveLanguage(wanted: string, declared: readonly string[]): string | undefined {
  const w = wanted.trim().toLowerCase().replace('_', '-');
  if (w === '') return undefined;
  const exact = declared.find((d) => d.toLowerCase() === w);
  if (exact) return exact;
  const base = w.split('-')[0];
  return declared.find((d) => d.toLowerCase() === base) ?? declared.find((d) => d.toLowerCase().split('-')[0] === base);
}

export const runLanguage: NodeHandler<LanguageNode> = async (node, ctx) => {
  const declared = flowLanguages(ctx.flow);
  const raw = node.language ?? (node.variable !== undefined ? ctx.state.vars[node.variable] : undefined);
  const wanted = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw);
  const language = resolveLanguage(wanted, declared);
  if (language === undefined) {
    const source = node.variable !== undefined ? `variable "${node.variable}" = ${JSON.stringify(raw ?? null)}` : `"${wanted}"`;
    return { error: new InputNodeError('UNSUPPORTED_LANGUAGE', `language ${source} is not one of the flow's languages (${declared.join(', ')})`) };
  }
  if (language !== ctx.state.language) ctx.log.info({ from: ctx.state.language, to: language }, 'call language changed');
  ctx.state.language = language;
  return { exit: 'next' };
};
