/**
 * Every Redis key of the ACD, built in this one module.
 *
 * All keys start with one configurable prefix that contains a Redis Cluster
 * hash tag, e.g. `ivr:{main}:`. Because only the text inside `{…}` picks the
 * slot, every key of the ACD lands in the same slot, so each Lua script can
 * touch any of them (one slot per site/tenant; run several prefixes to spread
 * tenants across a cluster).
 *
 * The Lua scripts build the same keys from the same templates: `luaKeyFunctions()`
 * generates `K_<name>(...)` Lua functions from the table below, and the script
 * loader prepends them to every script. So the layout is written once.
 *
 * Layout (after the prefix):
 * | key | type | content |
 * |---|---|---|
 * | `anchor` | string | unused value; KEYS[1] of every script (routes it to the slot) |
 * | `queues` | set | queue ids |
 * | `q:<queue>` | string | queue config JSON |
 * | `q:<queue>:members` | hash | agent id → "tier,position" |
 * | `q:<queue>:idle` | hash | member agents currently `available` → "tier,position,availableSince,skipUntil,day,answered,talkMs,skillsJSON" (lib.lua idle_value) |
 * | `q:<queue>:in` | set | member agents logged in (any state but `offline`) |
 * | `q:<queue>:wait` | zset | waiting entry ids, score = (100 − priority)·1e13 + arrival ms |
 * | `q:<queue>:rr` | string | round-robin: position of the last agent offered a call |
 * | `q:<queue>:prof` | hash | skill profile ("en=5,pl=3", "-" for none) → waiting entries with it |
 * | `q:<queue>:wp:<profile>` | zset | waiting entries of one skill profile (same scores as `wait`) |
 * | `agents` | set | agent ids |
 * | `a:<agent>` | hash | state, reason, since, availSince, entry, inst, missed, cfg, skills, wrapUntil, acwQueue, acwDay, lastQueue |
 * | `a:<agent>:queues` | set | queues the agent is a member of |
 * | `e:<entry>` | hash | one waiting caller or call-back: queue, kind, inst, prio, arrived, score, skills, data, state, agents, agent, offeredAt, connectedAt |
 * | `seq` | string | entry id counter |
 * | `inst` | zset | instance id → lease expiry (ms, instance clock) |
 * | `inst:<instance>:entries` | set | entries owned by the instance |
 * | `inst:<instance>:inbox` | list | assignments for the instance (JSON), read with BLPOP |
 * | `wrapups` | zset | agent id → wrap-up end (ms) |
 * | `ctr:q:<queue>:d:<yyyy-mm-dd>` | string | queue counters for a day (queue time zone), BITFIELD i64 array (counters.ts) |
 * | `ctr:q:<queue>:m:<minute>` | string | queue counters for one minute (epoch minute), as above |
 * | `ctr:a:<agent>:d:<yyyy-mm-dd>` | string | agent counters for a day (ACD time zone), as above |
 * | `ctr:a:<agent>:m:<minute>` | string | agent counters for one minute, as above |
 */

/** A key template: literal parts and argument indexes. */
type Part = string | number;

const layout = {
  anchor: ['anchor'],
  queues: ['queues'],
  queue: ['q:', 0],
  members: ['q:', 0, ':members'],
  avail: ['q:', 0, ':idle'],
  loggedIn: ['q:', 0, ':in'],
  waiting: ['q:', 0, ':wait'],
  rr: ['q:', 0, ':rr'],
  profiles: ['q:', 0, ':prof'],
  profileWaiting: ['q:', 0, ':wp:', 1],
  agents: ['agents'],
  agent: ['a:', 0],
  agentQueues: ['a:', 0, ':queues'],
  entry: ['e:', 0],
  seq: ['seq'],
  instances: ['inst'],
  instanceEntries: ['inst:', 0, ':entries'],
  inbox: ['inst:', 0, ':inbox'],
  wrapups: ['wrapups'],
  queueDay: ['ctr:q:', 0, ':d:', 1],
  queueMinute: ['ctr:q:', 0, ':m:', 1],
  agentDay: ['ctr:a:', 0, ':d:', 1],
  agentMinute: ['ctr:a:', 0, ':m:', 1],
} as const satisfies Record<string, readonly Part[]>;

type Layout = typeof layout;
type ArgCount<T extends readonly Part[]> = T extends readonly [infer H, ...infer R extends readonly Part[]]
  ? H extends number
    ? [string, ...ArgCount<R>] extends infer A extends string[]
      ? A
      : never
    : ArgCount<R>
  : [];

export type KeyBuilders = { [K in keyof Layout]: (...args: ArgCount<Layout[K]>) => string };

export class InvalidKeyPrefixError extends Error {
  readonly code = 'INVALID_KEY_PREFIX';
  constructor(prefix: string) {
    super(`ACD key prefix "${prefix}" must contain a Redis Cluster hash tag like "{main}", e.g. "ivr:{main}:"`);
    this.name = 'InvalidKeyPrefixError';
  }
}

/** True when the prefix has a non-empty `{tag}` (the first one decides the slot). */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  if (open < 0) return false;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1;
}

function build(prefix: string, parts: readonly Part[], args: readonly string[]): string {
  let out = prefix;
  for (const p of parts) out += typeof p === 'number' ? (args[p] ?? '') : p;
  return out;
}

/** Key builders for one prefix. */
export function acdKeys(prefix: string): KeyBuilders & { prefix: string } {
  if (!hasHashTag(prefix)) throw new InvalidKeyPrefixError(prefix);
  const out: Record<string, unknown> = { prefix };
  for (const [name, parts] of Object.entries(layout)) {
    out[name] = (...args: string[]) => build(prefix, parts, args);
  }
  return out as KeyBuilders & { prefix: string };
}

/**
 * Lua source defining `K_<name>(args...)` for every key; the prefix is the Lua global `P`.
 * Arguments are concatenated as they are (strings or numbers): no `tostring()`,
 * a C call with a metatable lookup per argument that cost ≈ 3 % of an
 * operation's Redis time; a nil or boolean argument is a bug and raises.
 */
export function luaKeyFunctions(): string {
  const lines: string[] = [];
  for (const [name, parts] of Object.entries(layout)) {
    const argc = parts.reduce<number>((m, p) => (typeof p === 'number' ? Math.max(m, p + 1) : m), 0);
    const params = Array.from({ length: argc }, (_, i) => `a${i}`);
    const expr = ['P', ...parts.map((p) => (typeof p === 'number' ? `a${p}` : JSON.stringify(p)))].join(' .. ');
    lines.push(`local function K_${name}(${params.join(', ')}) return ${expr} end`);
  }
  return lines.join('\n');
}
