/**
 * The Redis client every module takes: a standalone or Sentinel connection
 * (`Redis`) or a Redis Cluster client (`Cluster`). Modules that use it keep
 * each multi-key operation (Lua script, MULTI, pipeline) on keys of ONE key
 * prefix, and every such prefix carries a hash tag (`ivr:{main}:`), so the
 * operation's keys share one Cluster slot.
 *
 * What differs on a Cluster, and how the modules cope:
 * - pub/sub: SUBSCRIBE works (the client keeps one subscriber connection to
 *   some node) and PUBLISH reaches every node, but PUBLISH answers the number
 *   of subscribers on the node it ran on only (`publishCountIsGlobal`);
 * - no SCAN/KEYS across nodes (no module uses them);
 * - `duplicate()` gives a new Cluster client (for blocking commands and
 *   subscribers), as it gives a new connection on a standalone client.
 */
import type { Cluster, Redis } from 'ioredis';

/** A standalone/Sentinel client or a Cluster client. */
export type RedisClient = Redis | Cluster;

export function isCluster(redis: RedisClient): redis is Cluster {
  return redis.isCluster;
}

/**
 * True when PUBLISH answers how many subscribers got the message across the
 * whole deployment. On a Cluster it counts only the subscribers connected to
 * the node that ran it, so zero does not mean "nobody listens".
 */
export function publishCountIsGlobal(redis: RedisClient): boolean {
  return !isCluster(redis);
}

/** The Cluster hash tag of a key prefix (`ivr:{main}:` → `main`), or undefined when it has none. */
export function hashTagOf(prefix: string): string | undefined {
  const open = prefix.indexOf('{');
  if (open < 0) return undefined;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1 ? prefix.slice(open + 1, close) : undefined;
}
