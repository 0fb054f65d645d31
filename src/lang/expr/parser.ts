/**
 * Recursive-descent parser. Precedence, lowest first:
 *   or (||)  <  and (&&)  <  not (!)  <  == !=  <  < <= > >=  <  + -  <  * / %  <  unary -  <  [index] .key
 * `not`/`!` binds looser than comparisons, as in Python: `!vars.a == 1` is `!(vars.a == 1)`.
 * Source length and nesting depth are capped (denial of service).
 */
import type { BinaryOperator, Expression } from './ast.ts';
import { ExpressionError } from './errors.ts';
import { FUNCTIONS, isFunctionName } from './functions.ts';
import { tokenize, type Token } from './lexer.ts';
import { safeRegex } from './regex.ts';

export const MAX_EXPRESSION_LENGTH = 2_000;
export const MAX_EXPRESSION_DEPTH = 32;

const KEYWORDS = new Set(['true', 'false', 'null', 'and', 'or', 'not']);

export function parseExpression(src: string): Expression {
  if (src.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError('EXPR_TOO_LONG', MAX_EXPRESSION_LENGTH, `expression longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  return new Parser(tokenize(src)).parseAll();
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expression {
    const first = this.peek();
    if (first.type === 'end') throw new ExpressionError('EXPR_SYNTAX', first.pos, 'empty expression');
    const e = this.parseOr();
    const t = this.peek();
    if (t.type !== 'end') throw this.unexpected(t);
    return e;
  }

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private next(): Token {
    const t = this.tokens[this.i] as Token;
    if (t.type !== 'end') this.i++;
    return t;
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.value === value;
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t.type === 'name' && t.parts.length === 1 && t.parts[0] === word;
  }

  private expectOp(value: string): void {
    if (!this.isOp(value)) throw this.unexpected(this.peek(), `expected "${value}"`);
    this.next();
  }

  private unexpected(t: Token, expected?: string): ExpressionError {
    const what =
      t.type === 'end' ? 'end of expression' : t.type === 'op' ? `"${t.value}"` : t.type === 'name' ? `"${t.parts.join('.')}"` : t.type === 'number' ? `number ${t.value}` : 'text';
    return new ExpressionError('EXPR_SYNTAX', t.pos, `unexpected ${what}${expected ? `, ${expected}` : ''}`);
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) {
      throw new ExpressionError('EXPR_TOO_DEEP', pos, `expression nested deeper than ${MAX_EXPRESSION_DEPTH} levels`);
    }
  }

  private leave(): void {
    this.depth--;
  }

  private parseOr(): Expression {
    this.enter(this.peek().pos);
    let left = this.parseAnd();
    while (this.isOp('||') || this.isWord('or')) {
      const pos = this.next().pos;
      left = { kind: 'logical', pos, op: 'or', left, right: this.parseAnd() };
    }
    this.leave();
    return left;
  }

  private parseAnd(): Expression {
    let left = this.parseNot();
    while (this.isOp('&&') || this.isWord('and')) {
      const pos = this.next().pos;
      left = { kind: 'logical', pos, op: 'and', left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): Expression {
    if (this.isOp('!') || this.isWord('not')) {
      const pos = this.next().pos;
      this.enter(pos);
      const operand = this.parseNot();
      this.leave();
      return { kind: 'not', pos, operand };
    }
    return this.parseEquality();
  }

  private parseEquality(): Expression {
    let left = this.parseRelational();
    while (this.isOp('==') || this.isOp('!=')) {
      const t = this.next() as Token & { value: BinaryOperator };
      left = { kind: 'binary', pos: t.pos, op: t.value, left, right: this.parseRelational() };
    }
    return left;
  }

  private parseRelational(): Expression {
    let left = this.parseAdditive();
    while (this.isOp('<') || this.isOp('<=') || this.isOp('>') || this.isOp('>=')) {
      const t = this.next() as Token & { value: BinaryOperator };
      left = { kind: 'binary', pos: t.pos, op: t.value, left, right: this.parseAdditive() };
    }
    return left;
  }

  private parseAdditive(): Expression {
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next() as Token & { value: BinaryOperator };
      left = { kind: 'binary', pos: t.pos, op: t.value, left, right: this.parseMultiplicative() };
    }
    return left;
  }

  private parseMultiplicative(): Expression {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const t = this.next() as Token & { value: BinaryOperator };
      left = { kind: 'binary', pos: t.pos, op: t.value, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expression {
    if (this.isOp('-') || this.isOp('!') || this.isWord('not')) {
      const t = this.next();
      this.enter(t.pos);
      const operand = this.parseUnary();
      this.leave();
      return t.type === 'op' && t.value === '-' ? { kind: 'negate', pos: t.pos, operand } : { kind: 'not', pos: t.pos, operand };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expression {
    let e = this.parsePrimary();
    for (;;) {
      if (this.isOp('[')) {
        const pos = this.next().pos;
        const key = this.parseOr();
        this.expectOp(']');
        e = { kind: 'member', pos, object: e, key };
      } else if (this.isOp('.')) {
        const pos = this.next().pos;
        const t = this.next();
        if (t.type !== 'name' && t.type !== 'number') throw this.unexpected(t, 'expected a name after "."');
        const keys = t.type === 'name' ? t.parts : [String(t.value)];
        for (const k of keys) e = { kind: 'member', pos, object: e, key: { kind: 'literal', pos: t.pos, value: k } };
      } else {
        return e;
      }
    }
  }

  private parsePrimary(): Expression {
    const t = this.next();
    switch (t.type) {
      case 'number':
        return { kind: 'literal', pos: t.pos, value: t.value };
      case 'string':
        return { kind: 'literal', pos: t.pos, value: t.value };
      case 'name':
        return this.parseName(t);
      case 'op':
        if (t.value === '(') {
          const e = this.parseOr();
          this.expectOp(')');
          return e;
        }
        if (t.value === '[') return this.parseArray(t.pos);
        throw this.unexpected(t);
      case 'end':
        throw this.unexpected(t);
    }
  }

  private parseArray(pos: number): Expression {
    const items: Expression[] = [];
    if (!this.isOp(']')) {
      do items.push(this.parseOr());
      while (this.isOp(',') && this.next());
    }
    this.expectOp(']');
    return { kind: 'array', pos, items };
  }

  private parseName(t: Token & { type: 'name' }): Expression {
    const [root, ...keys] = t.parts as [string, ...string[]];
    if (keys.length === 0) {
      if (root === 'true') return { kind: 'literal', pos: t.pos, value: true };
      if (root === 'false') return { kind: 'literal', pos: t.pos, value: false };
      if (root === 'null') return { kind: 'literal', pos: t.pos, value: null };
      if (this.isOp('(')) return this.parseCall(root, t.pos);
    }
    if (KEYWORDS.has(root)) throw this.unexpected(t);
    return { kind: 'path', pos: t.pos, root, keys };
  }

  private parseCall(name: string, pos: number): Expression {
    if (!isFunctionName(name)) {
      throw new ExpressionError('EXPR_UNKNOWN_FUNCTION', pos, `unknown function "${name}" (known: ${Object.keys(FUNCTIONS).join(', ')})`);
    }
    this.next(); // (
    this.enter(pos);
    const args: Expression[] = [];
    if (!this.isOp(')')) {
      do args.push(this.parseOr());
      while (this.isOp(',') && this.next());
    }
    this.expectOp(')');
    this.leave();
    const spec = FUNCTIONS[name] as (typeof FUNCTIONS)[string];
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const want = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs}–${spec.maxArgs}`;
      throw new ExpressionError('EXPR_ARITY', pos, `${name}() takes ${want} argument${want === '1' ? '' : 's'}, got ${args.length}`);
    }
    // A literal pattern is checked now, so a bad regex shows at flow load time.
    const pattern = args[1];
    if (name === 'matches' && pattern?.kind === 'literal' && typeof pattern.value === 'string') safeRegex(pattern.value, pattern.pos, 'parse');
    return { kind: 'call', pos, name, args };
  }
}
