/**
 * The same code on Redis Cluster: a one-node cluster (all 16384 slots on one
 * node) started for this file. Redis checks in cluster mode that every key a
 * script touches is in the slot of its declared key, so this proves that the
 * hash-tagged prefix keeps each script in one slot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { AcdService } from '../../src/acd/service.ts';
import { agent, queue, silent, testAcdConfig, until } from './helpers.ts';
import { startRedisServer, type PrivateRedis } from '../support/redis-server.ts';
import type { Assignment } from '../../src/acd/service.ts';

let server: PrivateRedis;
let port: number;

beforeAll(async () => {
  server = await startRedisServer('cluster', (dir) => ['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1', '--cluster-config-file', join(dir, 'nodes.conf')]);
  port = server.port;
  const admin = new Redis(port, '127.0.0.1');
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  for (let i = 0; i < 500; i++) {
    const info = String(await admin.call('CLUSTER', 'INFO'));
    if (info.includes('cluster_state:ok')) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  admin.disconnect();
});

afterAll(async () => {
  await server?.stop();
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
