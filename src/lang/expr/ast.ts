/** Syntax tree of an expression. Every node keeps `pos`, its offset in the source. */
import type { JsonValue } from './json.ts';

export type BinaryOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

export type Expression =
  | { kind: 'literal'; pos: number; value: JsonValue }
  /** A dotted path from a root name: vars.account, headers.x-vip, call.language. */
  | { kind: 'path'; pos: number; root: string; keys: string[] }
  /** obj[index] or obj.key after a non-path expression. */
  | { kind: 'member'; pos: number; object: Expression; key: Expression }
  | { kind: 'array'; pos: number; items: Expression[] }
  | { kind: 'not'; pos: number; operand: Expression }
  | { kind: 'negate'; pos: number; operand: Expression }
  | { kind: 'binary'; pos: number; op: BinaryOperator; left: Expression; right: Expression }
  | { kind: 'logical'; pos: number; op: 'and' | 'or'; left: Expression; right: Expression }
  | { kind: 'call'; pos: number; name: string; args: Expression[] };
