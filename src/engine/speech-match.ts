/**
 * Matches what a caller said against the phrases of a menu's choices.
 *
 * Pure and small on purpose: no I/O, no recognizer specifics.
 * - `normalizeSpeech` lower-cases, strips punctuation and diacritics (Polish
 *   ą ć ę ł ń ó ś ź ż included: ł does not decompose in Unicode, so it is mapped
 *   by hand) and collapses white space.
 * - Words match exactly, or as inflected forms of one another: a shared stem
 *   followed by endings the language uses ("rozliczeń"/"rozliczenia",
 *   "sprzedaży"/"sprzedaż", "billing"/"bill", "technika"/"technice"). A
 *   shared prefix alone is not enough ("konto" does not match "kontakt").
 * - A phrase scores the share of its words found in the utterance (filler words
 *   such as "chciałbym", "the", "please" are ignored on both sides); a choice
 *   scores its best phrase. The best choice wins if it reaches `minScore` and
 *   no other choice comes within `ambiguityMargin` of it (ambiguity: no match).
 */

export interface MatchOptions {
  /** Call language ("pl", "en", "en-GB"): picks the filler words and word endings. Unknown or absent: all known. */
  language?: string;
  /** Lowest score that counts as a match (0..1). Default 0.5. */
  minScore?: number;
  /** A second choice scoring within this margin of the best makes the result ambiguous (no match). Default 0.1. */
  ambiguityMargin?: number;
}

export interface ChoiceMatch {
  /** Index of the matching choice in `choices`. */
  index: number;
  /** 0..1: 1 when every word of a phrase was said exactly. */
  score: number;
}

export const DEFAULT_MIN_SCORE = 0.5;
export const DEFAULT_AMBIGUITY_MARGIN = 0.1;

/** Lower case, no diacritics, no punctuation, single spaces. */
export function normalizeSpeech(text: string): string {
  return text
    .toLowerCase()
    .replace(/ł/g, 'l')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

interface LanguageRules {
  fillers: ReadonlySet<string>;
  endings: ReadonlySet<string>;
}

// Written without diacritics: they are compared with normalized words.
const polish: LanguageRules = {
  fillers: new Set(
    ('a i w we z ze o na do po od za u sie to ten ta jest mi mnie moje moj moja moim ' +
      'chce chcialbym chcialabym chcielibysmy prosze poprosze chodzi sprawie sprawe zeby by bym ' +
      'prosil prosila jak jaki jaka jakie czy mam mamy mozna').split(' '),
  ),
  endings: new Set(
    ('a e i o u y ia ie ii iu io ow om ach ami em ej ego emu ym im ymi imi ych ich owi owie ' +
      'iem iach iami iom iow ek ka ki ce cy').split(' '),
  ),
};

const english: LanguageRules = {
  fillers: new Set(
    ('a an the to for of and or i id im me my mine in on at with about is it its be please ' +
      'want would like need some talk speak regarding').split(' '),
  ),
  endings: new Set('s es ed d ing er ers ly ies ied y al ment ments ion ions'.split(' ')),
};

const allRules: LanguageRules = {
  fillers: new Set([...polish.fillers, ...english.fillers]),
  endings: new Set([...polish.endings, ...english.endings]),
};

function rulesFor(language: string | undefined): LanguageRules {
  const base = language?.toLowerCase().split('-')[0];
  if (base === 'pl') return polish;
  if (base === 'en') return english;
  return allRules;
}

/** Words of a normalized text without fillers (all of them when the text is nothing but fillers). */
function contentWords(text: string, rules: LanguageRules): string[] {
  const words = normalizeSpeech(text).split(' ').filter((w) => w.length > 0);
  const content = words.filter((w) => !rules.fillers.has(w));
  return content.length > 0 ? content : words;
}

/** Content words of flow phrases, by rules: phrases come from flows and repeat on every call. */
const phraseCache = new Map<LanguageRules, Map<string, readonly string[]>>();
/** Bound on cached phrases per language (flows are edited; old phrases must not pile up forever). */
const PHRASE_CACHE_MAX = 10_000;

function phraseWords(phrase: string, rules: LanguageRules): readonly string[] {
  let cache = phraseCache.get(rules);
  if (!cache) phraseCache.set(rules, (cache = new Map()));
  let words = cache.get(phrase);
  if (!words) {
    if (cache.size >= PHRASE_CACHE_MAX) cache.clear();
    words = contentWords(phrase, rules);
    cache.set(phrase, words);
  }
  return words;
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

const isEnding = (rest: string, rules: LanguageRules): boolean => rest === '' || rules.endings.has(rest);

/** How well two normalized words match: 1 exact, 0.85..0.95 inflected forms of one stem, 0 different. */
function wordScore(a: string, b: string, rules: LanguageRules): number {
  if (a === b) return 1;
  const prefix = commonPrefix(a, b);
  const longer = Math.max(a.length, b.length);
  if (prefix < 3 || prefix * 2 < longer) return 0;
  const restA = a.slice(prefix);
  const restB = b.slice(prefix);
  return isEnding(restA, rules) && isEnding(restB, rules) ? 0.85 + (0.1 * prefix) / longer : 0;
}

/** Share of the phrase's words found in the utterance, each used once, weighted by how well it matched. */
function phraseScore(phrase: readonly string[], utterance: readonly string[], rules: LanguageRules): number {
  if (phrase.length === 0) return 0;
  const used = new Set<number>();
  let total = 0;
  for (const word of phrase) {
    let best = 0;
    let bestAt = -1;
    for (let i = 0; i < utterance.length; i++) {
      if (used.has(i)) continue;
      const s = wordScore(word, utterance[i]!, rules);
      if (s > best) {
        best = s;
        bestAt = i;
      }
    }
    if (bestAt >= 0) used.add(bestAt);
    total += best;
  }
  return total / phrase.length;
}

/**
 * The choice whose phrases best match the utterance, or undefined when none
 * reaches the threshold or two choices are (almost) equally good.
 */
export function matchChoice(
  utterance: string,
  choices: ReadonlyArray<readonly string[]>,
  options: MatchOptions = {},
): ChoiceMatch | undefined {
  const rules = rulesFor(options.language);
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  const margin = options.ambiguityMargin ?? DEFAULT_AMBIGUITY_MARGIN;
  const said = contentWords(utterance, rules);
  if (said.length === 0) return undefined;

  const scores = choices.map((phrases) =>
    phrases.reduce((best, p) => Math.max(best, phraseScore(phraseWords(p, rules), said, rules)), 0),
  );
  let bestIndex = -1;
  for (let i = 0; i < scores.length; i++) {
    if (bestIndex < 0 || scores[i]! > scores[bestIndex]!) bestIndex = i;
  }
  if (bestIndex < 0) return undefined;
  const best = scores[bestIndex]!;
  if (best < minScore) return undefined;
  const rival = scores.some((s, i) => i !== bestIndex && s >= minScore && best - s < margin);
  if (rival) return undefined;
  return { index: bestIndex, score: Math.round(best * 1000) / 1000 };
}
