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
 * Last line: JSON {ops_per_s, limit_ops_per_s, ratio, p50_ms, p99_ms, dispatch_p99_ms}.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { systemClock } from '../src/util/clock.ts';
import { AcdService, type Assignment } from '../src/acd/service.ts';
import type { AcdConfig } from '../src/config/acd.ts';

const QUEUES = 20;
const AGENTS = 1000;
const WAITING = 10_000;
const CONCURRENCY = 8; // cycles in flight (4 per instance); redis-benchmark uses the same number of clients
const WARMUP_MS = 3_000;
const MEASURE_MS = 15_000;
const log = pino({ level: 'silent' });

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
    new AcdService({ redis: clients[0]!, config: config('A'), clock: systemClock, log }),
    new AcdService({ redis: clients[1]!, config: config('B'), clock: systemClock, log }),
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
  measuring = true;
  const m0 = performance.now();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  measuring = false;
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

  for (const i of instances) await i.stop();
  for (const c of clients) c.disconnect();
  await redisSrv.stop();

  const result = {
    ops_per_s: Math.round(opsPerS),
    limit_ops_per_s: Math.round(limit),
    ratio: round(opsPerS / limit),
    p50_ms: round(pct(sortedScript, 50)),
    p99_ms: round(pct(sortedScript, 99)),
    dispatch_p99_ms: round(pct(allDispatch, 99)),
  };
  console.log(`sustained loop: ${ops} script calls in ${elapsed.toFixed(1)} s = ${result.ops_per_s} ops/s (concurrency ${CONCURRENCY}, 2 instances)`);
  console.log(`script latency: p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, max ${round(sortedScript.at(-1) ?? NaN)} ms`);
  console.log(`dispatch latency: agent available → owner p50 ${round(pct([...loopDispatch].sort((x, y) => x - y), 50))} ms; caller arriving → owner p50 ${round(pct([...arrival].sort((x, y) => x - y), 50))} ms; overall p99 ${result.dispatch_p99_ms} ms`);
  console.log(`redis-benchmark SET -c ${CONCURRENCY} -n ${rounds}: ${result.limit_ops_per_s} ops/s; ratio ${result.ratio}`);
  console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
