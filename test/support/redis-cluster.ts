/**
 * A private Redis Cluster on loopback: one primary per slot range (by default
 * one node with all 16384 slots). Redis in cluster mode refuses a script,
 * MULTI or multi-key command whose keys are in different slots, so code that
 * passes here keeps each operation in one slot; with several nodes, a client
 * must also follow the slots to the node that holds them (MOVED), and
 * anything loaded per node (the ACD's function library) must reach each.
 */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pollUntil } from './poll.ts';
import { startRedisServer, type PrivateRedis } from './redis-server.ts';

export interface PrivateCluster {
  /** The nodes, in the order of their slot ranges. */
  nodes: PrivateRedis[];
  /** The first node's port (a seed). */
  port: number;
  /** The node holding `slot`. */
  nodeFor(slot: number): PrivateRedis;
  stop(): Promise<void>;
}


export async function startRedisCluster(name: string, ranges: ReadonlyArray<readonly [number, number]> = [[0, 16383]]): Promise<PrivateCluster> {
  const nodes: PrivateRedis[] = [];
  const admins: Redis[] = [];
  const stop = async (): Promise<void> => {
    for (const a of admins) a.disconnect();
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (const [i] of ranges.entries()) {
      nodes.push(
        await startRedisServer(`${name}-${i}`, (dir) => ['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1', '--cluster-config-file', join(dir, 'nodes.conf')]),
      );
      admins.push(new Redis(nodes[i]!.port, '127.0.0.1'));
    }
    for (const [i, [from, to]] of ranges.entries()) await admins[i]!.call('CLUSTER', 'ADDSLOTSRANGE', String(from), String(to));
    for (const n of nodes.slice(1)) await admins[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(n.port));
    await pollUntil(async () => {
      for (const a of admins) {
        const info = String(await a.call('CLUSTER', 'INFO'));
        if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${nodes.length}`)) return false;
      }
      return true;
    }, `cluster_state:ok with ${nodes.length} known nodes on every node`);
    for (const a of admins) a.disconnect();
    admins.length = 0;
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    nodes,
    port: nodes[0]!.port,
    nodeFor: (slot) => nodes[ranges.findIndex(([from, to]) => slot >= from && slot <= to)]!,
    stop,
  };
}
