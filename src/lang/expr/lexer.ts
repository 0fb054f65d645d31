/**
 * Tokens of the expression language. Names are read as whole dotted paths
 * (vars.account.id); segments under `headers.` may contain hyphens, since SIP
 * header names do (headers.x-vip). Elsewhere a hyphen is the minus operator.
 */
import { ExpressionError } from './errors.ts';

export type Token =
  | { type: 'number'; pos: number; value: number }
  | { type: 'string'; pos: number; value: string }
  | { type: 'name'; pos: number; parts: string[] }
  | { type: 'op'; pos: number; value: string }
  | { type: 'end'; pos: number };

const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=', '&&', '||']);
const ONE_CHAR_OPS = new Set(['<', '>', '!', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',', '.']);
const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t' };

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isNameStart = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isNameChar = (c: string | undefined) => isNameStart(c) || isDigit(c);

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      while (isDigit(src[i])) i++;
      if (src[i] === '.' && isDigit(src[i + 1])) {
        i++;
        while (isDigit(src[i])) i++;
      }
      if (isNameStart(src[i])) throw new ExpressionError('EXPR_SYNTAX', i, `unexpected "${src[i]}" after a number`);
      tokens.push({ type: 'number', pos: start, value: Number(src.slice(start, i)) });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      let value = '';
      for (;;) {
        const d = src[i];
        if (d === undefined) throw new ExpressionError('EXPR_SYNTAX', start, 'unterminated string');
        if (d === c) break;
        if (d === '\\') {
          const e = src[i + 1];
          const rep = e === undefined ? undefined : ESCAPES[e];
          if (rep === undefined) throw new ExpressionError('EXPR_SYNTAX', i, `unknown escape "\\${e ?? ''}" (use \\\\, \\', \\", \\n or \\t)`);
          value += rep;
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      tokens.push({ type: 'string', pos: start, value });
      continue;
    }
    if (isNameStart(c)) {
      const parts: string[] = [];
      const readSegment = (allowHyphen: boolean) => {
        const s = i;
        while (isNameChar(src[i]) || (allowHyphen && src[i] === '-' && isNameChar(src[i + 1]) && i > s)) i++;
        return src.slice(s, i);
      };
      parts.push(readSegment(false));
      // Dotted continuation: ".name" or ".0"; a "." followed by anything else is left to the parser.
      while (src[i] === '.' && isNameChar(src[i + 1])) {
        i++;
        parts.push(readSegment(parts[0] === 'headers'));
      }
      tokens.push({ type: 'name', pos: start, parts });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ type: 'op', pos: start, value: two });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      tokens.push({ type: 'op', pos: start, value: c });
      i++;
      continue;
    }
    if (c === '=') throw new ExpressionError('EXPR_SYNTAX', i, 'unexpected "=" (compare with "==")');
    if (c === '&' || c === '|') throw new ExpressionError('EXPR_SYNTAX', i, `unexpected "${c}" (use "${c}${c}")`);
    throw new ExpressionError('EXPR_SYNTAX', i, `unexpected character "${c}"`);
  }
  tokens.push({ type: 'end', pos: src.length });
  return tokens;
}
