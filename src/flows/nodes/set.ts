/**
 * `set`: assigns call variables, in order (a later assignment sees the earlier
 * ones), all or nothing: when one fails, no variable changes and the node
 * takes its error exit.
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit, Obj } from '../common.ts';
import { defineNode, standardExits, type CheckContext } from '../node-definition.ts';
import { describeProblem, expressionProblems } from '../../lang/expr/index.ts';
import { templateProblems } from '../../lang/template.ts';


/** An exit with its own description (for editor autocompletion). */
const exitTo = (description: string) => Type.String({ pattern: Exit.pattern, description });
export const VariableName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Variable name, read back as vars.<name>' });

export const Assignment = Type.Union(
  [
    Type.String({ description: 'Text; {{ }} templates are expanded ("{{caller.number}}")' }),
    Type.Number(),
    Type.Boolean(),
    Type.Null(),
    Obj({ expr: Type.String({ minLength: 1, maxLength: 2000, description: 'Expression, e.g. "vars.attempts + 1", "upper(vars.code)"' }) }, { description: 'Computed value' }),
  ],
  { description: 'A literal value (text with {{ }} templates, number, true/false, null) or {"expr": "..."}' },
);
export type Assignment = Static<typeof Assignment>;

export const SetNode = NodeSchema(
  'set',
  {
    assign: Type.Record(VariableName, Assignment, {
      minProperties: 1,
      additionalProperties: false,
      description: 'Variables to set, in order: {"attempts": {"expr": "vars.attempts + 1"}, "tier": "gold", "greeting": "Hi {{caller.number}}"}',
    }),
    next: Exit,
    error: Type.Optional(exitTo('Taken when an expression fails (e.g. text where a number is needed); no variable is changed')),
  },
  'Sets call variables from literal values, templates or expressions, then takes "next".',
);
export type SetNode = Static<typeof SetNode>;

function checkSet(node: SetNode, ctx: CheckContext): void {
  for (const [name, a] of Object.entries(node.assign)) {
    if (typeof a === 'string') {
      for (const p of templateProblems(a)) ctx.report(`/assign/${name}`, p);
    } else if (a !== null && typeof a === 'object') {
      for (const p of expressionProblems(a.expr)) ctx.report(`/assign/${name}/expr`, describeProblem(a.expr, p));
    }
  }
}

export const setDefinition = defineNode({
  type: 'set',
  schema: SetNode,
  exits: (n) => standardExits(n, ['next', 'error']),
  waitsForCaller: () => false,
  check: checkSet,
});
