/** Picks the phrases (menu choices, speech hints) of the call's language. */
import type { Phrases } from '../../flows/nodes/menu.ts';

/**
 * The list for `language`: the exact language, else its base ("en" for
 * "en-GB"), else the flow's default language, else none. A plain list is used
 * for every language.
 */
export function phrasesFor(phrases: Phrases | undefined, language: string, defaultLanguage: string): string[] {
  if (phrases === undefined) return [];
  if (Array.isArray(phrases)) return phrases;
  return phrases[language] ?? phrases[language.slice(0, 2)] ?? phrases[defaultLanguage] ?? [];
}
