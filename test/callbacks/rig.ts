/** Test rig for call-backs: real Redis, the real ACD, the simulated driver and a manual VirtualClock. */
import { Redis } from 'ioredis';
import pino from 'pino';
import { redisUrl, testPrefix } from '../support/redis.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { AcdService } from '../../src/acd/service.ts';
import { parseAgentConfig, parseQueueConfig } from '../../src/acd/model.ts';
import { testAcdConfig } from '../acd/helpers.ts';
import { defaultCallbacksConfig, type CallbacksConfig } from '../../src/config/callbacks.ts';
import { SimTelephony } from '../../src/telephony/sim/sim-telephony.ts';
import { CallbackStore } from '../../src/callbacks/store.ts';
import { CallbackManager } from '../../src/callbacks/service.ts';
import { CallbackDialer } from '../../src/callbacks/dialer.ts';
import type { BusinessHours } from '../../src/util/business-hours.ts';

export const silent = pino({ level: 'silent' });

/** One service instance: its own Redis connections, ACD, call-back manager and dialer, sharing Redis, clock and telephony. */
export interface Instance {
  id: string;
  redis: Redis;
  acd: AcdService;
  callbacks: CallbackManager;
  dialer: CallbackDialer;
  store: CallbackStore;
  /** As if the process died: nothing more from it, nothing cleaned up. */
  crash(): Promise<void>;
  close(): Promise<void>;
}

export interface World {
  prefix: string;
  clock: VirtualClock;
  sim: SimTelephony;
  config: CallbacksConfig;
  hours: { current: BusinessHours | undefined };
  instances: Instance[];
  start(id: string): Promise<Instance>;
  close(): Promise<void>;
}

export async function world(options: { config?: Partial<CallbacksConfig>; agents?: string[]; hours?: BusinessHours } = {}): Promise<World> {
  const prefix = `${testPrefix('cbw')}{t}:`;
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0)); // Monday 10:00 in Warsaw
  const sim = new SimTelephony({ clock, logger: silent });
  const config = defaultCallbacksConfig({ keyPrefix: prefix, callerId: '+48221234567', leaseSeconds: 30, ...options.config });
  const hours = { current: options.hours };
  const instances: Instance[] = [];
  const agentIds = options.agents ?? ['a1'];

  const start = async (id: string): Promise<Instance> => {
    const redis = new Redis(redisUrl());
    const subscriber = new Redis(redisUrl());
    const acd = new AcdService({ redis, config: testAcdConfig(prefix, id), clock, log: silent });
    await acd.start();
    const store = new CallbackStore(redis, prefix, config.retentionDays * 86_400_000);
    const hoursFor = () => hours.current;
    const wakeLocal = { fn: (): void => undefined };
    const callbacks = new CallbackManager({ store, clock, log: silent, config, hoursFor, acd, estimateWait: (q) => acd.estimateWait(q), onChange: () => wakeLocal.fn() });
    const dialer = new CallbackDialer({
      store,
      acd,
      telephony: sim,
      clock,
      log: silent,
      config,
      hoursFor,
      subscriber,
      agentContact: async (agentId) => (await acd.getAgent(agentId))?.uri,
    });
    wakeLocal.fn = () => dialer.wake();
    await dialer.start();
    const d = dialer;
    const inst: Instance = {
      id,
      redis,
      acd,
      callbacks,
      dialer: d,
      store,
      crash: async () => {
        await d.halt();
        await acd.halt();
        subscriber.disconnect();
        redis.disconnect();
      },
      close: async () => {
        await d.halt();
        await acd.halt();
        subscriber.disconnect();
        redis.disconnect();
      },
    };
    instances.push(inst);
    return inst;
  };

  const first = await start('i1');
  await first.acd.putQueue(parseQueueConfig({ id: 'sales', name: 'Sales', wrapUpSeconds: 10, ringTimeoutSeconds: 20 }));
  for (const [i, a] of agentIds.entries()) {
    await first.acd.putAgent(parseAgentConfig({ id: a, name: `Agent ${a}`, uri: `sip:${a}@agents.test`, queues: [{ queue: 'sales', tier: 1, position: i }] }));
  }
  return {
    prefix,
    clock,
    sim,
    config,
    hours,
    instances,
    start,
    close: async () => {
      for (const i of instances) await i.close();
    },
  };
}

/**
 * Moves virtual time in steps, letting Redis I/O complete between them, until
 * `check` holds (fails with `what` after `maxMs` of virtual time).
 */
export async function runUntil(w: Pick<World, 'clock'>, check: () => boolean | Promise<boolean>, what: string, options: { stepMs?: number; maxMs?: number } = {}): Promise<void> {
  const step = options.stepMs ?? 500;
  const max = options.maxMs ?? 3_600_000;
  for (let t = 0; t <= max; t += step) {
    for (let i = 0; i < 3; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 2));
    }
    await w.clock.advance(step);
  }
  throw new Error(`not reached within ${max} ms of virtual time: ${what}`);
}

/** Waits for Redis I/O only (no virtual time passes). */
export async function settled(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for: ${what}`);
}
