/**
 * Static check of an expression for flow validation: syntax (with position),
 * functions and their arity, literal regular expressions, and names outside
 * the call scope (vars, caller, call, headers).
 */
import { compileExpression, expressionRoots } from './compile.ts';
import { ExpressionError } from './errors.ts';
import { CALL_KEYS, CALLER_KEYS, SCOPE_ROOTS } from './scope.ts';

export interface ExpressionProblem {
  position: number;
  message: string;
}

/** Problems of an expression: empty when it is fine. */
export function expressionProblems(src: string): ExpressionProblem[] {
  let ast;
  try {
    ast = compileExpression(src).ast;
  } catch (err) {
    if (err instanceof ExpressionError) return [{ position: err.position, message: err.message }];
    throw err;
  }
  const problems: ExpressionProblem[] = [];
  for (const { root, keys, position } of expressionRoots(ast)) {
    if (!SCOPE_ROOTS.includes(root)) {
      problems.push({ position, message: `unknown name "${root}" (use ${SCOPE_ROOTS.map((r) => `${r}.…`).join(', ')}; e.g. vars.${root})` });
    } else if (root === 'caller' && keys[0] !== undefined && !CALLER_KEYS.includes(keys[0])) {
      problems.push({ position, message: `unknown name "caller.${keys[0]}" (known: caller.number)` });
    } else if (root === 'call' && keys[0] !== undefined && !CALL_KEYS.includes(keys[0])) {
      problems.push({ position, message: `unknown name "call.${keys[0]}" (known: ${CALL_KEYS.map((k) => `call.${k}`).join(', ')})` });
    }
  }
  return problems;
}

export function describeProblem(src: string, p: ExpressionProblem): string {
  return `expression error at character ${p.position + 1}: ${p.message} in ${JSON.stringify(src.length > 80 ? `${src.slice(0, 80)}…` : src)}`;
}
