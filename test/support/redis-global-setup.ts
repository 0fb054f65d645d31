/**
 * Vitest global setup: starts a private redis-server on a free port for the
 * whole run unless REDIS_URL is already set, and stops it afterwards.
 * Tests read the URL with `redisUrl()` from ./redis.ts.
 */
import { startRedisServer } from './redis-server.ts';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.REDIS_URL;
  if (given) {
    project.provide('redisUrl', given);
    return async () => {};
  }
  const redis = await startRedisServer('test');
  process.env.REDIS_URL = redis.url;
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
