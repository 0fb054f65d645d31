import { afterEach, describe, expect, it } from 'vitest';
import { rig, queue, agent, until, waitingCall, prefix, type Rig } from './helpers.ts';
import { ServiceMetrics } from '../../src/api/metrics.ts';
import { acdMetrics } from '../../src/api/acd-adapter.ts';

let r: Rig;
afterEach(async () => r?.close());

describe('real-time statistics', () => {
  it('match hand-computed values for today and the last 15 minutes', async () => {
    r = await rig();
    const { acd, clock } = r;
    await acd.putQueue(queue('q', { serviceLevelSeconds: 20, shortAbandonSeconds: 5, wrapUpSeconds: 10 }));
    await acd.putAgent(agent('a1', ['q']));
    await acd.login('a1', { pausedReason: 'break' });

    // call 1: answered after 10 s (within SL), talks 60 s, wrap-up 10 s (ends on its own)
    const c1 = await waitingCall(acd, 'q');
    await clock.advance(10_000);
    await acd.ready('a1');
    await until(() => c1.got.length === 1, 'c1 offered');
    expect(await acd.store.connect(c1.entryId, 'a1')).toEqual({ waitedMs: 10_000 });
    await clock.advance(60_000);
    await acd.completeCall(c1.entryId, 'a1');
    await clock.advance(10_000);
    await until(async () => (await acd.agentStatus('a1'))?.state === 'available', 'wrap-up over');
    await acd.pause('a1', 'break');
    // call 2: hangs up after 3 s (short abandon); call 3: after 30 s
    const c2 = await waitingCall(acd, 'q');
    await clock.advance(3_000);
    await acd.leave(c2.entryId, 'abandon', 5_000);
    const c3 = await waitingCall(acd, 'q');
    const status = await acd.queueStatus('q');
    expect(status.waiting).toBe(1);
    await clock.advance(30_000);
    expect((await acd.queueStatus('q')).longestWaitMs).toBe(30_000);
    await acd.leave(c3.entryId, 'abandon', 5_000);
    // call 4: answered after 25 s (outside SL), talks 120 s, agent ends wrap-up after 4 s
    const c4 = await waitingCall(acd, 'q');
    await clock.advance(25_000);
    await acd.ready('a1');
    await until(() => c4.got.length === 1, 'c4 offered');
    await acd.store.connect(c4.entryId, 'a1');
    await clock.advance(120_000);
    await acd.completeCall(c4.entryId, 'a1');
    await clock.advance(4_000);
    await acd.endWrapUp('a1');

    const q = await acd.queueStatus('q');
    const expected = {
      offered: 4,
      answered: 2,
      handled: 2,
      abandoned: 2,
      shortAbandoned: 1,
      answeredWithinServiceLevel: 1,
      asaMs: 17_500,
      avgTalkMs: 90_000,
      avgAfterCallWorkMs: 7_000,
      ahtMs: 97_000,
      serviceLevel: 1 / 3,
      // one abandon after the 5 s threshold among the 3 callers who were not short abandons
      abandonRate: 1 / 3,
      avgAbandonWaitMs: 16_500,
    };
    expect(q.today).toMatchObject(expected);
    expect(q.last15Minutes).toMatchObject(expected);
    // The same figures in the Prometheus exposition (service level, ASA, abandon rate, AHT).
    const metrics = new ServiceMetrics({ processMetrics: false });
    metrics.setAcdSource(acdMetrics(acd));
    const text = await metrics.render();
    expect(text).toContain(`ivr_queue_service_level_ratio{queue="q"} ${1 / 3}`);
    expect(text).toContain('ivr_queue_asa_seconds{queue="q"} 17.5');
    expect(text).toContain(`ivr_queue_abandon_rate_ratio{queue="q"} ${1 / 3}`);
    expect(text).toContain('ivr_queue_aht_seconds{queue="q"} 97');
    expect(q.agents).toMatchObject({ available: 1 });
    const a = await acd.agentStats('a1');
    expect(a.today).toMatchObject({ answered: 2, handled: 2, talkMs: 180_000, afterCallWorkMs: 14_000 });
    expect(a.today.timeInState['on-call']).toBe(180_000);
    // every ready moment went to calls (each offer came the moment the agent was ready); the break is left out
    expect(a.today.occupancy).toBe(1);
    // EWT from the recent AHT (talk + after-call work): 2 callers ahead of the one at position 3, 1 staffed and free
    expect(await acd.estimateWait('q', 3)).toBe(2 * 97_000);

    await clock.advance(16 * 60_000);
    const later = await acd.queueStatus('q');
    expect(later.last15Minutes.offered).toBe(0);
    expect(later.today.offered).toBe(4);
    // nothing handled in the last 15 minutes: today's AHT; a queue that never handled a call: the default (180 s here)
    expect(await acd.estimateWait('q', 3)).toBe(2 * 97_000);
    await acd.putQueue(queue('fresh'));
    await acd.putAgent(agent('a1', ['q', 'fresh']));
    expect(await acd.estimateWait('fresh', 3)).toBe(2 * 180_000);
  });

  it('counts "today" in the queue time zone', async () => {
    r = await rig();
    const { acd, clock } = r;
    // 22:30 UTC on 5 January = 23:30 in Warsaw, 17:30 in New York
    clock.setTime(Date.UTC(2026, 0, 5, 22, 30));
    await acd.putQueue(queue('pl', { timeZone: 'Europe/Warsaw' }));
    await acd.putQueue(queue('us', { timeZone: 'America/New_York' }));
    await acd.putAgent(agent('a1', ['pl', 'us']));
    await acd.login('a1', { pausedReason: 'break' });
    await waitingCall(acd, 'pl');
    await waitingCall(acd, 'us');
    await clock.advance(60 * 60_000); // 00:30 in Warsaw, next day; 18:30 in New York, same day
    expect((await acd.queueStatus('pl')).today.offered).toBe(0);
    expect((await acd.queueStatus('pl')).day).toBe('2026-01-06');
    expect((await acd.queueStatus('us')).today.offered).toBe(1);
  });

  it('keeps counter keys for a limited time: a day for 8 days, a minute for 30 minutes, however many times they are written', async () => {
    const keyPrefix = prefix();
    r = await rig({ prefix: keyPrefix });
    const { acd, redis } = r;
    await acd.putQueue(queue('q'));
    await acd.putAgent(agent('a1', ['q']));
    await acd.login('a1', { pausedReason: 'break' });
    // 300 callers in one minute: more writes to one key than its write count's byte holds (it wraps at 256)
    for (let i = 0; i < 300; i++) await waitingCall(acd, 'q');
    await r.clock.advance(1_000);
    await acd.ready('a1'); // one second paused: the agent's day and minute keys
    const keys = await redis.keys(`${keyPrefix.replace(/[{}]/g, (c) => `\\${c}`)}ctr:*`);
    const ttl = async (kind: 'q' | 'a', span: 'd' | 'm'): Promise<number[]> =>
      Promise.all(keys.filter((k) => k.includes(`ctr:${kind}:`) && k.includes(`:${span}:`)).map((k) => redis.ttl(k)));
    const queueDay = await ttl('q', 'd');
    const queueMinute = await ttl('q', 'm');
    const agentDay = await ttl('a', 'd');
    const agentMinute = await ttl('a', 'm');
    for (const list of [queueDay, queueMinute, agentDay, agentMinute]) expect(list).toHaveLength(1);
    for (const t of [...queueDay, ...agentDay]) expect(t).toBeGreaterThan(8 * 86400 - 60);
    for (const t of [...queueDay, ...agentDay]) expect(t).toBeLessThanOrEqual(8 * 86400);
    for (const t of [...queueMinute, ...agentMinute]) expect(t).toBeGreaterThan(1800 - 60);
    for (const t of [...queueMinute, ...agentMinute]) expect(t).toBeLessThanOrEqual(1800);
    const q = await acd.queueStatus('q');
    expect(q.today.offered).toBe(300);
    expect(q.last15Minutes.offered).toBe(300);
    expect((await acd.agentStats('a1')).today.timeInState.paused).toBe(1_000);
  });
});
