/**
 * The shortcuts that keep each ACD operation one cheap round trip: entry ids
 * taken in blocks, the queue's time zone guessed and corrected by the script,
 * and the index of available agents (healed when it is stale).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { functionLibraryName } from '../../src/acd/scripts.ts';
import { rig, prefix, queue, agent, until, waitingCall, type Rig } from './helpers.ts';

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

describe('ACD fast paths', () => {
  it('gives unique entry ids across instances, increasing within each', async () => {
    const p = prefix();
    const a = await rig({ prefix: p, instanceId: 'A' });
    const b = await rig({ prefix: p, instanceId: 'B' });
    rigs.push(a, b);
    const idsA: string[] = [];
    const idsB: string[] = [];
    for (let i = 0; i < 150; i++) {
      idsA.push(await a.acd.newEntryId());
      idsB.push(await b.acd.newEntryId());
    }
    expect(new Set([...idsA, ...idsB]).size).toBe(300);
    expect([...idsA].sort()).toEqual(idsA);
    expect([...idsB].sort()).toEqual(idsB);
    for (const id of idsA) expect(id).toMatch(/^e\d{12}$/);
  });

  it("counts a call on the queue's day after another instance changed the queue's time zone", async () => {
    // 23:30 UTC on 10 March = 00:30 on 11 March in Warsaw
    const clock = new VirtualClock(Date.UTC(2026, 2, 10, 23, 30, 0));
    const p = prefix();
    const a = await rig({ prefix: p, instanceId: 'A', clock });
    const b = await rig({ prefix: p, instanceId: 'B', clock });
    rigs.push(a, b);
    await a.acd.putQueue(queue('q'));
    await a.acd.putAgent(agent('a1', ['q']));
    await a.acd.login('a1', { pausedReason: 'break' });
    await waitingCall(a.acd, 'q');
    expect((await a.acd.queueStatus('q')).day).toBe('2026-03-11');
    expect((await a.acd.queueStatus('q')).today.offered).toBe(1);

    await b.acd.putQueue(queue('q', { timeZone: 'UTC' }));
    const second = await waitingCall(a.acd, 'q');
    expect(second.result).toMatchObject({ kind: 'queued', position: 2 });
    const status = await a.acd.queueStatus('q');
    expect(status.day).toBe('2026-03-10');
    expect(status.today.offered).toBe(1);
    expect(status.waiting).toBe(2);
  });

  it('heals a stale entry of the available-agent index and gives the caller an agent that is really free', async () => {
    const r = await rig();
    rigs.push(r);
    const { acd, redis } = r;
    await acd.putQueue(queue('q', { strategy: 'longest-idle-agent' }));
    await acd.putAgent(agent('free', ['q']));
    await acd.putAgent(agent('gone', ['q']));
    await acd.login('free');
    await acd.login('gone', { pausedReason: 'break' });
    // as if a crash had left "gone" in the index, idle since the epoch (so it would be picked first)
    await redis.hset(acd.store.keys.avail('q'), 'gone', '1,1,0,0,2026-01-05,0,0,{}');
    const call = await waitingCall(acd, 'q');
    await until(() => call.got.length === 1, 'offered');
    expect(call.got[0]!.agentIds).toEqual(['free']);
    expect(await redis.hexists(acd.store.keys.avail('q'), 'gone')).toBe(0);
    expect((await acd.agentStatus('gone'))?.state).toBe('paused');
  });

  it('runs the same operations as a Redis function library (FCALL), reloading it when Redis lost it', async () => {
    const r = await rig({ redisFunctions: true });
    rigs.push(r);
    const { acd, clock, redis } = r;
    await acd.putQueue(queue('q', { wrapUpSeconds: 0 }));
    await acd.putAgent(agent('a1', ['q']));
    await acd.login('a1');
    const c = await waitingCall(acd, 'q');
    await until(() => c.got.length === 1, 'offered');
    await clock.advance(2_000);
    await acd.store.connect(c.entryId, 'a1');
    await redis.call('FUNCTION', 'DELETE', functionLibraryName()); // e.g. a restart without persistence
    await clock.advance(30_000);
    expect(await acd.completeCall(c.entryId, 'a1')).toEqual({ state: 'available' });
    const today = (await acd.queueStatus('q')).today;
    expect(today).toMatchObject({ offered: 1, answered: 1, asaMs: 2_000, avgTalkMs: 30_000 });
  });

  it('ranks waiting agents by the counts of today kept in the index (fewest-calls)', async () => {
    const r = await rig();
    rigs.push(r);
    const { acd, clock } = r;
    await acd.putQueue(queue('q', { strategy: 'fewest-calls', wrapUpSeconds: 0 }));
    await acd.putAgent(agent('busy', ['q']));
    await acd.putAgent(agent('quiet', ['q']));
    await acd.login('busy');
    // "busy" answers two calls while "quiet" is paused
    for (let i = 0; i < 2; i++) {
      const c = await waitingCall(acd, 'q');
      await until(() => c.got.length === 1, 'offered');
      await acd.store.connect(c.entryId, 'busy');
      await clock.advance(1_000);
      await acd.completeCall(c.entryId, 'busy');
    }
    await clock.advance(1_000);
    await acd.login('quiet'); // became available after "busy": longest idle would pick "busy"
    const next = await waitingCall(acd, 'q');
    await until(() => next.got.length === 1, 'offered');
    expect(next.got[0]!.agentIds).toEqual(['quiet']);
  });
});
