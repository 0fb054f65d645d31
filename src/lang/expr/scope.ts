/**
 * The names an expression can read during a call, the same as templates:
 *   vars.<name>, caller.number, call.id, call.dialed, call.language, headers.<lower-case-name>
 */
import type { JsonValue } from './json.ts';

export const SCOPE_ROOTS: readonly string[] = ['vars', 'caller', 'call', 'headers'];
export const CALLER_KEYS: readonly string[] = ['number'];
export const CALL_KEYS: readonly string[] = ['id', 'dialed', 'language'];

export interface ScopeSource {
  vars: Readonly<Record<string, JsonValue>>;
  language: string;
  call: { id: string; from: string; to: string; headers: Readonly<Record<string, string>> };
}

export function callScope(src: ScopeSource): Record<string, JsonValue> {
  return {
    vars: src.vars as Record<string, JsonValue>,
    caller: { number: src.call.from },
    call: { id: src.call.id, dialed: src.call.to, language: src.language },
    headers: { ...src.call.headers },
  };
}
