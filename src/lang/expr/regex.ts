/**
 * Regular expressions for matches(): compiled once per pattern, length-capped,
 * and refused when a repeated group itself repeats, e.g. (a+)+, the classic
 * catastrophic backtracking shape. The text matched is capped too.
 */
import { ExpressionError } from './errors.ts';

export const MAX_PATTERN_LENGTH = 200;
export const MAX_MATCH_INPUT_LENGTH = 1_000;

const cache = new Map<string, RegExp>();
const MAX_CACHED = 500;

/** Compiles a pattern or throws EXPR_BAD_REGEX at `pos`. */
export function safeRegex(pattern: string, pos: number, phase: 'parse' | 'evaluate'): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new ExpressionError('EXPR_BAD_REGEX', pos, `regular expression longer than ${MAX_PATTERN_LENGTH} characters`, phase);
  }
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch (err) {
    throw new ExpressionError('EXPR_BAD_REGEX', pos, `invalid regular expression: ${(err as Error).message}`, phase);
  }
  if (hasNestedQuantifier(pattern)) {
    throw new ExpressionError('EXPR_BAD_REGEX', pos, 'unsafe regular expression: a repeated group contains a repetition, e.g. (a+)+', phase);
  }
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, re);
  return re;
}

/** True when a quantified group contains a quantifier: "(\\d+)*", "(a|b+){2,}". */
export function hasNestedQuantifier(pattern: string): boolean {
  // Stack of "group contains a quantifier" flags.
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    if (c === '(') {
      stack.push(false);
      continue;
    }
    const quantifier = c === '*' || c === '+' || (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)));
    if (c === ')') {
      const inner = stack.pop() ?? false;
      const next = pattern[i + 1];
      const repeated = next === '*' || next === '+' || (next === '{' && /^\{\d+,\d*\}/.test(pattern.slice(i + 1)));
      if (inner && repeated) return true;
      if (inner && stack.length > 0) stack[stack.length - 1] = true;
      continue;
    }
    if (quantifier && stack.length > 0) stack[stack.length - 1] = true;
  }
  return false;
}
