/**
 * A private Redis Sentinel set on loopback: a primary, one replica and one
 * Sentinel (quorum 1) monitoring the primary as `mymaster`, each on a free
 * port, persistence off. `failover()` asks the Sentinel for a manual
 * fail-over and resolves when the replica is the primary and the old primary
 * has been turned into its replica (so every client of the old one was
 * disconnected by the Sentinel and has to ask it where the primary is now).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pollUntil } from './poll.ts';
import { freePort, spawnRedisProcess, startRedisServer, type PrivateRedis } from './redis-server.ts';

export interface PrivateSentinelSet {
  masterName: string;
  sentinelPort: number;
  /** The two data nodes, in the order they were started (first = the initial primary). */
  nodes: [PrivateRedis, PrivateRedis];
  /** The node that is the primary now. */
  primary(): Promise<PrivateRedis>;
  failover(): Promise<void>;
  stop(): Promise<void>;
}

/** Connection errors reach the caller as rejected commands; without a listener ioredis would also print them. */
const quiet = (c: Redis): Redis => c.on('error', () => undefined);

const role = async (node: PrivateRedis): Promise<string> => {
  const c = quiet(new Redis(node.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 }));
  try {
    await c.connect();
    return String(((await c.call('ROLE')) as unknown[])[0]);
  } finally {
    c.disconnect();
  }
};


export async function startRedisSentinelSet(name: string): Promise<PrivateSentinelSet> {
  const masterName = 'mymaster';
  // No 5 s wait for more replicas before the first full sync (Redis 7's repl-diskless-sync-delay); either node may be primary.
  const sync = ['--repl-diskless-sync-delay', '0'];
  const primary = await startRedisServer(`${name}-a`, () => sync);
  const replica = await startRedisServer(`${name}-b`, () => [...sync, '--replicaof', '127.0.0.1', String(primary.port)]);
  const primaryClient = quiet(new Redis(primary.port, '127.0.0.1'));
  try {
    await pollUntil(async () => /slave0:.*state=online/.test(await primaryClient.info('replication')), 'the replica is in sync');
  } finally {
    primaryClient.disconnect();
  }

  const sentinelPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `ivr-${name}-sentinel-`));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${primary.port} 1`,
      `sentinel down-after-milliseconds ${masterName} 2000`,
      `sentinel failover-timeout ${masterName} 10000`,
      '',
    ].join('\n'),
  );
  const sentinelProc = await spawnRedisProcess([conf, '--sentinel'], dir, `+monitor master ${masterName}`);
  const sentinel = quiet(new Redis(sentinelPort, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 }));
  await pollUntil(async () => {
    if (sentinel.status !== 'ready') await sentinel.connect();
    const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', masterName)) as string[][];
    return replicas.length === 1;
  }, 'the Sentinel knows the replica');

  const nodes: [PrivateRedis, PrivateRedis] = [primary, replica];
  const primaryNow = async (): Promise<PrivateRedis> => {
    const [, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string];
    const node = nodes.find((n) => n.port === Number(port));
    if (!node) throw new Error(`the Sentinel names an unknown primary on port ${port}`);
    return node;
  };

  return {
    masterName,
    sentinelPort,
    nodes,
    primary: primaryNow,
    async failover() {
      const from = await primaryNow();
      const to = nodes.find((n) => n !== from)!;
      // Everything written so far is on the replica before it takes over.
      const c = quiet(new Redis(from.port, '127.0.0.1'));
      try {
        const acked = Number(await c.call('WAIT', '1', '5000'));
        if (acked < 1) throw new Error('Redis Sentinel set: the replica did not acknowledge the writes before the fail-over');
      } finally {
        c.disconnect();
      }
      // The Sentinel picks a replica only while its last INFO of it is recent
      // (it asks every 10 s): refused with NOGOODSLAVE in between, so retry.
      await pollUntil(async () => {
        try {
          await sentinel.call('SENTINEL', 'FAILOVER', masterName);
          return true;
        } catch (err) {
          if (/INPROG/.test(String(err))) return true;
          throw err;
        }
      }, 'the Sentinel accepts the fail-over');
      await pollUntil(async () => (await primaryNow()) === to && (await role(to)) === 'master', 'the replica is the primary');
      await pollUntil(async () => (await role(from)) === 'slave', 'the old primary follows the new one');
    },
    async stop() {
      sentinel.disconnect();
      await sentinelProc.stop();
      await replica.stop();
      await primary.stop();
    },
  };
}
