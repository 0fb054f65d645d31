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
 * assignment reaching the owning instance). The raw limit is measured with
 * redis-benchmark (SET, same concurrency) in the same run.
 * Also, as a cross-check, the same number of plain SET round trips from this
 * process through the same ioredis clients at the same concurrency.
 * ACD_BENCH_PROFILE=1 adds Redis time per operation (SLOWLOG, 2 s).
 * Last line: JSON {ops_per_s, limit_ops_per_s, ratio, p50_ms, p99_ms, dispatch_p99_ms,
 * limit_node_ops_per_s, ratio_node}.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { systemClock } from '../src/util/clock.ts';
import { createHash } from 'node:crypto';
import { AcdService, type Assignment } from '../src/acd/service.ts';
import { SCRIPT_NAMES, scriptFunctionName, scriptSource } from '../src/acd/scripts.ts';
import type { AcdConfig } from '../src/config/acd.ts';

const QUEUES = 20;
const AGENTS = 1000;
const WAITING = 10_000;
const CONCURRENCY = 8; // cycles in flight (4 per instance); redis-benchmark uses the same number of clients
const WARMUP_MS = 3_000;
const MEASURE_MS = 15_000;
const log = pino({ level: 'silent' });
/** ACD_BENCH_PROFILE=1: also print Redis time per script (SLOWLOG of every command for 2 s; slows that window down). */
const PROFILE = process.env.ACD_BENCH_PROFILE === '1';
/** ACD_BENCH_FUNCTIONS=1: run the operations as a Redis function library (AcdService option redisFunctions) instead of EVALSHA scripts (the default). */
const FUNCTIONS = process.env.ACD_BENCH_FUNCTIONS === '1';

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

/** FCALL (or EVALSHA) µs per call and the commands run inside the operations, per script call, from INFO commandstats. */
function summarizeCommandStats(info: string): string {
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const m of info.matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+),usec=(\d+)/gm)) stats.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  const ev = stats.get('fcall') ?? stats.get('evalsha') ?? { calls: 0, usec: 0 };
  const inner = [...stats].filter(([n]) => !['fcall', 'evalsha', 'eval', 'incr', 'blpop', 'lpop', 'config', 'info', 'slowlog'].includes(n));
  const innerCalls = inner.reduce((s, [, v]) => s + v.calls, 0);
  const top = inner.sort((a, b) => b[1].calls - a[1].calls).slice(0, 8).map(([n, v]) => `${n} ${(v.calls / Math.max(1, ev.calls)).toFixed(1)}`);
  return `${stats.has('fcall') ? 'FCALL' : 'EVALSHA'} ${(ev.usec / Math.max(1, ev.calls)).toFixed(1)} µs/call in Redis, ≈${(innerCalls / Math.max(1, ev.calls)).toFixed(1)} inner commands/call (${top.join(', ')})`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const given = process.env.REDIS_URL;
  if (given) return { url: given, port: Number(new URL(given).port || 6379), stop: async () => {} };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ivr-bench-redis-'));
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (c) => reject(new Error(`redis-server exited ${c}: ${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
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

class Semaphore {
  private free: number;
  private waiting: Array<() => void> = [];
  constructor(n: number) {
    this.free = n;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

async function main(): Promise<void> {
  const redisSrv = await startRedis();
  const prefix = `bench:{acd${process.pid}}:`;
  const config = (id: string): AcdConfig => ({
    keyPrefix: prefix,
    instanceId: id,
    leaseMs: 60_000,
    heartbeatMs: 10_000,
    reapIntervalMs: 30_000,
    timeZone: 'Europe/Warsaw',
    queuesFile: '',
    agentsFile: '',
    defaultHandleSeconds: 180,
  });
  const clients = [new Redis(redisSrv.url), new Redis(redisSrv.url)];
  const instances = [
    new AcdService({ redis: clients[0]!, config: config('A'), clock: systemClock, log, redisFunctions: FUNCTIONS }),
    new AcdService({ redis: clients[1]!, config: config('B'), clock: systemClock, log, redisFunctions: FUNCTIONS }),
  ];
  for (const i of instances) await i.start();
  const [A] = instances as [AcdService, AcdService];

  // ---- setup ----
  const t0 = Date.now();
  const strategies = ['longest-idle-agent', 'round-robin', 'fewest-calls', 'least-talk-time', 'top-down', 'random'] as const;
  for (let q = 0; q < QUEUES; q++) {
    await A.putQueue({ id: `q${q}`, name: `Queue ${q}`, strategy: strategies[q % strategies.length], wrapUpSeconds: 0, announceEverySeconds: 0 });
  }
  for (let a = 0; a < AGENTS; a++) {
    const home = a % QUEUES;
    await A.putAgent({
      id: `ag${a}`,
      name: `Agent ${a}`,
      uri: `sip:ag${a}@bench`,
      skills: { pl: 5 + (a % 5), en: a % 2 === 0 ? 8 : 2 },
      queues: [
        { queue: `q${home}`, tier: 1, position: a },
        { queue: `q${(home + 1) % QUEUES}`, tier: 2, position: a },
      ],
    });
  }
  for (let a = 0; a < AGENTS; a++) await A.login(`ag${a}`, { pausedReason: 'setup' });

  const scriptMs: number[] = [];
  const dispatchMs: number[] = [];
  let measuring = false;
  let ops = 0;
  let stopped = false;
  const timed = async <T>(p: () => Promise<T>): Promise<T> => {
    const s = performance.now();
    const r = await p();
    if (measuring) {
      scriptMs.push(performance.now() - s);
      ops++;
    }
    return r;
  };
  const sems = instances.map(() => new Semaphore(CONCURRENCY / 2));
  let seq = 0;
  const enqueueOne = async (inst: AcdService, instIdx: number): Promise<void> => {
    const n = seq++;
    const entryId = await inst.newEntryId();
    inst.awaitAssignments(entryId, (a) => onAssignment(inst, instIdx, a));
    const skills: Record<string, number> = n % 5 === 0 ? { en: 5 } : { pl: 3 };
    await timed(() => inst.enqueue({ entryId, queueId: `q${n % QUEUES}`, kind: 'call', priority: n % 10 === 0 ? 5 : 0, skills, data: {} }));
  };
  const onAssignment = (inst: AcdService, instIdx: number, a: Assignment): void => {
    const received = Date.now();
    if (measuring) dispatchMs.push(received - a.decidedAt);
    if (stopped) return;
    void sems[instIdx]!.run(async () => {
      const agentId = a.agentIds[0]!;
      await timed(() => inst.store.connect(a.entryId, agentId));
      await timed(() => inst.completeCall(a.entryId, agentId));
      await enqueueOne(inst, instIdx);
    }).catch((err: unknown) => {
      console.error('cycle failed', err);
    });
  };

  const setupSem = new Semaphore(32);
  await Promise.all(Array.from({ length: WAITING }, (_, i) => setupSem.run(() => enqueueOne(instances[i % 2]!, i % 2))));
  const waitingAfterSetup = (await Promise.all(Array.from({ length: QUEUES }, (_, q) => A.store.waiting(`q${q}`)))).reduce((s, w) => s + w.length, 0);
  console.log(`setup: ${QUEUES} queues, ${AGENTS} agents, ${waitingAfterSetup} waiting calls in ${Date.now() - t0} ms`);

  // ---- sustained loop: agents become ready; every assignment is served and replaced ----
  for (let a = 0; a < AGENTS; a++) await A.ready(`ag${a}`);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const admin = new Redis(redisSrv.url);
  await admin.config('RESETSTAT');
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
  if (PROFILE) await printSlowlogProfile(admin);
  admin.disconnect();
  const elapsed = (performance.now() - m0) / 1000;
  stopped = true;
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

  // ---- the raw limit on the same machine, same run ----
  const rounds = Math.max(50_000, Math.min(500_000, Math.round(ops)));
  const url = new URL(redisSrv.url);
  const csv = execFileSync('redis-benchmark', ['-h', url.hostname, '-p', url.port || '6379', '-c', String(CONCURRENCY), '-n', String(rounds), '-t', 'set', '--csv'], {
    encoding: 'utf8',
  });
  const line = csv.split('\n').find((l) => l.startsWith('"SET"'));
  const limit = line ? Number(line.split(',')[1]?.replace(/"/g, '')) : NaN;
  // Cross-check: the same round trips of a plain command from this process, through the
  // same two ioredis clients, CONCURRENCY in flight, no pipeline (the client stack the ACD pays too).
  const nodeLimit = await plainRoundTrips(clients, rounds, CONCURRENCY);

  for (const i of instances) await i.stop();
  for (const c of clients) c.disconnect();
  await redisSrv.stop();

  const result = {
    ops_per_s: Math.round(opsPerS),
    limit_ops_per_s: Math.round(limit),
    ratio: round(opsPerS / limit),
    limit_node_ops_per_s: Math.round(nodeLimit),
    ratio_node: round(opsPerS / nodeLimit),
    p50_ms: round(pct(sortedScript, 50)),
    p99_ms: round(pct(sortedScript, 99)),
    dispatch_p99_ms: round(pct(allDispatch, 99)),
  };
  console.log(`sustained loop: ${ops} script calls (${FUNCTIONS ? 'FCALL, Redis functions' : 'EVALSHA'}) in ${elapsed.toFixed(1)} s = ${result.ops_per_s} ops/s (concurrency ${CONCURRENCY}, 2 instances)`);
  console.log(`script latency: p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, max ${round(sortedScript.at(-1) ?? NaN)} ms`);
  console.log(`dispatch latency: agent available → owner p50 ${round(pct([...loopDispatch].sort((x, y) => x - y), 50))} ms; caller arriving → owner p50 ${round(pct([...arrival].sort((x, y) => x - y), 50))} ms; overall p99 ${result.dispatch_p99_ms} ms`);
  console.log(summarizeCommandStats(commandStats));
  console.log(`redis-benchmark SET -c ${CONCURRENCY} -n ${rounds}: ${result.limit_ops_per_s} ops/s; ratio ${result.ratio}`);
  console.log(`plain SET round trips from Node (2 ioredis clients, ${CONCURRENCY} in flight): ${result.limit_node_ops_per_s} ops/s; ratio ${result.ratio_node}`);
  console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
