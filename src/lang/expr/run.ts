/** Evaluating flow expressions during a call, in the call's scope. */
import type { JsonValue } from './json.ts';
import { compileExpression } from './compile.ts';
import { callScope } from './scope.ts';

/** The parts of a node context an expression reads (NodeContext satisfies it). */
export interface ExpressionCallContext {
  readonly call: { readonly info: { id: string; from: string; to: string; headers: Readonly<Record<string, string>> } };
  readonly state: { readonly vars: Readonly<Record<string, JsonValue>>; readonly language: string };
}

/** Evaluates `src` against vars, caller, call and headers. `vars` overrides the call's variables (set's working copy). */
export function evaluateInCall(src: string, ctx: ExpressionCallContext, vars?: Readonly<Record<string, JsonValue>>): JsonValue {
  const scope = callScope({ vars: vars ?? ctx.state.vars, language: ctx.state.language, call: ctx.call.info });
  return compileExpression(src).evaluate(scope);
}
