/** `condition` handler: the first condition whose expression is true decides the exit, else `else`. */
import type { NodeHandler } from '../context.ts';
import { whenExit, type ConditionNode } from '../../flows/nodes/condition.ts';
import { ExpressionError, evaluateInCall, truthy } from '../../lang/expr/index.ts';

export const runCondition: NodeHandler<ConditionNode> = async (node, ctx) => {
  for (const [i, c] of node.conditions.entries()) {
    let value;
    try {
      value = evaluateInCall(c.when, ctx);
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      ctx.log.warn({ code: err.code, condition: i, position: err.position }, 'condition: expression failed');
      return { error: err };
    }
    if (truthy(value)) return { exit: whenExit(i) };
  }
  return { exit: 'else' };
};
