/**
 * Loads the ACD's Lua scripts (src/acd/scripts/*.lua) once per Redis client
 * with ioredis `defineCommand` and calls them by name (EVALSHA, with ioredis
 * falling back to EVAL on NOSCRIPT). Each script is the generated key
 * functions (keys.ts) + lib.lua + the script's own file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';

/** A standalone/Sentinel client or a Cluster client: the ACD's keys share one slot, so both work. */
export type RedisClient = Redis | Cluster;
import { luaKeyFunctions } from './keys.ts';

export const SCRIPT_NAMES = [
  'enqueue',
  'agent-state',
  'connect',
  'release',
  'complete',
  'leave',
  'config-queue',
  'config-agent',
  'reap',
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

const dir = join(dirname(fileURLToPath(import.meta.url)), 'scripts');
let sources: Map<ScriptName, string> | undefined;

function scriptSources(): Map<ScriptName, string> {
  if (!sources) {
    const lib = readFileSync(join(dir, 'lib.lua'), 'utf8');
    const keyFns = luaKeyFunctions();
    sources = new Map(
      SCRIPT_NAMES.map((n) => [n, `local P = ARGV[1]\n${keyFns}\n${lib}\n${readFileSync(join(dir, `${n}.lua`), 'utf8')}`] as const),
    );
  }
  return sources;
}

const commandName = (n: ScriptName): string => `acd_${n.replace(/-/g, '_')}`;
const defined = new WeakSet<RedisClient>();

export type ScriptReply = Array<string | number | null>;

/** Runs script `name` with KEYS[1] = anchor and the given ARGV. */
export type ScriptRunner = (name: ScriptName, anchor: string, argv: Array<string | number>) => Promise<ScriptReply>;

export function scriptRunner(redis: RedisClient): ScriptRunner {
  if (!defined.has(redis)) {
    for (const [name, lua] of scriptSources()) redis.defineCommand(commandName(name), { numberOfKeys: 1, lua });
    defined.add(redis);
  }
  return async (name, anchor, argv) => {
    const fn: unknown = Reflect.get(redis, commandName(name));
    if (typeof fn !== 'function') throw new Error(`ACD script ${name} is not defined on this Redis client`);
    const reply: unknown = await fn.call(redis, anchor, ...argv);
    if (!Array.isArray(reply)) throw new Error(`ACD script ${name} returned ${typeof reply}, expected an array`);
    return reply as ScriptReply;
  };
}
