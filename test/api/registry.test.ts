/** The registry catches up after its events connection was lost (messages published meanwhile are not lost for good). */
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowStore } from '../../src/flows/store/flow-store.ts';
import { FlowRegistry, type RegistryChange } from '../../src/flows/store/registry.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { redisUrl, testPrefix } from '../support/redis.ts';

const doc = (text: string): FlowDocument => ({
  id: 'main',
  name: 'Main',
  defaultLanguage: 'en',
  start: 'hello',
  nodes: { hello: { type: 'play', prompt: text, next: 'bye' }, bye: { type: 'hangup' } },
});

describe('flow registry', () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  it('reloads after a reconnect, and on the periodic resync', async () => {
    const clock = new VirtualClock();
    const prefix = testPrefix('registry');
    const redis = new Redis(redisUrl());
    const sub = new Redis(redisUrl());
    closers.push(() => redis.quit());
    const store = new FlowStore({ redis, prefix, clock });
    const registry = new FlowRegistry({ store, subscriber: sub, clock, logger: pino({ level: 'silent' }), resyncMs: 10_000 });
    await registry.start();
    closers.push(() => registry.stop());
    const changes: RegistryChange[] = [];
    registry.onChange((c) => changes.push(c));

    await store.save(doc('one'), { source: 'api', mode: 'publish' });
    await new Promise<void>((r) => registry.onChange((c) => c.version === 1 && r()));

    // Lose the events connection; publish meanwhile; reconnect.
    const ended = new Promise((r) => sub.once('end', r));
    sub.disconnect(false);
    await ended;
    await store.save(doc('two'), { source: 'api', mode: 'publish' });
    const caughtUp = new Promise<void>((r) => registry.onChange((c) => c.version === 2 && r()));
    await sub.connect();
    await caughtUp;
    expect(changes.at(-1)).toEqual({ flowId: 'main', version: 2, cause: 'reload' });
    expect((registry.get('main')?.nodes.hello as { prompt: string }).prompt).toBe('two');

    // A change the registry was never told about (e.g. written while no instance listened) arrives with the resync.
    await redis.hset(store.keys.meta('main'), 'published', '1');
    const resynced = new Promise<void>((r) => registry.onChange((c) => c.version === 1 && c.cause === 'reload' && r()));
    await clock.advance(10_000);
    await resynced;
    expect(registry.version('main')).toBe(1);
  });
});
