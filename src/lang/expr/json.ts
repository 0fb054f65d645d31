/**
 * JSON values, as in src/engine/context.ts (structurally the same type). Kept
 * here so the expression language depends on nothing else: the flow
 * validator (src/flows) uses it too, to check expressions at load time.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
