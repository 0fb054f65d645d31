/**
 * `condition`: branches on expressions over variables and call data. The
 * conditions are tried in order; the first that is true is taken (exit
 * "when:<index>"), else "else". An expression that fails (a type error)
 * takes the error exit.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit, Obj } from '../common.ts';
import { defineNode, type CheckContext, type ExitRef } from '../node-definition.ts';
import { describeProblem, expressionProblems } from '../../lang/expr/index.ts';


/** An exit with its own description (for editor autocompletion). */
const exitTo = (description: string) => Type.String({ pattern: Exit.pattern, description });
export const ConditionNode = NodeSchema(
  'condition',
  {
    conditions: Type.Array(
      Obj({
        when: Type.String({
          minLength: 1,
          maxLength: 2000,
          description: 'Expression, e.g. "vars.balance < 0", "headers.x-vip == \'yes\' and call.language == \'pl\'", "matches(caller.number, \'^\\\\+48\')"',
        }),
        next: Exit,
      }),
      { minItems: 1, maxItems: 50, description: 'Tried in order; the first true one is taken' },
    ),
    else: exitTo('Taken when no condition is true'),
    error: Type.Optional(exitTo('Taken when an expression fails to evaluate (e.g. comparing text with a list)')),
  },
  'Branches on expressions: the first true condition\'s "next", else "else".',
);
export type ConditionNode = Static<typeof ConditionNode>;

/** Exit name of the i-th condition. */
export const whenExit = (i: number) => `when:${i}`;

function exits(node: ConditionNode): ExitRef[] {
  const out: ExitRef[] = node.conditions.map((c, i) => ({ name: whenExit(i), target: c.next, pointer: `/conditions/${i}/next` }));
  out.push({ name: 'else', target: node.else, pointer: '/else' });
  if (node.error !== undefined) out.push({ name: 'error', target: node.error, pointer: '/error' });
  return out;
}

function checkCondition(node: ConditionNode, ctx: CheckContext): void {
  node.conditions.forEach((c, i) => {
    for (const p of expressionProblems(c.when)) ctx.report(`/conditions/${i}/when`, describeProblem(c.when, p));
  });
}

export const conditionDefinition = defineNode({
  type: 'condition',
  schema: ConditionNode,
  exits,
  waitsForCaller: () => false,
  check: checkCondition,
});
