/**
 * Loads the ACD's Lua operations (src/acd/scripts/*.lua) once and calls them by
 * name, each one Redis round trip.
 *
 * All operations are assembled into ONE Lua library: the generated key
 * functions (keys.ts), the counter index (counters.ts), lib.lua, and each
 * operation's file as the body of a function run as begin(ARGV) → body →
 * flush() (see lib.lua).
 *
 * `functions: false` (and the fallback below): each operation is a script of its own, defined with ioredis
 * `defineCommand` and called by name (EVALSHA, EVAL on NOSCRIPT). A script
 * carries only the parts of the library its body (transitively) uses: a script
 * runs its top level on every call, so each helper it defines is a closure
 * created per call (`pruneLibrary`, a scan of the top-level `local`
 * definitions against the identifiers used).
 *
 * `functions: true` (Redis ≥ 7; AcdService's default): the library is loaded with `FUNCTION LOAD` (on every primary of a
 * Cluster) and each operation is called with `FCALL acd_<op>_<version>`. A
 * library is loaded once, so a call runs only its own code, not the ~80
 * helper definitions an EVAL script re-creates on every call (that set-up cost
 * ≈ 20 µs per call, more than most operations' own work). The version (a hash
 * of the library) is in the names, so instances running different versions
 * never call each other's code. When Redis answers that the function is not
 * there (a restart without persistence, a fresh replica promoted, a new
 * version), the library is (re)loaded and the call repeated once.
 *
 * A Redis without the FUNCTION command, or whose ACL user may not run
 * FUNCTION LOAD, falls back to the scripts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { isCluster, type RedisClient } from '../util/redis-client.ts';
import { luaKeyFunctions } from './keys.ts';
import { luaCounterIndex } from './counters.ts';

/** A standalone/Sentinel client or a Cluster client: the ACD's keys share one slot, so both work. */
export type { RedisClient };

export const SCRIPT_NAMES = [
  'enqueue',
  'agent-state',
  'connect',
  'release',
  'complete',
  'requeue',
  'leave',
  'config-queue',
  'config-agent',
  'reap',
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

const dir = join(dirname(fileURLToPath(import.meta.url)), 'scripts');

interface Sources {
  /** Redis function library (FUNCTION LOAD). */
  library: string;
  version: string;
  /** Stand-alone scripts for Redis without functions. */
  scripts: Map<ScriptName, string>;
}
let sources: Sources | undefined;

const luaName = (n: ScriptName): string => n.replace(/-/g, '_');

function assemble(): Sources {
  if (sources) return sources;
  const common = [
    'local P, NOW, NOWS, ADAY, SEED, MINUTE -- per call, set by begin() (lib.lua)',
    luaKeyFunctions(),
    luaCounterIndex(),
    readFileSync(join(dir, 'lib.lua'), 'utf8'),
  ].join('\n');
  const body = (n: ScriptName): string => `local function op_${luaName(n)}(KEYS, ARGV)\n${readFileSync(join(dir, `${n}.lua`), 'utf8')}\nend`;
  const run = 'local function run(op, keys, argv)\n  begin(argv)\n  local reply = op(keys, argv)\n  flush()\n  return reply\nend';
  const ops = SCRIPT_NAMES.map(body).join('\n');
  const version = createHash('sha1').update(common).update(ops).digest('hex').slice(0, 12);
  const register = SCRIPT_NAMES.map(
    (n) => `redis.register_function('${functionName(n, version)}', function(keys, args) return run(op_${luaName(n)}, keys, args) end)`,
  ).join('\n');
  const library = `#!lua name=acd_${version}\n${common}\n${ops}\n${run}\n${register}\n`;
  const scripts = new Map(
    SCRIPT_NAMES.map((n) => {
      const own = `${body(n)}\n${run}\nreturn run(op_${luaName(n)}, KEYS, ARGV)\n`;
      return [n, `${pruneLibrary(common, own)}\n${own}`] as const;
    }),
  );
  sources = { library, version, scripts };
  return sources;
}

/**
 * Identifiers used by Lua source `src`, comments and string literals left out
 * (a name in a comment or string is not a use). Keywords are included: harmless,
 * no definition is named like one.
 */
export function luaIdentifiers(src: string): Set<string> {
  const out = new Set<string>();
  let i = 0;
  const longClose = (at: number): number => {
    // `[[`, `[=[` …: returns the index after the matching close, or the end.
    const m = /^\[(=*)\[/.exec(src.slice(at));
    if (!m) return -1;
    const close = src.indexOf(`]${m[1]}]`, at + m[0].length);
    return close < 0 ? src.length : close + m[0].length;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '-' && src[i + 1] === '-') {
      const end = longClose(i + 2);
      if (end >= 0) i = end;
      else {
        const nl = src.indexOf('\n', i);
        i = nl < 0 ? src.length : nl;
      }
    } else if (c === "'" || c === '"') {
      i++;
      while (i < src.length && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '[' && (src[i + 1] === '[' || src[i + 1] === '=')) {
      const end = longClose(i);
      i = end >= 0 ? end : i + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200))!;
      out.add(m[0]);
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      i += /^[0-9A-Za-z_.]+/.exec(src.slice(i, i + 100))![0].length; // numbers (and 0x…, 1e5) are not names
    } else i++;
  }
  return out;
}

/**
 * The parts of `library` that `code` uses, directly or through other parts, in
 * their original order. A part starts at each top-level `local` line (column 0:
 * `local function name(`, `local a, b = …`, `local a`) and runs to the next one;
 * text before the first part is kept only if it holds code (not just comments).
 */
export function pruneLibrary(library: string, code: string): string {
  interface Part {
    text: string;
    names: string[];
    uses: Set<string>;
    keep: boolean;
  }
  const parts: Part[] = [];
  for (const line of library.split('\n')) {
    const fn = /^local\s+function\s+([A-Za-z_]\w*)/.exec(line);
    const vars = fn ? null : /^local\s+([A-Za-z_][\w\s,]*?)\s*(?:=|--|$)/.exec(line);
    if (fn || vars || parts.length === 0) {
      const names = fn ? [fn[1]!] : vars ? vars[1]!.split(',').map((n) => n.trim()) : [];
      parts.push({ text: line, names, uses: new Set(), keep: false });
    } else {
      parts.at(-1)!.text += `\n${line}`;
    }
  }
  const needed = luaIdentifiers(code);
  for (const p of parts) {
    p.uses = luaIdentifiers(p.text);
    if (p.names.length === 0 && p.uses.size > 0) p.keep = true; // top-level code that defines nothing: always run it
    if (p.keep) for (const u of p.uses) needed.add(u);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of parts) {
      if (!p.keep && p.names.some((n) => needed.has(n))) {
        p.keep = true;
        changed = true;
        for (const u of p.uses) needed.add(u);
      }
    }
  }
  return parts
    .filter((p) => p.keep)
    .map((p) => p.text)
    .join('\n');
}

function functionName(n: ScriptName, version: string): string {
  return `acd_${luaName(n)}_${version}`;
}

/** The Redis function name of an operation (diagnostics: it names the FCALL in SLOWLOG and MONITOR). */
export function scriptFunctionName(name: ScriptName): string {
  return functionName(name, assemble().version);
}

/** The name of the Redis function library (FUNCTION LIST / DELETE). */
export function functionLibraryName(): string {
  return `acd_${assemble().version}`;
}

/** The stand-alone script of an operation, as used on Redis without functions (its SHA1 names its EVALSHA). */
export function scriptSource(name: ScriptName): string {
  const src = assemble().scripts.get(name);
  if (src === undefined) throw new Error(`unknown ACD script ${name}`);
  return src;
}

export type ScriptReply = Array<string | number | null>;

/** Runs script `name` with KEYS[1] = anchor and the given ARGV. */
export type ScriptRunner = (name: ScriptName, anchor: string, argv: Array<string | number>) => Promise<ScriptReply>;

/** What a client runs the operations with, decided on first use. */
type Mode = { kind: 'functions' } | { kind: 'scripts' };
const modes = new WeakMap<RedisClient, Promise<Mode>>();

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
// Redis replies carry no code beyond their first word; these prefixes are Redis' own and stable.
const isFunctionMissing = (err: unknown): boolean => /^ERR Function not found/i.test(errorText(err));
const isUnknownCommand = (err: unknown): boolean => /^ERR unknown command/i.test(errorText(err));
// An ACL user without FUNCTION LOAD (e.g. a managed Redis with FUNCTION disabled) runs the scripts instead.
const isNoPermission = (err: unknown): boolean => /^NOPERM/i.test(errorText(err));

/** FUNCTION LOAD REPLACE on the client (every primary of a Cluster). */
async function loadLibrary(redis: RedisClient): Promise<void> {
  const { library } = assemble();
  let targets: Array<Redis | Cluster> = [redis];
  if (isCluster(redis)) {
    if (redis.nodes('master').length === 0) await redis.ping(); // connects and learns the slots
    targets = redis.nodes('master');
  }
  if (targets.length === 0) throw new Error('ACD: no Redis Cluster primary to load the function library on');
  await Promise.all(targets.map((t) => t.call('FUNCTION', 'LOAD', 'REPLACE', library)));
}

function defineScripts(redis: RedisClient): void {
  for (const [name, lua] of assemble().scripts) redis.defineCommand(`acd_${luaName(name)}`, { numberOfKeys: 1, lua });
}

/** Loads the library, or falls back to scripts when this Redis has no functions. */
async function decideMode(redis: RedisClient): Promise<Mode> {
  try {
    await loadLibrary(redis);
    return { kind: 'functions' };
  } catch (err) {
    if (!isUnknownCommand(err) && !isNoPermission(err)) throw err;
    defineScripts(redis);
    return { kind: 'scripts' };
  }
}

function modeOf(redis: RedisClient, functions: boolean): Promise<Mode> {
  let m = modes.get(redis);
  if (!m) {
    if (functions) {
      m = decideMode(redis);
    } else {
      defineScripts(redis);
      m = Promise.resolve({ kind: 'scripts' });
    }
    // A failed first load (e.g. Redis down) is retried by the next call.
    m.catch(() => modes.delete(redis));
    modes.set(redis, m);
  }
  return m;
}

export interface ScriptRunnerOptions {
  /** Run the operations as a Redis function library (FCALL) instead of scripts (EVALSHA); Redis ≥ 7. Decided per client on first use. */
  functions?: boolean;
}

export function scriptRunner(redis: RedisClient, options: ScriptRunnerOptions = {}): ScriptRunner {
  const check = (name: ScriptName, reply: unknown): ScriptReply => {
    if (!Array.isArray(reply)) throw new Error(`ACD script ${name} returned ${typeof reply}, expected an array`);
    return reply as ScriptReply;
  };
  return async (name, anchor, argv) => {
    const mode = await modeOf(redis, options.functions ?? false);
    if (mode.kind === 'scripts') {
      const fn: unknown = Reflect.get(redis, `acd_${luaName(name)}`);
      if (typeof fn !== 'function') throw new Error(`ACD script ${name} is not defined on this Redis client`);
      return check(name, await fn.call(redis, anchor, ...argv));
    }
    const fname = scriptFunctionName(name);
    try {
      return check(name, await redis.call('FCALL', fname, 1, anchor, ...argv));
    } catch (err) {
      if (!isFunctionMissing(err)) throw err;
      await loadLibrary(redis);
      return check(name, await redis.call('FCALL', fname, 1, anchor, ...argv));
    }
  };
}
