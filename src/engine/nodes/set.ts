/**
 * `set` handler: computes every assignment in order on a working copy of the
 * variables (later ones see earlier ones), then commits them all at once.
 * A failing expression changes nothing and takes the error exit.
 */
import type { JsonValue, NodeHandler } from '../context.ts';
import type { SetNode } from '../../flows/nodes/set.ts';
import { ExpressionError, callScope, evaluateInCall } from '../../lang/expr/index.ts';
import { expandTemplate } from '../../lang/template.ts';

/** Defines an own property, so a name like "__proto__" is a plain key, never a prototype change. */
function put(target: Record<string, JsonValue>, name: string, value: JsonValue): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

export const runSet: NodeHandler<SetNode> = async (node, ctx) => {
  const vars: Record<string, JsonValue> = { ...ctx.state.vars };
  const changed: string[] = [];
  for (const [name, a] of Object.entries(node.assign)) {
    let value: JsonValue;
    if (typeof a === 'string') {
      // Templates see the working copy too.
      value = a.includes('{{') ? expandTemplate(a, callScope({ vars, language: ctx.state.language, call: ctx.call.info })) : a;
    } else if (a === null || typeof a !== 'object') {
      value = a;
    } else {
      try {
        value = evaluateInCall(a.expr, ctx, vars);
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        ctx.log.warn({ code: err.code, variable: name, position: err.position }, 'set: expression failed');
        return { error: err };
      }
    }
    put(vars, name, value);
    changed.push(name);
  }
  for (const name of changed) put(ctx.state.vars, name, vars[name] as JsonValue);
  return { exit: 'next' };
};
