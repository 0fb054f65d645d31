/**
 * Phone numbers for call-backs: validation and normalisation to E.164, and the
 * caller-facing read-back of a number.
 *
 * Accepted (after removing spaces, dashes, dots and parentheses from a caller id;
 * keypad input has none of these):
 * - Polish national numbers: 9 digits not starting with 0 ("600100200"), or with
 *   an old trunk "0" in front ("0221234567" → +48221234567);
 * - "+48…", "0048…" and (caller ids from trunks) "48…" followed by exactly 9 digits;
 * - international "+<cc>…" / "00<cc>…" with 8 to 15 digits in total, country code
 *   not starting with 0 (E.164 allows at most 15 digits).
 * Refused, with a reason the dialog turns into a re-prompt: empty input, keys
 * other than digits (a "*" or a "#" inside the number), too short, too long,
 * Polish premium-rate numbers (70x, when `rejectPremium`) and international
 * numbers when `allowInternational` is off.
 */

export type NumberProblem =
  | 'empty'
  | 'invalid-characters'
  | 'too-short'
  | 'too-long'
  | 'premium-rate'
  | 'international-not-allowed';

export type NumberCheck = { ok: true; e164: string } | { ok: false; problem: NumberProblem };

export interface NumberRules {
  /** Refuse Polish premium-rate numbers (+48 70x). Default true. */
  rejectPremium?: boolean;
  /** Accept numbers outside Poland. Default true. */
  allowInternational?: boolean;
}

const PL = '48';
const PL_NATIONAL_LENGTH = 9;
const E164_MIN_DIGITS = 8;
const E164_MAX_DIGITS = 15;

function polish(national: string, rules: NumberRules): NumberCheck {
  if (national.length < PL_NATIONAL_LENGTH) return { ok: false, problem: 'too-short' };
  if (national.length > PL_NATIONAL_LENGTH) return { ok: false, problem: 'too-long' };
  if (national.startsWith('0')) return { ok: false, problem: 'too-short' };
  if ((rules.rejectPremium ?? true) && national.startsWith('70')) return { ok: false, problem: 'premium-rate' };
  return { ok: true, e164: `+${PL}${national}` };
}

function international(digits: string, rules: NumberRules): NumberCheck {
  // digits: everything after "+" or "00".
  if (digits === '') return { ok: false, problem: 'too-short' };
  if (digits.startsWith('0')) return { ok: false, problem: 'invalid-characters' };
  if (digits.startsWith(PL)) return polish(digits.slice(PL.length), rules);
  if (!(rules.allowInternational ?? true)) return { ok: false, problem: 'international-not-allowed' };
  if (digits.length < E164_MIN_DIGITS) return { ok: false, problem: 'too-short' };
  if (digits.length > E164_MAX_DIGITS) return { ok: false, problem: 'too-long' };
  return { ok: true, e164: `+${digits}` };
}

/**
 * Normalises a number keyed by the caller (digits only; "00" for international)
 * or given by a system ("+" allowed in front).
 */
export function normalizeNumber(input: string, rules: NumberRules = {}): NumberCheck {
  const s = input.trim();
  if (s === '') return { ok: false, problem: 'empty' };
  if (s.startsWith('+')) {
    const rest = s.slice(1);
    if (!/^\d*$/.test(rest)) return { ok: false, problem: 'invalid-characters' };
    return international(rest, rules);
  }
  if (!/^\d+$/.test(s)) return { ok: false, problem: 'invalid-characters' };
  if (s.startsWith('00')) return international(s.slice(2), rules);
  if (s.startsWith('0')) return polish(s.slice(1), rules);
  if (s.length === PL.length + PL_NATIONAL_LENGTH && s.startsWith(PL)) return polish(s.slice(PL.length), rules);
  return polish(s, rules);
}

const WITHHELD = new Set(['', 'anonymous', 'unknown', 'restricted', 'private', 'withheld', 'unavailable']);

/**
 * The caller's own number from a presented caller id (number or SIP URI), or
 * undefined when it is withheld or not a dialable number.
 */
export function callerNumber(from: string, rules: NumberRules = {}): string | undefined {
  let s = from.trim();
  const uri = /^(?:sips?|tel):([^@;>]*)/i.exec(s.replace(/^.*</, ''));
  if (uri) s = uri[1] ?? '';
  s = s.replace(/[\s\-().]/g, '');
  if (WITHHELD.has(s.toLowerCase())) return undefined;
  const r = normalizeNumber(s, rules);
  return r.ok ? r.e164 : undefined;
}

/**
 * Digits of a number for text-to-speech read-back, one by one in groups:
 * "+48600100200" → "6 0 0, 1 0 0, 2 0 0" (Polish numbers without the country
 * code); "+4420794600000" → "plus 4 4, 2 0 7 9, 4 6 0, 0 0 0 0" style groups of 3–4.
 */
export function spokenDigits(e164: string, plusWord: string): string {
  const digits = e164.replace(/^\+/, '');
  const groups: string[] = [];
  if (digits.startsWith(PL) && digits.length === PL.length + PL_NATIONAL_LENGTH) {
    const n = digits.slice(PL.length);
    groups.push(n.slice(0, 3), n.slice(3, 6), n.slice(6));
    return groups.map((g) => g.split('').join(' ')).join(', ');
  }
  let rest = digits;
  while (rest.length > 0) {
    const take = rest.length === 4 ? 4 : Math.min(3, rest.length);
    groups.push(rest.slice(0, take));
    rest = rest.slice(take);
  }
  return `${plusWord} ${groups.map((g) => g.split('').join(' ')).join(', ')}`;
}

/** A number shown in logs with all but the last 3 digits masked. */
export function maskNumber(e164: string): string {
  return e164.length <= 4 ? '***' : `${e164.slice(0, 3)}${'*'.repeat(e164.length - 6)}${e164.slice(-3)}`;
}
