/**
 * The ACD benchmarks' workload (not a test, not product code), shared by
 * bench/acd.ts (throughput and latency) and bench/acd-instructions.ts
 * (instructions per operation under callgrind).
 *
 * 20 queues (strategies longest-idle, round-robin, fewest-calls,
 * least-talk-time, top-down, random), 1,000 agents (each in its home queue at
 * tier 1 and the next queue at tier 2; skills `pl` 5–9, `en` 8 for half of
 * them), 10,000 waiting calls (20 % need `en` ≥ 5, the rest `pl` ≥ 3; 10 % at
 * priority 5), two `AcdService` instances on one Redis, each owning half the
 * calls. Closed loop: every assignment delivered to the instance owning the
 * call is answered (`connect`), ended (`complete`: the agent becomes
 * available and is given the next head caller inside the same script) and
 * replaced by a new caller (`enqueue`), so 10,000 keep waiting; 8 cycles in
 * flight (4 per instance).
 */
import { Redis } from 'ioredis';
import pino from 'pino';
import { systemClock } from '../src/util/clock.ts';
import { AcdService, type Assignment } from '../src/acd/service.ts';
import type { AcdConfig } from '../src/config/acd.ts';

export const QUEUES = 20;
export const AGENTS = 1000;
export const WAITING = 10_000;
/** Cycles in flight (4 per instance); redis-benchmark uses the same number of clients. */
export const CONCURRENCY = 8;

const log = pino({ level: 'silent' });

export class Semaphore {
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

export interface AcdWorkload {
  prefix: string;
  clients: [Redis, Redis];
  instances: [AcdService, AcdService];
  /** Fills the queues with WAITING callers (agents still paused). */
  fill(): Promise<void>;
  /** Makes every agent ready: the closed loop runs from here until stop(). */
  run(): Promise<void>;
  stop(): void;
  close(): Promise<void>;
}

export interface WorkloadHooks {
  /** After each operation of the loop (and of fill): the operation and its duration. */
  onOp?(op: 'enqueue' | 'connect' | 'complete', ms: number): void;
  /** When an assignment reaches the instance owning the call. */
  onAssignment?(a: Assignment, receivedAt: number): void;
}

/** Two AcdService instances on `url` with the queues and agents configured, agents logged in (paused). */
export async function acdWorkload(url: string, options: { redisFunctions: boolean; hooks?: WorkloadHooks }): Promise<AcdWorkload> {
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
  const clients: [Redis, Redis] = [new Redis(url), new Redis(url)];
  const instances: [AcdService, AcdService] = [
    new AcdService({ redis: clients[0], config: config('A'), clock: systemClock, log, redisFunctions: options.redisFunctions }),
    new AcdService({ redis: clients[1], config: config('B'), clock: systemClock, log, redisFunctions: options.redisFunctions }),
  ];
  for (const i of instances) await i.start();
  const [A] = instances;
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

  const hooks = options.hooks ?? {};
  let stopped = false;
  const timed = async <T>(op: 'enqueue' | 'connect' | 'complete', p: () => Promise<T>): Promise<T> => {
    const s = performance.now();
    const r = await p();
    hooks.onOp?.(op, performance.now() - s);
    return r;
  };
  const sems = instances.map(() => new Semaphore(CONCURRENCY / 2));
  let seq = 0;
  const enqueueOne = async (inst: AcdService, instIdx: number): Promise<void> => {
    const n = seq++;
    const entryId = await inst.newEntryId();
    inst.awaitAssignments(entryId, (a) => onAssignment(inst, instIdx, a));
    const skills: Record<string, number> = n % 5 === 0 ? { en: 5 } : { pl: 3 };
    await timed('enqueue', () => inst.enqueue({ entryId, queueId: `q${n % QUEUES}`, kind: 'call', priority: n % 10 === 0 ? 5 : 0, skills, data: {} }));
  };
  const onAssignment = (inst: AcdService, instIdx: number, a: Assignment): void => {
    hooks.onAssignment?.(a, Date.now());
    if (stopped) return;
    void sems[instIdx]!.run(async () => {
      const agentId = a.agentIds[0]!;
      await timed('connect', () => inst.store.connect(a.entryId, agentId));
      await timed('complete', () => inst.completeCall(a.entryId, agentId));
      if (!stopped) await enqueueOne(inst, instIdx);
    }).catch((err: unknown) => {
      if (!stopped) console.error('cycle failed', err);
    });
  };
  return {
    prefix,
    clients,
    instances,
    async fill() {
      const setupSem = new Semaphore(32);
      await Promise.all(Array.from({ length: WAITING }, (_, i) => setupSem.run(() => enqueueOne(instances[i % 2]!, i % 2))));
    },
    async run() {
      for (let a = 0; a < AGENTS; a++) await A.ready(`ag${a}`);
    },
    stop() {
      stopped = true;
    },
    async close() {
      stopped = true;
      for (const i of instances) await i.stop();
      for (const c of clients) c.disconnect();
    },
  };
}
