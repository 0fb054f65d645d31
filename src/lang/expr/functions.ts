/**
 * The functions an expression may call. Each is pure and total over JSON
 * values: a wrong type is an EXPR_TYPE error, never a JS exception.
 */
import type { JsonValue } from './json.ts';
import { ExpressionError } from './errors.ts';
import { safeRegex, MAX_MATCH_INPUT_LENGTH } from './regex.ts';
import { asNumber, equal, finite, formatNumber, numberOperand, textOf, typeName } from './values.ts';

export interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
  /** `pos` is the call's position; `argPos` the arguments' positions. */
  apply(args: JsonValue[], pos: number, argPos: number[]): JsonValue;
}

const text = (v: JsonValue, fn: string, pos: number) => textOf(v, `${fn}()`, pos);

function typeError(pos: number, message: string): ExpressionError {
  return new ExpressionError('EXPR_TYPE', pos, message, 'evaluate');
}

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  /** Length of a text or list, number of keys of an object. */
  len: {
    minArgs: 1,
    maxArgs: 1,
    apply([v], pos) {
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (v !== null && typeof v === 'object') return Object.keys(v).length;
      throw typeError(pos, `len() needs text or a list, got ${typeName(v as JsonValue)}`);
    },
  },
  lower: { minArgs: 1, maxArgs: 1, apply: ([v], pos) => text(v as JsonValue, 'lower', pos).toLowerCase() },
  upper: { minArgs: 1, maxArgs: 1, apply: ([v], pos) => text(v as JsonValue, 'upper', pos).toUpperCase() },
  trim: { minArgs: 1, maxArgs: 1, apply: ([v], pos) => text(v as JsonValue, 'trim', pos).trim() },
  startsWith: {
    minArgs: 2,
    maxArgs: 2,
    apply: ([s, p], pos) => text(s as JsonValue, 'startsWith', pos).startsWith(text(p as JsonValue, 'startsWith', pos)),
  },
  endsWith: {
    minArgs: 2,
    maxArgs: 2,
    apply: ([s, p], pos) => text(s as JsonValue, 'endsWith', pos).endsWith(text(p as JsonValue, 'endsWith', pos)),
  },
  /** contains(text, part) or contains(list, item). */
  contains: {
    minArgs: 2,
    maxArgs: 2,
    apply([s, x], pos) {
      if (Array.isArray(s)) return s.some((item) => equal(item, x as JsonValue));
      return text(s as JsonValue, 'contains', pos).includes(text(x as JsonValue, 'contains', pos));
    },
  },
  /** matches(text, pattern): JavaScript regular expression (unicode mode), searched anywhere in the text; anchor with ^...$. */
  matches: {
    minArgs: 2,
    maxArgs: 2,
    apply([s, p], pos, argPos) {
      const subject = text(s as JsonValue, 'matches', pos);
      if (subject.length > MAX_MATCH_INPUT_LENGTH) {
        throw new ExpressionError('EXPR_TOO_LARGE', pos, `matches() text longer than ${MAX_MATCH_INPUT_LENGTH} characters`, 'evaluate');
      }
      return safeRegex(text(p as JsonValue, 'matches', pos), argPos[1] ?? pos, 'evaluate').test(subject);
    },
  },
  /** number(x): a number from a number or numeric text ("0042" → 42); anything else is an error. */
  number: {
    minArgs: 1,
    maxArgs: 1,
    apply([v], pos) {
      const n = asNumber(v as JsonValue);
      if (n === undefined) {
        throw new ExpressionError('EXPR_NOT_A_NUMBER', pos, `number(): ${typeName(v as JsonValue)} ${JSON.stringify(v)?.slice(0, 30)} is not a number`, 'evaluate');
      }
      return n;
    },
  },
  /** string(x): text of a value; null gives "". */
  string: {
    minArgs: 1,
    maxArgs: 1,
    apply([v], pos) {
      if (v === null) return '';
      if (typeof v === 'number') return formatNumber(v);
      return text(v as JsonValue, 'string', pos);
    },
  },
  /** First argument that is not null. */
  coalesce: { minArgs: 1, maxArgs: 16, apply: (args) => args.find((a) => a !== null) ?? null },
  abs: { minArgs: 1, maxArgs: 1, apply: ([v], pos) => Math.abs(numberOperand(v as JsonValue, 'abs()', pos)) },
  floor: { minArgs: 1, maxArgs: 1, apply: ([v], pos) => Math.floor(numberOperand(v as JsonValue, 'floor()', pos)) },
  ceil: { minArgs: 1, maxArgs: 1, apply: ([v], pos) => Math.ceil(numberOperand(v as JsonValue, 'ceil()', pos)) },
  /** round(x) or round(x, decimals) with 0–10 decimals, halves away from zero. */
  round: {
    minArgs: 1,
    maxArgs: 2,
    apply([v, d], pos) {
      const n = numberOperand(v as JsonValue, 'round()', pos);
      const digits = d === undefined ? 0 : numberOperand(d, 'round()', pos);
      if (!Number.isInteger(digits) || digits < 0 || digits > 10) throw typeError(pos, 'round(): decimals must be a whole number 0–10');
      const f = 10 ** digits;
      return finite((Math.sign(n) * Math.round(Math.abs(n) * f)) / f, pos);
    },
  },
  min: { minArgs: 1, maxArgs: 16, apply: (args, pos) => Math.min(...args.map((a) => numberOperand(a, 'min()', pos))) },
  max: { minArgs: 1, maxArgs: 16, apply: (args, pos) => Math.max(...args.map((a) => numberOperand(a, 'max()', pos))) },
};

export function isFunctionName(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name);
}
