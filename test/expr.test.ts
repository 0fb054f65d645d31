import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  evaluate,
  expressionProblems,
  ExpressionError,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  parseExpression,
  type JsonValue,
} from '../src/lang/expr/index.ts';

const scope: Record<string, JsonValue> = {
  vars: { account: '0042', balance: -12.5, attempts: 2, vip: true, name: 'Anna', list: ['a', 'b', 'c'], nested: { tier: 'gold' }, empty: '' },
  caller: { number: '+48600100200' },
  call: { id: 'c1', dialed: '+48221234567', language: 'pl' },
  headers: { 'x-vip': 'yes' },
};

const run = (src: string) => evaluate(parseExpression(src), scope);

function errorOf(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error('expected an ExpressionError');
}

describe('expression language: values', () => {
  it.each<[string, JsonValue]>([
    ['42', 42],
    ['3.25', 3.25],
    ['"double"', 'double'],
    ["'single'", 'single'],
    ["'it\\'s'", "it's"],
    ['true', true],
    ['false', false],
    ['null', null],
    ['[1, "a", null]', [1, 'a', null]],
    ['[]', []],
  ])('%s is %j', (src, value) => expect(run(src)).toEqual(value));

  it.each<[string, JsonValue]>([
    ['vars.account', '0042'],
    ['vars.nested.tier', 'gold'],
    ['vars.list.1', 'b'],
    ['vars.list[2]', 'c'],
    ["vars['name']", 'Anna'],
    ['caller.number', '+48600100200'],
    ['call.language', 'pl'],
    ['call.dialed', '+48221234567'],
    ['headers.x-vip', 'yes'],
    ["headers['x-vip']", 'yes'],
    ['vars.missing', null],
    ['vars.missing.deeper', null],
    ['vars.list[10]', null],
    ['nothing.here', null],
  ])('path %s is %j', (src, value) => expect(run(src)).toEqual(value));

  it('never reads inherited properties', () => {
    expect(run('vars.constructor')).toBeNull();
    expect(run('vars.__proto__')).toBeNull();
    expect(run("vars['toString']")).toBeNull();
    expect(run('vars.list.length')).toBeNull();
  });
});

describe('expression language: operators', () => {
  it.each<[string, JsonValue]>([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 / 4', 2.5],
    ['10 % 4', 2],
    ['-vars.balance', 12.5],
    ['- -3', 3],
    ['vars.attempts + 1', 3],
    ['vars.account * 2', 84],
    ['"Hello " + vars.name', 'Hello Anna'],
    ["'n' + 1", 'n1'],
    ['vars.attempts + "x"', '2x'],
    ['vars.attempts == 2', true],
    ['vars.account == 42', true],
    ['vars.account == "42"', false],
    ['vars.account == "0042"', true],
    ['vars.attempts != 3', true],
    ['vars.balance < 0', true],
    ['vars.balance <= -12.5', true],
    ['"10" > "9"', true],
    ['"b" > "a"', true],
    ['vars.account >= 42', true],
    ['[1, 2] == [1, 2]', true],
    ['vars.missing == null', true],
    ['null == 0', false],
    ['true && false', false],
    ['true and true', true],
    ['false || vars.vip', true],
    ['false or false', false],
    ['!vars.vip', false],
    ['not vars.missing', true],
    ['!vars.attempts == 3', true],
    ['not vars.empty and vars.vip', true],
    ['vars.attempts > 1 and vars.attempts < 3 or false', true],
  ])('%s is %j', (src, value) => expect(run(src)).toEqual(value));

  it('short-circuits: the right side is not evaluated', () => {
    expect(run('false && vars.list < 1')).toBe(false);
    expect(run('true || 1 / 0')).toBe(true);
  });

  it.each<[string, string]>([
    ['vars.name - 1', 'EXPR_TYPE'],
    ['vars.list < 2', 'EXPR_TYPE'],
    ['null < 1', 'EXPR_TYPE'],
    ['"a" + null', 'EXPR_TYPE'],
    ['"a" + vars.list', 'EXPR_TYPE'],
    ['-vars.name', 'EXPR_TYPE'],
    ['1 / 0', 'EXPR_DIVISION_BY_ZERO'],
    ['5 % 0', 'EXPR_DIVISION_BY_ZERO'],
    ['vars[vars.list]', 'EXPR_TYPE'],
  ])('%s fails at run time with %s', (src, code) => {
    const err = errorOf(() => run(src));
    expect(err.code).toBe(code);
    expect(err.phase).toBe('evaluate');
  });

  it('reports the position of the failing operator', () => {
    expect(errorOf(() => run('1 + vars.name * 2')).position).toBe(14);
  });
});

describe('expression language: functions', () => {
  it.each<[string, JsonValue]>([
    ['len(vars.name)', 4],
    ['len(vars.list)', 3],
    ['len(vars.nested)', 1],
    ['lower("ABC")', 'abc'],
    ['upper(vars.name)', 'ANNA'],
    ['trim("  x ")', 'x'],
    ['startsWith(caller.number, "+48")', true],
    ['endsWith(caller.number, "200")', true],
    ['contains(vars.name, "nn")', true],
    ['contains(vars.list, "b")', true],
    ['contains(["1", "2"], 2)', true],
    ['matches(caller.number, "^\\\\+48\\\\d{9}$")', true],
    ['matches(vars.account, "^[1-9]")', false],
    ['number(vars.account) + 1', 43],
    ['number(" 7 ")', 7],
    ['string(12)', '12'],
    ['string(null)', ''],
    ['string(true)', 'true'],
    ['coalesce(vars.missing, vars.name)', 'Anna'],
    ['abs(vars.balance)', 12.5],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(1.2345, 2)', 1.23],
    ['floor(2.7)', 2],
    ['ceil(2.1)', 3],
    ['min(3, 1, 2)', 1],
    ['max(3, "7")', 7],
  ])('%s is %j', (src, value) => expect(run(src)).toEqual(value));

  it.each<[string, string]>([
    ['number("abc")', 'EXPR_NOT_A_NUMBER'],
    ['number(null)', 'EXPR_NOT_A_NUMBER'],
    ['lower(null)', 'EXPR_TYPE'],
    ['len(5)', 'EXPR_TYPE'],
    ['matches(vars.name, vars.nested.tier + "(")', 'EXPR_BAD_REGEX'],
  ])('%s fails with %s', (src, code) => expect(errorOf(() => run(src)).code).toBe(code));

  it('caps the text matches() searches', () => {
    const long = { ...scope, vars: { s: 'a'.repeat(1001) } };
    expect(errorOf(() => evaluate(parseExpression('matches(vars.s, "a")'), long)).code).toBe('EXPR_TOO_LARGE');
  });
});

describe('expression language: parse errors', () => {
  it.each<[string, string, number]>([
    ['', 'EXPR_SYNTAX', 0],
    ['1 +', 'EXPR_SYNTAX', 3],
    ['(1 + 2', 'EXPR_SYNTAX', 6],
    ['vars.a = 1', 'EXPR_SYNTAX', 7],
    ['vars.a & 1', 'EXPR_SYNTAX', 7],
    ['"open', 'EXPR_SYNTAX', 0],
    ["'bad \\q'", 'EXPR_SYNTAX', 5],
    ['1 2', 'EXPR_SYNTAX', 2],
    ['vars.a # 1', 'EXPR_SYNTAX', 7],
    ['12abc', 'EXPR_SYNTAX', 2],
    ['eval("1")', 'EXPR_UNKNOWN_FUNCTION', 0],
    ['x + Function("")', 'EXPR_UNKNOWN_FUNCTION', 4],
    ['len(1, 2)', 'EXPR_ARITY', 0],
    ['lower()', 'EXPR_ARITY', 0],
    ['matches(vars.a, "(")', 'EXPR_BAD_REGEX', 16],
    ['matches(vars.a, "(a+)+$")', 'EXPR_BAD_REGEX', 16],
    ['matches(vars.a, "(\\\\d*)*")', 'EXPR_BAD_REGEX', 16],
  ])('%j: %s at %i', (src, code, position) => {
    const err = errorOf(() => parseExpression(src));
    expect([err.code, err.position, err.phase]).toEqual([code, position, 'parse']);
  });

  it('caps the length of an expression', () => {
    const src = '1' + ' + 1'.repeat(MAX_EXPRESSION_LENGTH / 4);
    expect(errorOf(() => parseExpression(src)).code).toBe('EXPR_TOO_LONG');
  });

  it('caps nesting depth', () => {
    const ok = '('.repeat(MAX_EXPRESSION_DEPTH - 1) + '1' + ')'.repeat(MAX_EXPRESSION_DEPTH - 1);
    expect(evaluate(parseExpression(ok), {})).toBe(1);
    const deep = '('.repeat(MAX_EXPRESSION_DEPTH + 1) + '1' + ')'.repeat(MAX_EXPRESSION_DEPTH + 1);
    expect(errorOf(() => parseExpression(deep)).code).toBe('EXPR_TOO_DEEP');
    expect(errorOf(() => parseExpression('!'.repeat(100) + 'true')).code).toBe('EXPR_TOO_DEEP');
    expect(errorOf(() => parseExpression('-'.repeat(100) + '1')).code).toBe('EXPR_TOO_DEEP');
    expect(errorOf(() => parseExpression('lower('.repeat(40) + '"a"' + ')'.repeat(40))).code).toBe('EXPR_TOO_DEEP');
  });

  it('accepts a long flat chain within the length cap', () => {
    const src = '1' + ' + 1'.repeat(400);
    expect(evaluate(parseExpression(src), {})).toBe(401);
  });
});

describe('compileExpression', () => {
  it('returns the same compiled expression for the same source', () => {
    const a = compileExpression('vars.attempts + 1');
    expect(compileExpression('vars.attempts + 1')).toBe(a);
    expect(a.evaluate(scope)).toBe(3);
  });

  it('throws the parse error every time for a bad source', () => {
    expect(errorOf(() => compileExpression('1 +')).code).toBe('EXPR_SYNTAX');
    expect(errorOf(() => compileExpression('1 +')).code).toBe('EXPR_SYNTAX');
  });
});

describe('expressionProblems (flow checks)', () => {
  it('accepts the call scope', () => {
    expect(expressionProblems('vars.x == 1 and caller.number != "" and call.language == "pl" and headers.x-vip == "yes"')).toEqual([]);
  });

  it('names an unknown root with its position', () => {
    expect(expressionProblems('vars.a == 1 and account > 2')).toEqual([{ position: 16, message: expect.stringContaining('unknown name "account"') }]);
  });

  it('names unknown caller and call fields', () => {
    expect(expressionProblems('caller.name').map((p) => p.message)).toEqual([expect.stringContaining('caller.name')]);
    expect(expressionProblems('call.from').map((p) => p.message)).toEqual([expect.stringContaining('call.from')]);
  });

  it('reports a syntax error with its position', () => {
    expect(expressionProblems('vars.a >')).toEqual([{ position: 8, message: 'unexpected end of expression' }]);
  });
});
