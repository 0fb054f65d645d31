/**
 * Reading flow values (numbers, texts from variables, HTTP responses or key
 * presses) into what the wording modules speak. Exact decimal handling: no
 * float rounding surprises for amounts of money.
 */
import { UnknownTimeZoneError, wallClock, type WallClock } from '../../util/time-zone.ts';
import type { JsonValue } from '../expr/json.ts';
import { SayError } from './errors.ts';

/** Integer parts up to 999 999 999 999 999 (below 10^15, exact in a double). */
export const MAX_INTEGER = 999_999_999_999_999;
export const MAX_DIGITS_LENGTH = 64;
export const MAX_FRACTION_DIGITS = 10;

export interface DecimalValue {
  negative: boolean;
  integer: number;
  /** Digits after the decimal separator, as written ("05" for 1.05); "" when none. */
  fraction: string;
}

export interface MoneyValue {
  negative: boolean;
  major: number;
  /** 0–99 */
  minor: number;
}

export interface DateValue {
  year: number;
  month: number;
  day: number;
}

export interface TimeValue {
  hour: number;
  minute: number;
}

function describe(v: JsonValue): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function invalid(v: JsonValue, what: string): SayError {
  return new SayError('SAY_INVALID_VALUE', `cannot read ${describe(v)} as ${what}`);
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) return 'NaN';
  if (Math.abs(n) > MAX_INTEGER) throw new SayError('SAY_OUT_OF_RANGE', `${n} is too large to read (limit ${MAX_INTEGER})`);
  // Computed values carry binary noise (0.1 + 0.2): keep at most MAX_FRACTION_DIGITS decimals.
  return Number.isInteger(n) ? n.toFixed(0) : n.toFixed(MAX_FRACTION_DIGITS).replace(/\.?0+$/, '');
}

/**
 * A decimal number: a JSON number, or text like "-1234", "12.5", "12,50", "1 234 567,89".
 * Spaces separate thousands; "." or "," is the decimal separator.
 */
export function parseDecimal(v: JsonValue, what = 'a number'): DecimalValue {
  const text = typeof v === 'number' ? numberText(v) : typeof v === 'string' ? v.trim().replace(/[\s\u00a0\u202f]/g, '') : undefined;
  const m = text === undefined ? null : /^([-+−]?)(\d+)(?:[.,](\d+))?$/.exec(text);
  if (!m) throw invalid(v, what);
  const digits = (m[2] as string).replace(/^0+(?=\d)/, '');
  if (digits.length > 15) throw new SayError('SAY_OUT_OF_RANGE', `${describe(v)} is too large to read (limit ${MAX_INTEGER})`);
  const fraction = m[3] ?? '';
  if (fraction.length > MAX_FRACTION_DIGITS) throw invalid(v, `${what} (at most ${MAX_FRACTION_DIGITS} decimals)`);
  const integer = Number(digits);
  const negative = (m[1] === '-' || m[1] === '−') && (integer !== 0 || /[1-9]/.test(fraction));
  return { negative, integer, fraction };
}

/** An amount of money, rounded half up to hundredths. */
export function parseMoney(v: JsonValue): MoneyValue {
  const d = parseDecimal(v, 'an amount of money');
  const cents = (d.fraction + '000').slice(0, 3);
  let minor = Number(cents.slice(0, 2));
  let major = d.integer;
  if (Number(cents[2]) >= 5) minor++;
  if (minor === 100) {
    minor = 0;
    major++;
  }
  if (major > MAX_INTEGER) throw new SayError('SAY_OUT_OF_RANGE', `${describe(v)} is too large to read`);
  return { negative: d.negative && (major > 0 || minor > 0), major, minor };
}

/**
 * A string of keys to read one by one: digits, "+", "*", "#". Spaces, dashes,
 * dots and parentheses (phone number punctuation) are skipped.
 */
export function parseDigits(v: JsonValue): string[] {
  const text = typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : typeof v === 'string' ? v : undefined;
  if (text === undefined) throw invalid(v, 'digits');
  const keys = text.replace(/[\s\-().\u00a0]/g, '');
  if (keys.length === 0 || keys.length > MAX_DIGITS_LENGTH || !/^[0-9+*#]+$/.test(keys) || !/[0-9]/.test(keys)) throw invalid(v, 'digits');
  return [...keys];
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

export interface DateTimeValue {
  date: DateValue;
  /** Absent when the value was a date only. */
  time?: TimeValue;
}

/** True when the IANA time zone name is known to this runtime (re-exported for the say node). */
export { isTimeZone } from '../../util/time-zone.ts';

function wallClockValue(epochMs: number, timeZone: string): Required<DateTimeValue> {
  let w: WallClock;
  try {
    w = wallClock(timeZone, epochMs);
  } catch (err) {
    if (err instanceof UnknownTimeZoneError) throw new SayError('SAY_INVALID_TIME_ZONE', `unknown time zone "${timeZone}"`);
    throw err;
  }
  return { date: { year: w.year, month: w.month, day: w.day }, time: { hour: w.hour, minute: w.minute } };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A date and maybe a time: "2026-01-05", "2026-01-05T09:15", "2026-01-05 09:15:00";
 * with "Z" or an offset ("+01:00"), or as epoch milliseconds, the instant is
 * shown on the wall clock of `timeZone`.
 */
export function parseDateTime(v: JsonValue, timeZone: string): DateTimeValue {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Math.abs(v) > 8.64e15) throw invalid(v, 'a date');
    return wallClockValue(v, timeZone);
  }
  const m = typeof v === 'string' ? ISO.exec(v.trim()) : null;
  if (!m) throw invalid(v, 'a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)');
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw invalid(v, 'a date (no such day)');
  if (m[4] === undefined) return { date: { year, month, day } };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) throw invalid(v, 'a time (no such time)');
  const zone = m[7];
  if (zone === undefined) return { date: { year, month, day }, time: { hour, minute } };
  let offsetMin = 0;
  if (zone !== 'Z') {
    const z = zone.replace(':', '');
    offsetMin = (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
  }
  const epoch = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMin * 60_000;
  return wallClockValue(epoch, timeZone);
}

/** A time of day: "9:15", "09:15:30", or the time of a date-time value. */
export function parseTime(v: JsonValue, timeZone: string): TimeValue {
  const m = typeof v === 'string' ? CLOCK.exec(v.trim()) : null;
  if (m) {
    const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
    if (hour > 23 || minute > 59 || second > 59) throw invalid(v, 'a time (no such time)');
    return { hour, minute };
  }
  const dt = parseDateTime(v, timeZone);
  if (!dt.time) throw invalid(v, 'a time (HH:MM)');
  return dt.time;
}
