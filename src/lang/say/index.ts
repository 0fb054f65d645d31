/**
 * Reading values aloud in the call's language: numbers, digit strings, money,
 * dates and times. Pure: `sayAs` turns a value into the words TTS speaks.
 * Add a language: a Wording module and an entry in WORDINGS.
 */
import type { JsonValue } from '../expr/json.ts';
import { SayError } from './errors.ts';
import { english } from './en.ts';
import { polish } from './pl.ts';
import { parseDateTime, parseDecimal, parseDigits, parseMoney, parseTime } from './values.ts';
import { CURRENCIES, type Currency, type Wording } from './wording.ts';

export { SayError, type SayErrorCode } from './errors.ts';
export { CURRENCIES, type Currency } from './wording.ts';
export { isTimeZone } from './values.ts';

export const SAY_KINDS = ['number', 'digits', 'money', 'date', 'time', 'datetime'] as const;
export type SayKind = (typeof SAY_KINDS)[number];

const WORDINGS: Readonly<Record<string, Wording>> = { pl: polish, en: english };

/** Base languages with a wording module. */
export const SAY_LANGUAGES: readonly string[] = Object.keys(WORDINGS);

export interface SayOptions {
  /** ISO 4217 code for `money`; default PLN. */
  currency?: string;
  /** IANA time zone in which instants (epoch ms, ISO text with Z or an offset) are read; default UTC. */
  timeZone?: string;
}

/** "pl-PL" → "pl". */
function baseLanguage(language: string): string {
  return language.split(/[-_]/)[0]?.toLowerCase() ?? '';
}

export function supportsSayLanguage(language: string): boolean {
  return Object.hasOwn(WORDINGS, baseLanguage(language));
}

function isCurrency(c: string): c is Currency {
  return (CURRENCIES as readonly string[]).includes(c);
}

/** The words for `value` read as `kind` in `language`. Throws SayError. */
export function sayAs(kind: SayKind, value: JsonValue, language: string, options: SayOptions = {}): string {
  const base = baseLanguage(language);
  const w = Object.hasOwn(WORDINGS, base) ? WORDINGS[base] : undefined;
  if (!w) throw new SayError('SAY_UNSUPPORTED_LANGUAGE', `no wording for language "${language}" (supported: ${SAY_LANGUAGES.join(', ')})`);
  const timeZone = options.timeZone ?? 'UTC';
  switch (kind) {
    case 'number':
      return w.number(parseDecimal(value));
    case 'digits':
      return w.digits(parseDigits(value));
    case 'money': {
      const currency = options.currency ?? 'PLN';
      if (!isCurrency(currency)) throw new SayError('SAY_UNSUPPORTED_CURRENCY', `unsupported currency "${currency}" (supported: ${CURRENCIES.join(', ')})`);
      return w.money(parseMoney(value), currency);
    }
    case 'date':
      return w.date(parseDateTime(value, timeZone).date);
    case 'time':
      return w.time(parseTime(value, timeZone));
    case 'datetime': {
      const dt = parseDateTime(value, timeZone);
      if (!dt.time) throw new SayError('SAY_INVALID_VALUE', `cannot read ${JSON.stringify(value)} as a date and time (no time given)`);
      return w.dateTime(dt.date, dt.time);
    }
  }
}
