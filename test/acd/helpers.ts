/** Shared setup for ACD tests: a real Redis, a fresh hash-tagged prefix, a manual VirtualClock. */
import { Redis } from 'ioredis';
import pino from 'pino';
import { redisUrl, testPrefix } from '../support/redis.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { AcdService, type Assignment } from '../../src/acd/service.ts';
import { loadAcdConfig, type AcdConfig } from '../../src/config/acd.ts';
import type { AgentConfig, QueueConfigInput } from '../../src/acd/model.ts';

export const silent = pino({ level: 'silent' });

export function prefix(): string {
  return `${testPrefix('acd')}{t}:`;
}

/** The ACD configuration of a test instance: the shipped defaults, no configuration files, the given prefix and instance id. */
export function testAcdConfig(keyPrefix: string, instanceId: string, extra: Partial<AcdConfig> = {}): AcdConfig {
  return { ...loadAcdConfig({}), keyPrefix, instanceId, queuesFile: '', agentsFile: '', ...extra };
}

export interface Rig {
  acd: AcdService;
  redis: Redis;
  clock: VirtualClock;
  /** Assignments received by this instance, in order. */
  received: Assignment[];
  close(): Promise<void>;
}

export async function rig(
  options: { prefix?: string; clock?: VirtualClock; instanceId?: string; config?: Partial<AcdConfig>; random?: () => number; redisFunctions?: boolean } = {},
): Promise<Rig> {
  const redis = new Redis(redisUrl(), { lazyConnect: false });
  const clock = options.clock ?? new VirtualClock();
  const config = testAcdConfig(options.prefix ?? prefix(), options.instanceId ?? 'i1', options.config);
  const acd = new AcdService({
    redis,
    config,
    clock,
    log: silent,
    ...(options.random ? { random: options.random } : {}),
    ...(options.redisFunctions !== undefined ? { redisFunctions: options.redisFunctions } : {}),
  });
  const received: Assignment[] = [];
  acd.onAssignment((a) => received.push(a));
  await acd.start();
  return {
    acd,
    redis,
    clock,
    received,
    close: async () => {
      await acd.halt();
      redis.disconnect();
    },
  };
}

/** Waits (for Redis I/O, not for time) until `check` holds; fails with `what` after ~2 s. */
export async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

export function queue(id: string, extra: Partial<QueueConfigInput> = {}): QueueConfigInput {
  return { id, name: id.toUpperCase(), ...extra };
}

export function agent(id: string, queues: Array<string | { queue: string; tier?: number; position?: number }>, skills: Record<string, number> = {}): AgentConfig {
  return {
    id,
    name: `Agent ${id}`,
    uri: `sip:${id}@agents.test`,
    skills,
    queues: queues.map((q, i) => (typeof q === 'string' ? { queue: q, tier: 1, position: i } : { tier: 1, position: 0, ...q })),
  };
}

/** Enqueues a call entry that records its assignments into `got`. */
export async function waitingCall(acd: AcdService, queueId: string, options: { priority?: number; skills?: Record<string, number>; arrivedAt?: number } = {}) {
  const entryId = await acd.newEntryId();
  const got: Assignment[] = [];
  const stop = acd.awaitAssignments(entryId, (a) => got.push(a));
  const r = await acd.enqueue({ entryId, queueId, kind: 'call', priority: options.priority ?? 0, skills: options.skills ?? {}, data: {}, ...(options.arrivedAt !== undefined ? { arrivedAt: options.arrivedAt } : {}) });
  return { entryId, got, result: r, stop };
}
