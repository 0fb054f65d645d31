/**
 * The whole service on Redis Sentinel (REDIS_SENTINELS), through a fail-over:
 * a primary, a replica and a Sentinel started for this file, the service
 * started as `npm start` would (startService, TELEPHONY_DRIVER=sim). A caller
 * waits in a queue while the agent is on a break; the Sentinel moves the
 * primary to the replica (and disconnects every client of the old one); then
 * the agent ends the break over the admin API and gets the caller: the
 * waiting entry, the agent, the ACD's Redis functions and the assignment
 * delivered to the instance's inbox (a blocking read on its own connection)
 * all carried over to the new primary, and the statistics count the call
 * once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { startService, type Running } from '../../src/main.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import type { SimCall } from '../../src/telephony/sim/sim-call.ts';
import { startRedisSentinelSet, type PrivateSentinelSet } from '../support/redis-sentinel.ts';
import { adminApi, advanceUntil, answeredDialCall, publishAndRoute, removeDir, salesQueueFlow, salesQueueWithAnn, simServiceEnv, tempFlowsDir } from './harness.ts';

describe('the service on Redis Sentinel, through a fail-over', () => {
  let set: PrivateSentinelSet;
  let running: Running;
  let dir: string;
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const api = adminApi(() => running.apiUrl);

  /** Pings the current primary between steps (see advanceUntil). */
  const runUntil = async (done: () => boolean | Promise<boolean>, what: string) => {
    const primary = await set.primary();
    const probe = new Redis(primary.port, '127.0.0.1');
    try {
      await advanceUntil(clock, () => probe.ping(), done, what);
    } finally {
      probe.disconnect();
    }
  };
  const agentState = async (): Promise<string | undefined> => ((await api('/agents/ann/state')).body as { state?: string }).state;

  beforeAll(async () => {
    set = await startRedisSentinelSet('service-sentinel');
    dir = tempFlowsDir();
    writeFileSync(join(dir, 'routes.json'), JSON.stringify({ routes: {} }));
    const config = loadConfig(
      simServiceEnv(dir, {
        REDIS_URL: 'redis://127.0.0.1:1', // only credentials and TLS are read from it with sentinels
        REDIS_SENTINELS: `127.0.0.1:${set.sentinelPort}`,
        REDIS_SENTINEL_NAME: set.masterName,
        ACD_QUEUES_FILE: join(dir, 'acd', 'none.json'),
        ACD_AGENTS_FILE: join(dir, 'acd', 'none.json'),
        INSTANCE_ID: 'sentinel-test',
      }),
      dir,
    );
    running = await startService(config, pino({ level: 'silent' }), clock);
  }, 60_000);
  afterAll(async () => {
    await running?.stop('test');
    if (dir) removeDir(dir);
    await set?.stop();
  });

  it('keeps a waiting caller across the fail-over and bridges them to the agent afterwards', async () => {
    expect(await api('/ready')).toMatchObject({ status: 200, body: { ready: true } });
    await salesQueueWithAnn(api);
    expect((await api('/agents/ann/pause', { method: 'POST', body: { reason: 'break' } })).body).toMatchObject({ state: 'paused' });

    await publishAndRoute(running, api, salesQueueFlow, '200');

    const sim = running.sim!;
    sim.endpoint('sip:1001@agents.test', { answerAfterMs: 2_000, onScriptEnd: 'wait' });
    const { call, party } = sim.incoming({ from: '+48600100200', to: '200', onScriptEnd: 'wait' });
    await runUntil(async () => ((await api('/queues/sales/stats')).body as { waiting?: number }).waiting === 1, 'the caller waits');

    const before = await set.primary();
    await set.failover();
    const after = await set.primary();
    expect(after).not.toBe(before);

    // The first requests after the switch may meet the client reconnecting: it asks the Sentinel and retries.
    await runUntil(async () => (await api('/agents/ann/ready', { method: 'POST' })).status === 200, 'the agent is ready again');
    let agentCall: SimCall | undefined;
    await runUntil(() => (agentCall = answeredDialCall(sim)) !== undefined, 'the agent answered the caller who waited through the fail-over');
    expect(call.isEnded).toBe(false);
    await runUntil(async () => (await agentState()) === 'on-call', 'the agent is on the call');

    party.hangup();
    await runUntil(() => call.isEnded && agentCall!.isEnded, 'both legs ended');
    await runUntil(async () => (await agentState()) !== 'on-call', 'the agent is off the call');
    const stats = await api('/queues/sales/stats');
    expect(stats).toMatchObject({ status: 200, body: { waiting: 0, today: expect.objectContaining({ offered: 1, answered: 1 }) } });

    // Everything was written to the new primary; the old one follows it.
    const probe = new Redis(after.port, '127.0.0.1');
    try {
      expect(String(((await probe.call('ROLE')) as unknown[])[0])).toBe('master');
      expect(await probe.dbsize()).toBeGreaterThan(0);
    } finally {
      probe.disconnect();
    }
  }, 60_000);
});
