/**
 * A Redis whose ACL user may not load functions (a managed Redis with
 * FUNCTION disabled, or a locked-down user): the ACD runs its operations as
 * scripts instead (EVALSHA), with the same results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { AcdService, type Assignment } from '../../src/acd/service.ts';
import { redisUrl } from '../support/redis.ts';
import { agent, prefix, queue, silent, testAcdConfig, until } from './helpers.ts';

const user = `acd-nofn-${process.pid}`;
const password = randomBytes(12).toString('hex');
let admin: Redis;

beforeAll(async () => {
  admin = new Redis(redisUrl());
  // Everything but the FUNCTION command (FCALL of an existing function would still be allowed).
  await admin.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all', '-function');
});

afterAll(async () => {
  await admin.call('ACL', 'DELUSER', user);
  admin.disconnect();
});

describe('an ACL user without FUNCTION', () => {
  it('runs the ACD as scripts: a caller is queued, offered, answered and counted', async () => {
    const url = new URL(redisUrl());
    const limited = new Redis({ host: url.hostname, port: Number(url.port), username: user, password });
    await expect(limited.call('FUNCTION', 'LIST')).rejects.toThrow(/NOPERM/);
    const clock = new VirtualClock();
    const acd = new AcdService({ redis: limited, clock, log: silent, config: testAcdConfig(prefix(), 'nofn') });
    try {
      await acd.start();
      await acd.putQueue(queue('q'));
      await acd.putAgent(agent('a1', ['q']));
      await acd.login('a1');
      const entryId = await acd.newEntryId();
      const got: Assignment[] = [];
      acd.awaitAssignments(entryId, (a) => got.push(a));
      await acd.enqueue({ entryId, queueId: 'q', kind: 'call', priority: 0, skills: {}, data: {} });
      await until(() => got.length === 1, 'the caller is offered to the agent');
      expect(got[0]!.agentIds).toEqual(['a1']);
      await acd.store.connect(entryId, 'a1');
      await acd.completeCall(entryId, 'a1');
      expect((await acd.queueStatus('q')).today).toMatchObject({ offered: 1, answered: 1 });
    } finally {
      await acd.halt();
      limited.disconnect();
    }
  });
});
