/**
 * Parsed expressions cached per source string, so a node's expressions are
 * parsed once per process, not once per call. Parse errors are cached too.
 */
import type { JsonValue } from './json.ts';
import type { Expression } from './ast.ts';
import { ExpressionError } from './errors.ts';
import { evaluate, type Scope } from './evaluate.ts';
import { parseExpression } from './parser.ts';

export interface CompiledExpression {
  readonly source: string;
  readonly ast: Expression;
  evaluate(scope: Scope): JsonValue;
}

const MAX_CACHED = 2_000;
const cache = new Map<string, CompiledExpression | ExpressionError>();

export function compileExpression(src: string): CompiledExpression {
  let hit = cache.get(src);
  if (hit === undefined) {
    try {
      const ast = parseExpression(src);
      hit = { source: src, ast, evaluate: (scope) => evaluate(ast, scope) };
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      hit = err;
    }
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(src, hit);
  }
  if (hit instanceof ExpressionError) throw hit;
  return hit;
}

/** Root names an expression reads (vars, caller, call, headers...), with their positions, for static checks. */
export function expressionRoots(expr: Expression): Array<{ root: string; keys: string[]; position: number }> {
  const out: Array<{ root: string; keys: string[]; position: number }> = [];
  const walk = (e: Expression): void => {
    switch (e.kind) {
      case 'path':
        out.push({ root: e.root, keys: e.keys, position: e.pos });
        return;
      case 'member':
        walk(e.object);
        walk(e.key);
        return;
      case 'array':
        e.items.forEach(walk);
        return;
      case 'not':
      case 'negate':
        walk(e.operand);
        return;
      case 'binary':
      case 'logical':
        walk(e.left);
        walk(e.right);
        return;
      case 'call':
        e.args.forEach(walk);
        return;
      case 'literal':
        return;
    }
  };
  walk(expr);
  return out;
}
