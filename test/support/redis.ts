import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';

/** URL of the test Redis (private server from global setup, or REDIS_URL). */
export function redisUrl(): string {
  return inject('redisUrl');
}

/** A fresh key prefix so that tests never see each other's keys. */
export function testPrefix(name = 't'): string {
  return `${name}:${randomBytes(4).toString('hex')}:`;
}
