/**
 * Template strings: `{{ path }}` anywhere a caller-facing or outgoing text goes.
 * Paths read from a scope such as { vars, caller, call, headers }; arrays by
 * index ("items.0.id"). Unknown paths expand to "". No expressions here: the
 * `condition` and `set` nodes have the expression language for that.
 */
import type { JsonValue } from './expr/json.ts';

const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

export type TemplateScope = Record<string, JsonValue | undefined>;

/** Roots a template may read. */
export const TEMPLATE_ROOTS = ['vars', 'caller', 'call', 'headers'] as const;

export function hasTemplate(s: string): boolean {
  return s.includes('{{');
}

export function lookupPath(scope: TemplateScope, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = scope as unknown as JsonValue;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(part)] : (cur as Record<string, JsonValue>)[part];
  }
  return cur;
}

export function stringify(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function expandTemplate(s: string, scope: TemplateScope): string {
  if (!s.includes('{{')) return s;
  return s.replace(TEMPLATE, (_m, path: string) => stringify(lookupPath(scope, path)));
}

/** Problems in a template string (for validation): bad syntax or unknown roots. */
export function templateProblems(s: string): string[] {
  const out: string[] = [];
  if (!s.includes('{{') && !s.includes('}}')) return out;
  for (const m of s.matchAll(TEMPLATE)) {
    const path = m[1] ?? '';
    if (!PATH.test(path)) {
      out.push(`template "{{${path}}}" is not a path like vars.name or caller.number`);
      continue;
    }
    const root = path.split('.')[0] as string;
    if (!(TEMPLATE_ROOTS as readonly string[]).includes(root)) {
      out.push(`template "{{${path}}}" reads "${root}", which does not exist (use ${TEMPLATE_ROOTS.join(', ')})`);
    }
  }
  const stripped = s.replace(TEMPLATE, '');
  if (stripped.includes('{{') || stripped.includes('}}')) out.push('unbalanced "{{" or "}}" in template');
  return out;
}

/** Variable names read through {{vars.NAME...}}. */
export function templateVars(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(TEMPLATE)) {
    const parts = (m[1] ?? '').split('.');
    if (parts[0] === 'vars' && parts[1]) out.push(parts[1]);
  }
  return out;
}
