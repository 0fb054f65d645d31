/** REDIS_CLUSTER_NODES and the hash-tag rule of every key prefix, as the operator writes them. */
import { describe, expect, it } from 'vitest';
import { Cluster, Redis } from 'ioredis';
import { ConfigError, loadConfig, loadFlowsConfig, loadRedisConfig } from '../../src/config/index.ts';
import { loadCallbacksConfig } from '../../src/config/callbacks.ts';
import { loadLiveCallsConfig } from '../../src/calls/config.ts';
import { createRedisClient, redisClusterOptions } from '../../src/main.ts';
import { hashTagOf } from '../../src/util/redis-client.ts';

const thrown = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('Redis Cluster configuration', () => {
  it('parses the seed nodes; credentials and TLS come from REDIS_URL for every node', () => {
    const r = loadRedisConfig({ REDIS_URL: 'rediss://ivr:s%40cret@ignored:6379', REDIS_CLUSTER_NODES: 'r1:7000, r2:7001,r3:7002' });
    expect(r.clusterNodes).toEqual([
      { host: 'r1', port: 7000 },
      { host: 'r2', port: 7001 },
      { host: 'r3', port: 7002 },
    ]);
    expect(redisClusterOptions(r)).toEqual({ redisOptions: { username: 'ivr', password: 's@cret', tls: {}, maxRetriesPerRequest: 3 } });
    expect(redisClusterOptions(loadRedisConfig({ REDIS_CLUSTER_NODES: 'r1:7000' })).redisOptions).not.toHaveProperty('tls');
    expect(loadRedisConfig({}).clusterNodes).toEqual([]);
  });

  it('builds a Cluster client only when seed nodes are given', () => {
    const cluster = createRedisClient({ ...loadRedisConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:1' }) });
    const single = createRedisClient(loadRedisConfig({ REDIS_URL: 'redis://127.0.0.1:1' }));
    try {
      expect(cluster).toBeInstanceOf(Cluster);
      expect(single).toBeInstanceOf(Redis);
    } finally {
      cluster.disconnect();
      single.disconnect();
    }
  });

  it('refuses bad seeds, Sentinel and Cluster together, and a database other than 0, naming the variables', () => {
    expect(thrown(() => loadRedisConfig({ REDIS_CLUSTER_NODES: 'r1:7000,r2' }))).toMatchObject({ variable: 'REDIS_CLUSTER_NODES', message: expect.stringContaining('"r2" must be host:port') });
    const both = thrown(() => loadConfig({ REDIS_CLUSTER_NODES: 'r1:7000', REDIS_SENTINELS: 's1:26379' }));
    expect(both.variable).toBe('REDIS_CLUSTER_NODES');
    expect(both.message).toMatch(/REDIS_CLUSTER_NODES.*REDIS_SENTINELS/);
    expect(thrown(() => loadRedisConfig({ REDIS_CLUSTER_NODES: 'r1:7000', REDIS_URL: 'redis://x:6379/3' }))).toMatchObject({ variable: 'REDIS_URL', message: expect.stringContaining('database 3') });
    expect(loadRedisConfig({ REDIS_CLUSTER_NODES: 'r1:7000', REDIS_URL: 'redis://x:6379/0' }).clusterNodes).toHaveLength(1);
  });

  it('requires a hash tag in every prefix whose operations touch several keys', () => {
    expect(thrown(() => loadFlowsConfig({ FLOWS_KEY_PREFIX: 'ivr:flows:' }))).toMatchObject({ variable: 'FLOWS_KEY_PREFIX', message: expect.stringContaining('hash tag') });
    expect(thrown(() => loadCallbacksConfig({ CALLBACK_KEY_PREFIX: 'ivr:cb:' }))).toMatchObject({ variable: 'CALLBACK_KEY_PREFIX', message: expect.stringContaining('hash tag') });
    expect(thrown(() => loadLiveCallsConfig({ LIVE_CALLS_KEY_PREFIX: 'ivr:calls:' }, 'ivr:{main}:'))).toMatchObject({ variable: 'LIVE_CALLS_KEY_PREFIX' });
    expect(() => loadConfig({ ACD_KEY_PREFIX: 'ivr:main:' })).toThrow(/ACD_KEY_PREFIX.*hash tag/);
    // The defaults: flows and routing in one slot; ACD, call-backs and live calls in another.
    const c = loadConfig({});
    expect([c.flows.keyPrefix, c.acd.keyPrefix, c.callbacks.keyPrefix, c.liveCalls.keyPrefix].map(hashTagOf)).toEqual(['flows', 'main', 'main', 'main']);
  });
});
