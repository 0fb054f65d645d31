/**
 * Every Redis key of the call-backs, built in this one module.
 *
 * Keys start with the same kind of prefix as the ACD's (with a Redis Cluster
 * hash tag, e.g. `ivr:{main}:`), then `cb:`. Every key of one prefix lands in
 * one slot, so each Lua script may touch any of them. The Lua scripts build the
 * same keys from the same table: `luaKeyFunctions()` generates `K_<name>(…)`,
 * prepended to every script by the loader (store.ts).
 *
 * Layout (after the prefix):
 * | key | type | content |
 * |---|---|---|
 * | `cb:due` | zset | pending call-back id → when it is due (ms); KEYS[1] of every script |
 * | `cb:leases` | zset | call-back id → lease expiry (ms) while an instance queues or dials it |
 * | `cb:inst:<instance>` | set | call-backs leased by an instance |
 * | `cb:entries` | hash | ACD entry id → call-back id (the entry currently standing for it in its queue) |
 * | `cb:active` | hash | `<queue>|<number>` → id of the unfinished call-back (merging) |
 * | `cb:all` | zset | every call-back id → requested at (ms), for listing |
 * | `cb:q:<queue>` | zset | the queue's call-back ids → requested at |
 * | `cb:stats` | hash | `<queue>:<pending|completed|failed|cancelled>` → count |
 * | `cb:stats:d:<yyyy-mm-dd>` | hash | `<queue>:<requested|completed|failed|cancelled>` → count that day (CALLBACK_TIME_ZONE), kept 8 days |
 * | `cb:seq` | string | id counter |
 * | `cb:e:<id>` | hash | one call-back (see model.ts `CallbackRecord`) |
 * | `cb:e:<id>:log` | list | JSON events: created, merged, queued, attempt, outcome, lease-expired, … |
 * | `cb:wake` | pub/sub channel | "<due ms>" published when something became due earlier |
 */
import { hasHashTag } from '../acd/keys.ts';

type Part = string | number;

const layout = {
  due: ['cb:due'],
  leases: ['cb:leases'],
  instance: ['cb:inst:', 0],
  entries: ['cb:entries'],
  active: ['cb:active'],
  all: ['cb:all'],
  queue: ['cb:q:', 0],
  stats: ['cb:stats'],
  statsDay: ['cb:stats:d:', 0],
  seq: ['cb:seq'],
  record: ['cb:e:', 0],
  log: ['cb:e:', 0, ':log'],
  wake: ['cb:wake'],
} as const satisfies Record<string, readonly Part[]>;

type Layout = typeof layout;
type ArgCount<T extends readonly Part[]> = T extends readonly [infer H, ...infer R extends readonly Part[]]
  ? H extends number
    ? [string, ...ArgCount<R>]
    : ArgCount<R>
  : [];

export type CallbackKeys = { [K in keyof Layout]: (...args: ArgCount<Layout[K]>) => string } & { prefix: string };

export class InvalidCallbackPrefixError extends Error {
  readonly code = 'INVALID_KEY_PREFIX';
  constructor(prefix: string) {
    super(`call-back key prefix "${prefix}" must contain a Redis Cluster hash tag like "{main}", e.g. "ivr:{main}:"`);
    this.name = 'InvalidCallbackPrefixError';
  }
}

export function callbackKeys(prefix: string): CallbackKeys {
  if (!hasHashTag(prefix)) throw new InvalidCallbackPrefixError(prefix);
  const out: Record<string, unknown> = { prefix };
  for (const [name, parts] of Object.entries(layout)) {
    out[name] = (...args: string[]) => prefix + parts.map((p) => (typeof p === 'number' ? (args[p] ?? '') : p)).join('');
  }
  return out as CallbackKeys;
}

/** Lua source defining `K_<name>(args...)` for every key; the prefix is the Lua global `P`. */
export function luaKeyFunctions(): string {
  return Object.entries(layout)
    .map(([name, parts]) => {
      const argc = parts.reduce<number>((m, p) => (typeof p === 'number' ? Math.max(m, p + 1) : m), 0);
      const params = Array.from({ length: argc }, (_, i) => `a${i}`);
      const expr = ['P', ...parts.map((p) => (typeof p === 'number' ? `tostring(a${p})` : JSON.stringify(p)))].join(' .. ');
      return `local function K_${name}(${params.join(', ')}) return ${expr} end`;
    })
    .join('\n');
}
