/**
 * The flow expression language: a small, safe language for conditions and
 * computed values. Parsed by hand (never eval, never Function), cached per
 * source string, with capped length, nesting depth, regex size and text size.
 */
export type { Expression, BinaryOperator } from './ast.ts';
export type { JsonValue } from './json.ts';
export { ExpressionError, type ExpressionErrorCode } from './errors.ts';
export { parseExpression, MAX_EXPRESSION_LENGTH, MAX_EXPRESSION_DEPTH } from './parser.ts';
export { evaluate, type Scope } from './evaluate.ts';
export { compileExpression, expressionRoots, type CompiledExpression } from './compile.ts';
export { truthy } from './values.ts';
export { expressionProblems, describeProblem, type ExpressionProblem } from './check.ts';
export { callScope, SCOPE_ROOTS, type ScopeSource } from './scope.ts';
export { FUNCTIONS } from './functions.ts';
export { evaluateInCall, type ExpressionCallContext } from './run.ts';
