/**
 * A private one-node Redis Cluster (all 16384 slots on one node), as
 * test/acd/cluster.test.ts starts it: Redis in cluster mode still refuses a
 * script, MULTI or multi-key command whose keys are in different slots, so
 * code that passes here keeps each operation in one slot.
 */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer, type PrivateRedis } from './redis-server.ts';

export async function startRedisCluster(name: string): Promise<PrivateRedis> {
  const server = await startRedisServer(name, (dir) => ['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1', '--cluster-config-file', join(dir, 'nodes.conf')]);
  const admin = new Redis(server.port, '127.0.0.1');
  try {
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    // The node takes a moment to declare the cluster usable (its own cron, no event to wait for).
    for (let i = 0; i < 500; i++) {
      if (String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) return server;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the one-node Redis Cluster never reached cluster_state:ok');
  } catch (err) {
    await server.stop();
    throw err;
  } finally {
    admin.disconnect();
  }
}
