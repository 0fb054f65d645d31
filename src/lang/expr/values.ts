/**
 * Value rules of the expression language: truthiness, equality, numbers in
 * text (digits a caller keyed in are text) and text of values. No JS coercion
 * surprises: anything not listed here is a type error.
 */
import type { JsonValue } from './json.ts';
import { ExpressionError } from './errors.ts';

/** Maximum length of a text produced by an expression (concatenation). */
export const MAX_TEXT_LENGTH = 10_000;

const NUMERIC_TEXT = /^\s*-?(\d+(\.\d+)?|\.\d+)\s*$/;

/** false, null, 0, "" and [] are false; everything else is true. */
export function truthy(v: JsonValue): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

export function typeName(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'string') return 'text';
  return typeof v;
}

/** The number a value stands for: a number, or a text of decimal digits ("0042", "-1.5"); else undefined. */
export function asNumber(v: JsonValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMERIC_TEXT.test(v)) return Number(v);
  return undefined;
}

/** Numbers and numeric texts compare as numbers when at least one side is a number. */
export function equal(a: JsonValue, b: JsonValue): boolean {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    return x !== undefined && y !== undefined && x === y;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => equal(x, b[i] as JsonValue));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && equal(a[k] as JsonValue, b[k] as JsonValue));
}

/** Ordering: numbers (or numeric texts) as numbers, other texts by character codes; anything else is a type error. */
export function compare(a: JsonValue, b: JsonValue, op: string, pos: number): number {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new ExpressionError('EXPR_TYPE', pos, `cannot compare ${typeName(a)} ${op} ${typeName(b)}`, 'evaluate');
}

/** Operand of arithmetic: a number or a numeric text. */
export function numberOperand(v: JsonValue, op: string, pos: number): number {
  const n = asNumber(v);
  if (n === undefined) {
    throw new ExpressionError('EXPR_TYPE', pos, `"${op}" needs numbers, got ${typeName(v)}${typeof v === 'string' ? ` "${clip(v)}"` : ''}`, 'evaluate');
  }
  return n;
}

/** A number result: finite, or an error (no NaN or Infinity in flows). */
export function finite(n: number, pos: number): number {
  if (!Number.isFinite(n)) throw new ExpressionError('EXPR_NOT_A_NUMBER', pos, 'result is not a finite number', 'evaluate');
  return n;
}

/** Text of a scalar: numbers in plain decimal, true/false; null and lists/objects are type errors. */
export function textOf(v: JsonValue, what: string, pos: number): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return String(v);
  throw new ExpressionError('EXPR_TYPE', pos, `${what} needs text, got ${typeName(v)}`, 'evaluate');
}

export function formatNumber(n: number): string {
  // Plain decimal even for tiny or huge numbers (no "1e+21").
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  const s = String(n);
  return s.includes('e') ? n.toFixed(10).replace(/\.?0+$/, '') : s;
}

export function checkedText(s: string, pos: number): string {
  if (s.length > MAX_TEXT_LENGTH) throw new ExpressionError('EXPR_TOO_LARGE', pos, `text longer than ${MAX_TEXT_LENGTH} characters`, 'evaluate');
  return s;
}

function clip(s: string): string {
  return s.length > 20 ? `${s.slice(0, 20)}…` : s;
}
