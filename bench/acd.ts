/**
 * ACD benchmark (not a test): `npm run bench:acd`.
 *
 * Against a real local Redis (a private redis-server on a free port, unless
 * REDIS_URL is set): 20 queues with skills, 1,000 agents, 10,000 waiting
 * calls, two AcdService instances on one Redis. Sustained closed loop: each
 * assignment delivered to its owning instance is answered (connect), ended
 * (complete: the agent becomes available and is given the next head caller
 * in the same script) and replaced by a new caller (enqueue), so 10,000 keep
 * waiting. Reports script throughput and latency, and dispatch latency (from
 * the decision in Redis — agent available or caller arriving — to the
 * assignment reaching the owning instance).
 * The limit (`limit_ops_per_s`, `ratio`): redis-benchmark SET for the same
 * number of round trips at the same concurrency, in the same run — the raw
 * round-trip rate of this Redis on this machine. Beside it, so that the ratio
 * can be read: plain SET round trips from this process through the same two
 * ioredis clients (`limit_node_ops_per_s`, `ratio_node`), and an "equivalent
 * pipeline": the same number of round trips, each ONE pipeline (no MULTI) of
 * the plain commands an ACD round trip runs inside Redis (the mix measured by
 * INFO commandstats during the loop, on real keys of the data set)
 * (`pipeline_limit_ops_per_s`, `pipeline_ratio` — bound by the Node client, not
 * by Redis) and the Redis time of one ACD operation against those same
 * commands sent plain (`redis_side_ratio`); and the same equivalent pipeline
 * from a client that costs nothing (pre-encoded RESP on raw sockets, replies
 * counted, not decoded: bench/raw-pipeline.ts), bound by Redis
 * (`raw_pipeline_limit_ops_per_s`, `raw_pipeline_ratio`).
 * ACD_BENCH_PROFILE=1 adds Redis time per operation (SLOWLOG, 2 s); ACD_BENCH_SCRIPTS=1 runs
 * EVALSHA scripts instead of the default Redis function library.
 * Last line: JSON {ops_per_s, limit_ops_per_s, ratio, limit_node_ops_per_s, ratio_node,
 * raw_pipeline_limit_ops_per_s, raw_pipeline_ratio, pipeline_limit_ops_per_s, pipeline_ratio, limit_commands_per_round_trip, redis_us_per_op,
 * limit_redis_us_per_round_trip, redis_side_ratio, p50_ms, p99_ms, dispatch_p99_ms}.
 */
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import type { Assignment } from '../src/acd/service.ts';
import { SCRIPT_NAMES, scriptFunctionName, scriptSource } from '../src/acd/scripts.ts';
import { acdKeys } from '../src/acd/keys.ts';
import { startRedisServer } from '../test/support/redis-server.ts';
import { encodeRoundTrip, rawRoundTrips, type EncodedRoundTrip } from './raw-pipeline.ts';
import { acdWorkload, AGENTS, CONCURRENCY, QUEUES } from './acd-workload.ts';

const WARMUP_MS = 3_000;
const MEASURE_MS = 15_000;
/** ACD_BENCH_PROFILE=1: also print Redis time per script (SLOWLOG of every command for 2 s; slows that window down). */
const PROFILE = process.env.ACD_BENCH_PROFILE === '1';
/** ACD_BENCH_SCRIPTS=1: run the operations as EVALSHA scripts (AcdService option redisFunctions: false) instead of the Redis function library (FCALL, the default). */
const FUNCTIONS = process.env.ACD_BENCH_SCRIPTS !== '1';

/** Redis-side time per script from SLOWLOG entries (id, time, µs, args…), EVALSHAs named by the SHA1 of their source. */
async function printSlowlogProfile(redis: Redis): Promise<void> {
  const names = new Map<string, string>();
  for (const n of SCRIPT_NAMES) {
    names.set(scriptFunctionName(n), n);
    names.set(createHash('sha1').update(scriptSource(n)).digest('hex'), n);
  }
  const entries = (await redis.slowlog('GET', -1)) as Array<[number, number, number, string[]]>;
  const by = new Map<string, number[]>();
  for (const [, , us, args] of entries) {
    const cmd = (args[0] ?? '').toLowerCase();
    const name = cmd === 'evalsha' || cmd === 'fcall' ? (names.get(args[1] ?? '') ?? `${cmd}?`) : cmd;
    const list = by.get(name) ?? [];
    list.push(us);
    by.set(name, list);
  }
  const total = (l: number[]): number => l.reduce((s, x) => s + x, 0);
  const rows = [...by].sort((a, b) => total(b[1]) - total(a[1])).slice(0, 14);
  console.log('redis time per command (SLOWLOG, 2 s window; µs: mean, p50, p90; a mean far above p50 = the process was descheduled):');
  for (const [name, l] of rows) {
    const sorted = [...l].sort((x, y) => x - y);
    console.log(`  ${name.padEnd(14)} ${String(l.length).padStart(7)} calls  ${(total(l) / l.length).toFixed(1).padStart(7)} ${String(pct(sorted, 50)).padStart(6)} ${String(pct(sorted, 90)).padStart(6)}`);
  }
}

interface CommandStats {
  /** Script calls (FCALL or EVALSHA) and their Redis time. */
  op: { name: 'FCALL' | 'EVALSHA'; calls: number; usec: number };
  /** Commands run inside the operations: name → calls. */
  inner: Map<string, number>;
}

/** Commands the bench's clients send themselves (not run inside an operation). */
const CLIENT_COMMANDS = new Set(['fcall', 'evalsha', 'eval', 'incr', 'incrby', 'blpop', 'lpop', 'config', 'info', 'slowlog', 'script', 'function', 'ping', 'client', 'hello', 'select']);

function parseCommandStats(info: string): CommandStats {
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const m of info.matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+),usec=(\d+)/gm)) stats.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  const fcall = stats.get('fcall');
  const op = fcall ? { name: 'FCALL' as const, ...fcall } : { name: 'EVALSHA' as const, ...(stats.get('evalsha') ?? { calls: 0, usec: 0 }) };
  const inner = new Map([...stats].filter(([n]) => !CLIENT_COMMANDS.has(n)).map(([n, v]) => [n, v.calls] as const));
  return { op, inner };
}

/** FCALL (or EVALSHA) µs per call and the commands run inside the operations, per script call. */
function summarizeCommandStats(cs: CommandStats): string {
  const calls = Math.max(1, cs.op.calls);
  const innerCalls = [...cs.inner.values()].reduce((s, n) => s + n, 0);
  const top = [...cs.inner].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, c]) => `${n} ${(c / calls).toFixed(1)}`);
  return `${cs.op.name} ${(cs.op.usec / calls).toFixed(1)} µs/call in Redis, ≈${(innerCalls / calls).toFixed(1)} inner commands/call (${top.join(', ')})`;
}

/**
 * The plain commands of one ACD round trip: the measured mix per script call,
 * rounded to whole commands (largest remainder) so that their total is the
 * rounded mean number of inner commands per call. Name → count, most first.
 */
function roundTripMix(cs: CommandStats): Array<[string, number]> {
  const calls = Math.max(1, cs.op.calls);
  const per = [...cs.inner].map(([n, c]) => ({ n, x: c / calls }));
  const total = Math.round(per.reduce((s, p) => s + p.x, 0));
  const out = per.map((p) => ({ n: p.n, k: Math.floor(p.x), r: p.x - Math.floor(p.x) }));
  let left = total - out.reduce((s, p) => s + p.k, 0);
  for (const p of [...out].sort((a, b) => b.r - a.r)) {
    if (left <= 0) break;
    p.k++;
    left--;
  }
  return out.filter((p) => p.k > 0).sort((a, b) => b.k - a.k || a.n.localeCompare(b.n)).map((p) => [p.n, p.k]);
}

type Command = Array<string | number>;

/** Real keys of the bench's data set, read after the loop, to aim the plain commands at. */
interface DataSet {
  keys: ReturnType<typeof acdKeys>;
  /** Per queue: waiting entry ids (some), skill profiles with callers waiting. */
  queues: Array<{ id: string; entries: string[]; profiles: string[] }>;
  /** Counter keys (ctr:…, BITFIELD strings). */
  counters: string[];
  day: string;
}

async function readDataSet(redis: Redis, prefix: string): Promise<DataSet> {
  const keys = acdKeys(prefix);
  const queues: DataSet['queues'] = [];
  for (let q = 0; q < QUEUES; q++) {
    const id = `q${q}`;
    const entries = await redis.zrange(keys.waiting(id), 0, 199);
    const profiles = await redis.hkeys(keys.profiles(id));
    queues.push({ id, entries: entries.length > 0 ? entries : ['none'], profiles: profiles.length > 0 ? profiles : ['-'] });
  }
  const counters: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}ctr:*`, 'COUNT', 1000);
    counters.push(...found);
    cursor = next;
  } while (cursor !== '0' && counters.length < 20_000);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' }).format(new Date());
  if (counters.length === 0) counters.push(keys.queueDay('q0', day));
  return { keys, queues, counters, day };
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

/** Commands that take something out again: after the ones that put it in, within a round trip. */
const REMOVING = new Set(['zrem', 'hdel', 'srem', 'del', 'ltrim']);

/**
 * One round trip's pipeline: for each command of the mix, the same kind of
 * command on the same kind of key as inside the ACD's scripts, aimed at a
 * random queue, one of its member agents, one of its waiting callers and a
 * counter key. Writes leave the data set meaningful: counters are incremented
 * by 0, agents get a scratch field (removed by the HDELs), a scratch member is
 * added to and removed from the queue's waiting set (scored after every caller).
 * Commands without a mapping here become an EXISTS of the queue's key and are
 * named in `substituted`.
 */
function buildRoundTrip(ds: DataSet, mix: ReadonlyArray<[string, number]>, worker: number, n: number, substituted: Set<string>): Command[] {
  const { keys } = ds;
  const qi = Math.floor(Math.random() * QUEUES);
  const q = ds.queues[qi]!;
  const ag = `ag${qi + QUEUES * Math.floor(Math.random() * (AGENTS / QUEUES))}`; // home queue q: a member
  const scratch = `limit-${worker}`;
  const out: Command[] = [];
  const removing: Command[] = [];
  for (const [cmd, count] of mix) {
    for (let i = 0; i < count; i++) {
      const eid = pick(q.entries);
      const alt = (n + i) % 2 === 0;
      let c: Command;
      switch (cmd) {
        case 'bitfield':
          c = ['bitfield', pick(ds.counters), 'INCRBY', 'i64', '#0', 0, 'INCRBY', 'i64', '#5', 0, 'INCRBY', 'i64', '#6', 0];
          break;
        case 'hset':
          c = alt ? ['hset', keys.agent(ag), 'limitState', 'x', 'limitSince', n] : ['hset', keys.entry(eid), 'limitState', 'x', 'limitAt', n];
          break;
        case 'hmget':
          c = alt
            ? ['hmget', keys.agent(ag), 'state', 'since', 'acwQueue', 'acwDay', 'skills', 'skipUntil', 'entry', 'availSince', 'missed', 'wrapUntil']
            : ['hmget', keys.entry(eid), 'state', 'agents', 'queue', 'arrived', 'qday', 'kind'];
          break;
        case 'hget':
          c = ['hget', keys.members(q.id), ag];
          break;
        case 'hgetall':
          c = ['hgetall', keys.avail(q.id)];
          break;
        case 'hkeys':
          c = ['hkeys', keys.profiles(q.id)];
          break;
        case 'hincrby':
          c = ['hincrby', keys.profiles(q.id), pick(q.profiles), 0];
          break;
        case 'hdel':
          c = ['hdel', keys.agent(ag), 'limitState', 'limitSince'];
          break;
        case 'get':
          c = ['get', keys.queue(q.id)];
          break;
        case 'set':
          c = ['set', keys.rr(q.id), n % 1000];
          break;
        case 'zrange':
          c = alt ? ['zrange', keys.waiting(q.id), 0, 0, 'WITHSCORES'] : ['zrange', keys.profileWaiting(q.id, pick(q.profiles)), 0, 0, 'WITHSCORES'];
          break;
        case 'zadd':
          c = ['zadd', keys.waiting(q.id), 99 * 10_000_000_000_000 + n, scratch];
          break;
        case 'zrem':
          c = ['zrem', keys.waiting(q.id), scratch];
          break;
        case 'zrank':
          c = ['zrank', keys.waiting(q.id), eid];
          break;
        case 'zscore':
          c = ['zscore', keys.waiting(q.id), eid];
          break;
        case 'zcard':
          c = ['zcard', keys.waiting(q.id)];
          break;
        case 'zrangebyscore':
          c = ['zrangebyscore', keys.wrapups(), '-inf', Date.now()];
          break;
        case 'exists':
          c = ['exists', keys.entry(eid)];
          break;
        case 'smembers':
          c = ['smembers', keys.agentQueues(ag)];
          break;
        case 'sadd':
          c = ['sadd', keys.instanceEntries('A'), eid];
          break;
        case 'srem':
          c = ['srem', keys.instanceEntries('A'), scratch];
          break;
        case 'scard':
          c = ['scard', keys.loggedIn(q.id)];
          break;
        case 'rpush':
          c = ['rpush', `${keys.prefix}bench-list`, 180_000];
          break;
        case 'del':
          c = ['del', keys.entry(scratch)];
          break;
        case 'expire':
          c = ['expire', pick(ds.counters), 1800];
          break;
        default:
          substituted.add(cmd);
          c = ['exists', keys.queue(q.id)];
      }
      (REMOVING.has(cmd) ? removing : out).push(c);
    }
  }
  return [...out, ...removing];
}

/** `total` round trips, `inFlight` at a time over the clients, each one pipeline of the mix (no MULTI). */
async function pipelineRoundTrips(clients: Redis[], ds: DataSet, mix: ReadonlyArray<[string, number]>, total: number, inFlight: number, substituted: Set<string>): Promise<number> {
  let issued = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async (_, w) => {
      const c = clients[w % clients.length]!;
      while (issued < total) {
        const n = issued++;
        const replies = await c.pipeline(buildRoundTrip(ds, mix, w, n, substituted)).exec();
        const failed = replies?.find(([err]) => err);
        if (failed) throw failed[0];
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

/** CPU seconds used so far by this process and by redis-server (INFO cpu), to say which side a phase is bound by. */
async function cpuSnapshot(admin: Redis): Promise<{ node: number; redis: number; at: number }> {
  const info = await admin.info('cpu');
  const field = (n: string): number => Number(new RegExp(`^${n}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  const u = process.cpuUsage();
  return { node: (u.user + u.system) / 1e6, redis: field('used_cpu_sys') + field('used_cpu_user'), at: performance.now() };
}

/** Share of one core used by this process and by redis-server between two snapshots, e.g. "node 0.8, redis 0.7 cores". */
function cpuShare(a: { node: number; redis: number; at: number }, b: { node: number; redis: number; at: number }): string {
  const s = (b.at - a.at) / 1000;
  return `node ${((b.node - a.node) / s).toFixed(2)}, redis-server ${((b.redis - a.redis) / s).toFixed(2)} cores`;
}

/** Redis time (µs) of all commands but INFO/CONFIG since the last RESETSTAT, per round trip. */
function redisUsecPerRoundTrip(info: string, roundTrips: number): number {
  let usec = 0;
  for (const m of info.matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+),usec=(\d+)/gm)) if (m[1] !== 'info' && m[1] !== 'config') usec += Number(m[3]);
  return usec / Math.max(1, roundTrips);
}

/** The Redis of REDIS_URL, or a private redis-server on a free port. */
async function startRedis(): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const given = process.env.REDIS_URL;
  if (given) return { url: given, port: Number(new URL(given).port || 6379), stop: async () => {} };
  return startRedisServer('bench');
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** `total` SET round trips, `inFlight` at a time spread over the clients, each awaited (no pipelining). */
async function plainRoundTrips(clients: Redis[], total: number, inFlight: number): Promise<number> {
  let issued = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async (_, w) => {
      const c = clients[w % clients.length]!;
      while (issued < total) {
        issued++;
        await c.set(`bench-limit:{${w}}`, 'v');
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const redisSrv = await startRedis();
  const scriptMs: number[] = [];
  const dispatchMs: number[] = [];
  let measuring = false;
  let ops = 0;
  const w = await acdWorkload(redisSrv.url, {
    redisFunctions: FUNCTIONS,
    hooks: {
      onOp(_op, ms) {
        if (!measuring) return;
        scriptMs.push(ms);
        ops++;
      },
      onAssignment(a: Assignment, receivedAt: number) {
        if (measuring) dispatchMs.push(receivedAt - a.decidedAt);
      },
    },
  });
  const { prefix, clients, instances } = w;
  const [A] = instances;

  // ---- setup ----
  const t0 = Date.now();
  await w.fill();
  const waitingAfterSetup = (await Promise.all(Array.from({ length: QUEUES }, (_, q) => A.store.waiting(`q${q}`)))).reduce((s, x) => s + x.length, 0);
  console.log(`setup: ${QUEUES} queues, ${AGENTS} agents, ${waitingAfterSetup} waiting calls in ${Date.now() - t0} ms`);

  // ---- sustained loop: agents become ready; every assignment is served and replaced ----
  await w.run();
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const admin = new Redis(redisSrv.url);
  await admin.config('RESETSTAT');
  const loopCpu0 = await cpuSnapshot(admin);
  measuring = true;
  const m0 = performance.now();
  if (PROFILE) {
    // Per-script Redis time: log every command for 2 s, then group the EVALSHAs by script.
    await admin.config('SET', 'slowlog-max-len', '1000000');
    await admin.slowlog('RESET');
    await admin.config('SET', 'slowlog-log-slower-than', '0');
    await new Promise((r) => setTimeout(r, 2_000));
    await admin.config('SET', 'slowlog-log-slower-than', '10000');
  }
  await new Promise((r) => setTimeout(r, MEASURE_MS - (performance.now() - m0)));
  measuring = false;
  const commandStats = await admin.info('commandstats');
  const loopCpu = cpuShare(loopCpu0, await cpuSnapshot(admin));
  if (PROFILE) await printSlowlogProfile(admin);
  const elapsed = (performance.now() - m0) / 1000;
  w.stop();
  await new Promise((r) => setTimeout(r, 500));
  const opsPerS = ops / elapsed;
  const sortedScript = [...scriptMs].sort((x, y) => x - y);
  const loopDispatch = [...dispatchMs];

  // ---- dispatch with callers arriving while agents wait (separate queue, agents idle) ----
  await A.putQueue({ id: 'idle', name: 'Idle', wrapUpSeconds: 0, announceEverySeconds: 0 });
  for (let a = 0; a < 20; a++) {
    await A.putAgent({ id: `idle${a}`, name: `Idle ${a}`, skills: {}, queues: [{ queue: 'idle', tier: 1, position: a }] });
    await A.login(`idle${a}`);
  }
  const arrival: number[] = [];
  for (let i = 0; i < 300; i++) {
    const inst = instances[i % 2]!;
    const entryId = await inst.newEntryId();
    const got = new Promise<Assignment>((resolve) => inst.awaitAssignments(entryId, resolve));
    const s = Date.now();
    await inst.enqueue({ entryId, queueId: 'idle', kind: 'call', priority: 0, skills: {}, data: {} });
    const a = await got;
    arrival.push(Date.now() - s);
    await inst.store.connect(entryId, a.agentIds[0]!);
    await inst.completeCall(entryId, a.agentIds[0]!);
  }
  const allDispatch = [...loopDispatch, ...arrival].sort((x, y) => x - y);

  // ---- the limits on the same machine, same run ----
  // The issue's limit: the same number of round trips, each one pipeline of the
  // plain commands an ACD round trip runs (the measured mix), on real keys.
  const stats = parseCommandStats(commandStats);
  const mix = roundTripMix(stats);
  const perRoundTrip = mix.reduce((s, [, k]) => s + k, 0);
  const dataSet = await readDataSet(clients[0]!, prefix);
  const substituted = new Set<string>();
  const pipeRounds = Math.max(1, ops);
  await admin.config('RESETSTAT');
  const pipeCpu0 = await cpuSnapshot(admin);
  const limit = await pipelineRoundTrips(clients, dataSet, mix, pipeRounds, CONCURRENCY, substituted);
  const pipeCpu = cpuShare(pipeCpu0, await cpuSnapshot(admin));
  const pipeUsec = redisUsecPerRoundTrip(await admin.info('commandstats'), pipeRounds);
  // The same equivalent pipeline from a near-free client (pre-encoded RESP on
  // raw sockets, replies counted, not decoded): bound by Redis, not by ioredis.
  const trips: EncodedRoundTrip[] = Array.from({ length: Math.min(pipeRounds, 20_000) }, (_, n) => encodeRoundTrip(buildRoundTrip(dataSet, mix, n % CONCURRENCY, n, substituted)));
  await admin.config('RESETSTAT');
  const rawCpu0 = await cpuSnapshot(admin);
  const rawLimit = await rawRoundTrips(redisSrv.url, trips, pipeRounds, CONCURRENCY);
  const rawCpu = cpuShare(rawCpu0, await cpuSnapshot(admin));
  const rawUsec = redisUsecPerRoundTrip(await admin.info('commandstats'), pipeRounds);
  admin.disconnect();
  // Single-command limits beside it: redis-benchmark SET (a C client) …
  const rounds = Math.max(50_000, Math.min(500_000, Math.round(ops)));
  const url = new URL(redisSrv.url);
  const csv = execFileSync('redis-benchmark', ['-h', url.hostname, '-p', url.port || '6379', '-c', String(CONCURRENCY), '-n', String(rounds), '-t', 'set', '--csv'], {
    encoding: 'utf8',
  });
  const line = csv.split('\n').find((l) => l.startsWith('"SET"'));
  const setLimit = line ? Number(line.split(',')[1]?.replace(/"/g, '')) : NaN;
  // … and the same round trips of a plain SET from this process, through the
  // same two ioredis clients, CONCURRENCY in flight, no pipeline.
  const nodeLimit = await plainRoundTrips(clients, rounds, CONCURRENCY);

  await w.close();
  await redisSrv.stop();

  const result = {
    ops_per_s: Math.round(opsPerS),
    limit_ops_per_s: Math.round(setLimit),
    ratio: round(opsPerS / setLimit),
    limit_node_ops_per_s: Math.round(nodeLimit),
    ratio_node: round(opsPerS / nodeLimit),
    raw_pipeline_limit_ops_per_s: Math.round(rawLimit),
    raw_pipeline_ratio: round(opsPerS / rawLimit),
    pipeline_limit_ops_per_s: Math.round(limit),
    pipeline_ratio: round(opsPerS / limit),
    limit_commands_per_round_trip: perRoundTrip,
    /** Redis time per round trip (INFO commandstats): the ACD's script vs the equivalent pipeline's commands. */
    redis_us_per_op: round(stats.op.usec / Math.max(1, stats.op.calls), 1),
    limit_redis_us_per_round_trip: round(pipeUsec, 1),
    redis_side_ratio: round(pipeUsec / Math.max(1e-9, stats.op.usec / Math.max(1, stats.op.calls))),
    p50_ms: round(pct(sortedScript, 50)),
    p99_ms: round(pct(sortedScript, 99)),
    dispatch_p99_ms: round(pct(allDispatch, 99)),
  };
  console.log(`sustained loop: ${ops} script calls (${FUNCTIONS ? 'FCALL, Redis functions' : 'EVALSHA'}) in ${elapsed.toFixed(1)} s = ${result.ops_per_s} ops/s (concurrency ${CONCURRENCY}, 2 instances)`);
  console.log(`script latency: p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, max ${round(sortedScript.at(-1) ?? NaN)} ms`);
  console.log(`dispatch latency: agent available → owner p50 ${round(pct([...loopDispatch].sort((x, y) => x - y), 50))} ms; caller arriving → owner p50 ${round(pct([...arrival].sort((x, y) => x - y), 50))} ms; overall p99 ${result.dispatch_p99_ms} ms`);
  console.log(summarizeCommandStats(stats));
  console.log(`CPU during the loop: ${loopCpu}`);
  console.log(
    `limit, equivalent pipeline (${pipeRounds} round trips of ${perRoundTrip} plain commands: ${mix.map(([n, k]) => `${n} ${k}`).join(', ')}; ` +
      `real keys, 2 ioredis clients, ${CONCURRENCY} in flight): ${result.pipeline_limit_ops_per_s} round trips/s; pipeline_ratio ${result.pipeline_ratio} (client-bound)` +
      (substituted.size > 0 ? ` (as EXISTS: ${[...substituted].join(', ')})` : ''),
  );
  console.log(`  equivalent pipeline: ${pipeUsec.toFixed(1)} µs of Redis time per round trip against ${result.redis_us_per_op} µs per ACD operation: redis_side_ratio ${result.redis_side_ratio}; CPU ${pipeCpu}`);
  console.log(`limit, the same equivalent pipeline from a raw-socket client (pre-encoded, replies not decoded; ${trips.length} distinct round trips cycled): ${result.raw_pipeline_limit_ops_per_s} round trips/s; raw_pipeline_ratio ${result.raw_pipeline_ratio}; ${rawUsec.toFixed(1)} µs of Redis time per round trip; CPU ${rawCpu}`);
  console.log(`limit: redis-benchmark SET -c ${CONCURRENCY} -n ${rounds}: ${result.limit_ops_per_s} ops/s; ratio ${result.ratio} (goal ≥ 0.5)`);
  console.log(`plain SET round trips from Node (2 ioredis clients, ${CONCURRENCY} in flight): ${result.limit_node_ops_per_s} ops/s; ratio ${result.ratio_node}`);
  console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
