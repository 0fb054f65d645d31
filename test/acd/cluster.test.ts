/**
 * The same code on Redis Cluster: three primaries started for this file.
 * Redis checks in cluster mode that every key a script touches is in the slot
 * of its declared key, so this proves that the hash-tagged prefix keeps each
 * script in one slot; the prefix of the function-library run lives on a node
 * other than the seed, so the library must be loaded there too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { AcdService } from '../../src/acd/service.ts';
import { agent, queue, silent, testAcdConfig, until } from './helpers.ts';
import { startRedisCluster, type PrivateCluster } from '../support/redis-cluster.ts';
import type { Assignment } from '../../src/acd/service.ts';

let cluster: PrivateCluster;
let port: number;

beforeAll(async () => {
  // Three primaries: {site1} (slot 3988) on the seed, {site2} (16375) on the third node.
  cluster = await startRedisCluster('cluster', [
    [0, 5460],
    [5461, 11000],
    [11001, 16383],
  ]);
  port = cluster.port;
});

afterAll(async () => {
  await cluster?.stop();
});

describe('Redis Cluster', () => {
  it.each([
    ['scripts (EVALSHA)', false],
    ['a function library (FCALL)', true],
  ])('runs every operation with the hash-tagged prefix, as %s', async (_, redisFunctions) => {
    const cluster = new Cluster([{ host: '127.0.0.1', port }]);
    const clock = new VirtualClock();
    const acd = new AcdService({
      redis: cluster,
      redisFunctions,
      clock,
      log: silent,
      config: testAcdConfig(redisFunctions ? 'ivr:{site2}:' : 'ivr:{site1}:', 'c1'),
    });
    try {
      await acd.start();
      await acd.putQueue(queue('q', { wrapUpSeconds: 5 }));
      await acd.putAgent(agent('a1', ['q'], { en: 5 }));
      await acd.login('a1');
      const entryId = await acd.newEntryId();
      const got: Assignment[] = [];
      acd.awaitAssignments(entryId, (a) => got.push(a));
      await acd.enqueue({ entryId, queueId: 'q', kind: 'call', priority: 1, skills: { en: 3 }, data: {} });
      await until(() => got.length === 1, 'assignment delivered through the cluster');
      await acd.store.connect(entryId, 'a1');
      await clock.advance(10_000);
      await acd.completeCall(entryId, 'a1');
      await acd.pause('a1', 'break');
      await acd.reapNow();
      const s = await acd.queueStatus('q');
      expect(s.today).toMatchObject({ offered: 1, answered: 1 });
      expect(s.agents.paused).toBe(1);
      await acd.deleteAgent('a1');
      await acd.deleteQueue('q');
    } finally {
      await acd.halt();
      cluster.disconnect();
    }
  });
});
