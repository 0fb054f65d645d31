/**
 * The floor under `npm run bench:acd` (not a test, not product code):
 * `npm run bench:acd-floor`.
 *
 * What one enqueue → connect → complete cycle costs on this machine when each
 * step does only the bare minimum as one Redis function call (FCALL), with
 * none of the ACD's features: no skills or tiers, no per-agent or per-minute
 * statistics, no leases, no idle-agent index, no validation. Per step:
 * enqueue 3 commands (entry hash, waiting zset, one counter BITFIELD), connect
 * 5 (read entry, write entry and agent, queue and agent counters), complete 10
 * (read and delete the entry, agent free, counters, take the next head caller,
 * offer it, inbox message) — ≈ 6 per operation against the ACD's ≈ 15.
 *
 * Same shape as bench:acd: a private redis-server (or REDIS_URL), 10,000
 * waiting entries in 20 queues, 8 cycles in flight over 2 ioredis clients, 8 s,
 * then redis-benchmark SET -c 8 for the same number of round trips. So it
 * shows how far a design can go on this box before any feature is paid for,
 * and how much of the gap between bench:acd's ratio and 1 is the features.
 * Last line: JSON {ops_per_s, limit_ops_per_s, ratio, redis_us_per_op}.
 */
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { startRedisServer, type PrivateRedis } from '../test/support/redis-server.ts';

const WAITING = 10_000;
const QUEUES = 20;
const CONCURRENCY = 8;
const MEASURE_MS = 8_000;

const LIBRARY = `#!lua name=acd_floor
redis.register_function('floor_enqueue', function(keys, a)
  redis.call('HSET', 'e:' .. a[1], 'queue', a[2], 'arrived', a[3], 'state', 'waiting', 'inst', 'A', 'prio', 0)
  redis.call('ZADD', 'w:' .. a[2], a[3], a[1])
  redis.call('BITFIELD', 'c:' .. a[2], 'INCRBY', 'i64', '#1', 1, 'INCRBY', 'i64', '#40', 1)
  return 1
end)
redis.register_function('floor_connect', function(keys, a)
  local e = redis.call('HMGET', 'e:' .. a[1], 'queue', 'arrived')
  redis.call('HSET', 'e:' .. a[1], 'state', 'connected', 'agent', a[2], 'connectedAt', a[3])
  redis.call('HSET', 'a:' .. a[2], 'state', 'on-call', 'since', a[3])
  redis.call('BITFIELD', 'c:' .. (e[1] or '-'), 'INCRBY', 'i64', '#2', 1, 'INCRBY', 'i64', '#3', 5, 'INCRBY', 'i64', '#42', 1)
  redis.call('BITFIELD', 'ca:' .. a[2], 'INCRBY', 'i64', '#2', 1, 'INCRBY', 'i64', '#42', 1)
  return 1
end)
redis.register_function('floor_complete', function(keys, a)
  local e = redis.call('HMGET', 'e:' .. a[1], 'queue', 'connectedAt')
  local q = e[1] or '-'
  redis.call('DEL', 'e:' .. a[1])
  redis.call('HSET', 'a:' .. a[2], 'state', 'available', 'since', a[3])
  redis.call('BITFIELD', 'c:' .. q, 'INCRBY', 'i64', '#4', 1, 'INCRBY', 'i64', '#5', 5, 'INCRBY', 'i64', '#44', 1)
  redis.call('BITFIELD', 'ca:' .. a[2], 'INCRBY', 'i64', '#4', 1, 'INCRBY', 'i64', '#44', 1)
  local head = redis.call('ZRANGE', 'w:' .. q, 0, 0)
  if head[1] then
    redis.call('ZREM', 'w:' .. q, head[1])
    redis.call('HSET', 'e:' .. head[1], 'state', 'offered', 'agent', a[2])
    redis.call('HSET', 'a:' .. a[2], 'state', 'reserved', 'since', a[3])
    redis.call('RPUSH', 'inbox', head[1])
    redis.call('LTRIM', 'inbox', -1000, -1)
  end
  return 1
end)
`;

async function main(): Promise<void> {
  let server: PrivateRedis | undefined;
  const url = process.env.REDIS_URL ?? (server = await startRedisServer('bench-floor')).url;
  const clients = [new Redis(url), new Redis(url)];
  const admin = new Redis(url);
  try {
    if (!process.env.REDIS_URL) await admin.flushall();
    await admin.call('FUNCTION', 'LOAD', 'REPLACE', LIBRARY);
    let seq = 0;
    for (let i = 0; i < WAITING; i++) await admin.call('FCALL', 'floor_enqueue', 0, `e${seq++}`, `q${i % QUEUES}`, Date.now());
    await admin.config('RESETSTAT');
    let ops = 0;
    let stop = false;
    const t0 = performance.now();
    const loop = async (c: Redis, w: number): Promise<void> => {
      while (!stop) {
        const entry = `e${seq++}`;
        await c.call('FCALL', 'floor_enqueue', 0, entry, `q${w % QUEUES}`, Date.now());
        await c.call('FCALL', 'floor_connect', 0, entry, `ag${w}`, Date.now());
        await c.call('FCALL', 'floor_complete', 0, entry, `ag${w}`, Date.now());
        ops += 3;
      }
    };
    const loops = Array.from({ length: CONCURRENCY }, (_, w) => loop(clients[w % 2]!, w));
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    stop = true;
    await Promise.all(loops);
    const opsPerS = ops / ((performance.now() - t0) / 1000);
    const stats = String(await admin.info('commandstats'));
    const usec = Number(/cmdstat_fcall:calls=\d+,usec=\d+,usec_per_call=([\d.]+)/.exec(stats)?.[1] ?? NaN);
    const u = new URL(url);
    const csv = execFileSync('redis-benchmark', ['-h', u.hostname, '-p', u.port || '6379', '-c', String(CONCURRENCY), '-n', String(ops), '-t', 'set', '--csv'], { encoding: 'utf8' });
    const limit = Number(/"SET","([\d.]+)"/.exec(csv)?.[1] ?? NaN);
    console.log(`floor cycle (≈ 6 commands per operation, no ACD features): ${Math.round(opsPerS)} ops/s, ${usec} µs of Redis time per operation`);
    console.log(`limit: redis-benchmark SET -c ${CONCURRENCY} -n ${ops}: ${Math.round(limit)} ops/s; ratio ${(opsPerS / limit).toFixed(3)}`);
    console.log(JSON.stringify({ ops_per_s: Math.round(opsPerS), limit_ops_per_s: Math.round(limit), ratio: Number((opsPerS / limit).toFixed(3)), redis_us_per_op: usec }));
  } finally {
    for (const c of [...clients, admin]) c.disconnect();
    await server?.stop();
  }
}

await main();
