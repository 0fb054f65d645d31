/**
 * Tree-walking evaluator. Reads only own properties of the scope (no
 * prototype access), never calls into JS beyond the fixed function table.
 * Paths to nothing give null; wrong types throw ExpressionError (phase 'evaluate').
 */
import type { JsonValue } from './json.ts';
import type { Expression } from './ast.ts';
import { ExpressionError } from './errors.ts';
import { FUNCTIONS } from './functions.ts';
import { checkedText, compare, equal, finite, numberOperand, textOf, truthy, typeName } from './values.ts';

export type Scope = Readonly<Record<string, JsonValue>>;

export function evaluate(expr: Expression, scope: Scope): JsonValue {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path': {
      let v: JsonValue = Object.hasOwn(scope, expr.root) ? (scope[expr.root] as JsonValue) : null;
      for (const k of expr.keys) v = member(v, k);
      return v;
    }
    case 'member': {
      const obj = evaluate(expr.object, scope);
      const key = evaluate(expr.key, scope);
      if (typeof key !== 'string' && typeof key !== 'number') {
        throw new ExpressionError('EXPR_TYPE', expr.pos, `index must be text or a number, got ${typeName(key)}`, 'evaluate');
      }
      return member(obj, key);
    }
    case 'array':
      return expr.items.map((e) => evaluate(e, scope));
    case 'not':
      return !truthy(evaluate(expr.operand, scope));
    case 'negate':
      return finite(-numberOperand(evaluate(expr.operand, scope), '-', expr.pos), expr.pos);
    case 'logical': {
      const left = truthy(evaluate(expr.left, scope));
      if (expr.op === 'and') return left && truthy(evaluate(expr.right, scope));
      return left || truthy(evaluate(expr.right, scope));
    }
    case 'binary':
      return binary(expr.op, evaluate(expr.left, scope), evaluate(expr.right, scope), expr.pos);
    case 'call': {
      const spec = FUNCTIONS[expr.name];
      if (!spec) throw new ExpressionError('EXPR_UNKNOWN_FUNCTION', expr.pos, `unknown function "${expr.name}"`, 'evaluate');
      const args = expr.args.map((a) => evaluate(a, scope));
      return spec.apply(args, expr.pos, expr.args.map((a) => a.pos));
    }
  }
}

function member(v: JsonValue, key: string | number): JsonValue {
  if (Array.isArray(v)) {
    const i = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : -1;
    return Number.isInteger(i) && i >= 0 && i < v.length ? (v[i] as JsonValue) : null;
  }
  if (v !== null && typeof v === 'object') {
    const k = String(key);
    return Object.hasOwn(v, k) ? (v[k] as JsonValue) : null;
  }
  return null;
}

function binary(op: string, a: JsonValue, b: JsonValue, pos: number): JsonValue {
  switch (op) {
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case '<':
      return compare(a, b, op, pos) < 0;
    case '<=':
      return compare(a, b, op, pos) <= 0;
    case '>':
      return compare(a, b, op, pos) > 0;
    case '>=':
      return compare(a, b, op, pos) >= 0;
    case '+':
      if (typeof a === 'string' || typeof b === 'string') return checkedText(textOf(a, '"+"', pos) + textOf(b, '"+"', pos), pos);
      return finite(numberOperand(a, op, pos) + numberOperand(b, op, pos), pos);
    case '-':
      return finite(numberOperand(a, op, pos) - numberOperand(b, op, pos), pos);
    case '*':
      return finite(numberOperand(a, op, pos) * numberOperand(b, op, pos), pos);
    case '/':
    case '%': {
      const x = numberOperand(a, op, pos);
      const y = numberOperand(b, op, pos);
      if (y === 0) throw new ExpressionError('EXPR_DIVISION_BY_ZERO', pos, `"${op}" by zero`, 'evaluate');
      return finite(op === '/' ? x / y : x % y, pos);
    }
    default:
      throw new ExpressionError('EXPR_SYNTAX', pos, `unknown operator "${op}"`, 'evaluate');
  }
}
