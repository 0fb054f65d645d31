import { afterEach, describe, expect, it } from 'vitest';
import { rig, until, queue, agent, waitingCall, type Rig } from './helpers.ts';
import type { AcdService } from '../../src/acd/service.ts';
import type { Strategy } from '../../src/acd/model.ts';

let r: Rig;
afterEach(async () => r?.close());

/** One call through the queue: who gets it; the call is answered, lasts talkMs and ends (no wrap-up). */
async function nextAgent(acd: AcdService, clock: Rig['clock'], q: string, talkMs = 1000): Promise<string> {
  const c = await waitingCall(acd, q);
  await until(() => c.got.length === 1, 'assignment');
  const agentId = c.got[0]!.agentIds[0]!;
  await acd.store.connect(c.entryId, agentId);
  await clock.advance(talkMs);
  await acd.completeCall(c.entryId, agentId);
  return agentId;
}

async function setup(strategy: Strategy, ids = ['a1', 'a2', 'a3']): Promise<void> {
  await r.acd.putQueue(queue('q', { strategy, wrapUpSeconds: 0 }));
  for (const [i, id] of ids.entries()) await r.acd.putAgent(agent(id, [{ queue: 'q', position: i }]));
}

describe('routing strategies', () => {
  it('longest-idle-agent: the agent available longest', async () => {
    r = await rig();
    await setup('longest-idle-agent');
    for (const id of ['a2', 'a3', 'a1']) {
      await r.acd.login(id);
      await r.clock.advance(1000);
    }
    expect(await nextAgent(r.acd, r.clock, 'q')).toBe('a2');
    expect(await nextAgent(r.acd, r.clock, 'q')).toBe('a3');
    expect(await nextAgent(r.acd, r.clock, 'q')).toBe('a1');
    expect(await nextAgent(r.acd, r.clock, 'q')).toBe('a2');
  });

  it('round-robin: continues after the last agent offered a call', async () => {
    r = await rig();
    await setup('round-robin');
    for (const id of ['a3', 'a2', 'a1']) await r.acd.login(id);
    const got = [];
    for (let i = 0; i < 5; i++) got.push(await nextAgent(r.acd, r.clock, 'q'));
    expect(got).toEqual(['a1', 'a2', 'a3', 'a1', 'a2']);
  });

  it('top-down: always the first free agent in the fixed order', async () => {
    r = await rig();
    await setup('top-down');
    for (const id of ['a3', 'a2', 'a1']) await r.acd.login(id);
    expect(await nextAgent(r.acd, r.clock, 'q')).toBe('a1');
    expect(await nextAgent(r.acd, r.clock, 'q')).toBe('a1');
    await r.acd.pause('a1', 'break');
    expect(await nextAgent(r.acd, r.clock, 'q')).toBe('a2');
  });

  it('fewest-calls: the agent with the fewest answered calls today', async () => {
    r = await rig();
    await setup('fewest-calls');
    await r.acd.login('a1');
    await nextAgent(r.acd, r.clock, 'q');
    await nextAgent(r.acd, r.clock, 'q');
    await r.acd.login('a2');
    await r.acd.pause('a1', 'break');
    await nextAgent(r.acd, r.clock, 'q');
    await r.acd.ready('a1');
    await r.acd.login('a3');
    // a1: 2 calls, a2: 1, a3: 0
    expect(await nextAgent(r.acd, r.clock, 'q')).toBe('a3');
    await r.acd.pause('a3', 'break');
    expect(await nextAgent(r.acd, r.clock, 'q')).toBe('a2');
  });

  it('least-talk-time: the agent with the least talk time today', async () => {
    r = await rig();
    await setup('least-talk-time', ['a1', 'a2']);
    await r.acd.login('a1');
    await nextAgent(r.acd, r.clock, 'q', 100_000);
    await r.acd.pause('a1', 'break');
    await r.acd.login('a2');
    await nextAgent(r.acd, r.clock, 'q', 10_000);
    await r.acd.ready('a1');
    expect(await nextAgent(r.acd, r.clock, 'q', 200_000)).toBe('a2');
    expect(await nextAgent(r.acd, r.clock, 'q')).toBe('a1');
  });

  it('random: any eligible agent, chosen by the random source', async () => {
    let x = 0;
    r = await rig({ random: () => (x = (x + 0.37) % 1) });
    await setup('random');
    for (const id of ['a1', 'a2', 'a3']) await r.acd.login(id);
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) seen.add(await nextAgent(r.acd, r.clock, 'q'));
    expect(seen.size).toBeGreaterThan(1);
    for (const s of seen) expect(['a1', 'a2', 'a3']).toContain(s);
  });

  it('ring-all: every free agent of the best tier rings; the first answer wins, the others are freed', async () => {
    r = await rig();
    await r.acd.putQueue(queue('q', { strategy: 'ring-all', wrapUpSeconds: 0 }));
    await r.acd.putAgent(agent('a1', ['q']));
    await r.acd.putAgent(agent('a2', ['q']));
    await r.acd.putAgent(agent('b1', [{ queue: 'q', tier: 2 }]));
    for (const id of ['a1', 'a2', 'b1']) await r.acd.login(id);
    const c = await waitingCall(r.acd, 'q');
    await until(() => c.got.length === 1, 'assignment');
    expect([...c.got[0]!.agentIds].sort()).toEqual(['a1', 'a2']);
    await r.acd.store.connect(c.entryId, 'a2');
    expect((await r.acd.agentStatus('a1'))?.state).toBe('available');
    expect((await r.acd.agentStatus('a2'))?.state).toBe('on-call');
    expect((await r.acd.agentStatus('b1'))?.state).toBe('available');
  });
});

describe('skills, tiers and priority', () => {
  it('skills: only agents with the required levels; best proficiency first, ties by the strategy', async () => {
    r = await rig();
    await r.acd.putQueue(queue('q', { strategy: 'longest-idle-agent', wrapUpSeconds: 0 }));
    await r.acd.putAgent(agent('novice', ['q'], { en: 3 }));
    await r.acd.putAgent(agent('expert', ['q'], { en: 9 }));
    await r.acd.putAgent(agent('polish', ['q'], { pl: 9 }));
    await r.acd.login('polish');
    await r.clock.advance(1000);
    await r.acd.login('novice');
    await r.clock.advance(1000);
    await r.acd.login('expert');
    const c = await waitingCall(r.acd, 'q', { skills: { en: 2 } });
    await until(() => c.got.length === 1, 'assignment');
    expect(c.got[0]!.agentIds).toEqual(['expert']);
    const hard = await waitingCall(r.acd, 'q', { skills: { en: 5, pl: 5 } });
    expect(hard.result).toMatchObject({ kind: 'queued', position: 1 });
    // a bilingual agent logs in: gets the waiting caller at once
    await r.acd.putAgent(agent('both', ['q'], { en: 6, pl: 6 }));
    await r.acd.login('both');
    await until(() => hard.got.length === 1, 'skilled agent gets the waiting caller');
    expect(hard.got[0]!.agentIds).toEqual(['both']);
  });

  it('tiers: backup agents get calls only when the first tier is busy, after tierWaitSeconds', async () => {
    r = await rig();
    await r.acd.putQueue(queue('q', { tierWaitSeconds: 30, wrapUpSeconds: 0 }));
    await r.acd.putAgent(agent('first', ['q']));
    await r.acd.putAgent(agent('backup', [{ queue: 'q', tier: 2 }]));
    await r.acd.login('backup');
    await r.clock.advance(1000);
    await r.acd.login('first');
    const c1 = await waitingCall(r.acd, 'q');
    await until(() => c1.got.length === 1, 'first offer');
    expect(c1.got[0]!.agentIds).toEqual(['first']);
    const c2 = await waitingCall(r.acd, 'q');
    expect(c2.result).toMatchObject({ kind: 'queued', position: 1 });
    await r.clock.advance(25_000);
    expect(c2.got).toHaveLength(0);
    await r.clock.advance(10_000); // the reaper run after 30 s re-runs the assignment
    await until(() => c2.got.length === 1, 'backup gets the caller after the tier wait');
    expect(c2.got[0]!.agentIds).toEqual(['backup']);
  });

  it('priority: a higher-priority caller is served first, then arrival order', async () => {
    r = await rig();
    await r.acd.putQueue(queue('q', { wrapUpSeconds: 0 }));
    await r.acd.putAgent(agent('a1', ['q']));
    await r.acd.login('a1', { pausedReason: 'break' });
    const low1 = await waitingCall(r.acd, 'q', { priority: 1 });
    await r.clock.advance(1000);
    const low2 = await waitingCall(r.acd, 'q', { priority: 1 });
    await r.clock.advance(1000);
    const vip = await waitingCall(r.acd, 'q', { priority: 9 });
    expect(vip.result).toMatchObject({ kind: 'queued', position: 1 });
    expect((await r.acd.store.waiting('q')).map((w) => w.entryId)).toEqual([vip.entryId, low1.entryId, low2.entryId]);
    await r.acd.ready('a1');
    await until(() => vip.got.length === 1, 'vip first');
    expect(low1.got).toHaveLength(0);
  });

  it('an agent in several queues takes the best head caller across them', async () => {
    r = await rig();
    await r.acd.putQueue(queue('q1', { wrapUpSeconds: 0 }));
    await r.acd.putQueue(queue('q2', { wrapUpSeconds: 0 }));
    await r.acd.putAgent(agent('a1', ['q1', 'q2']));
    await r.acd.login('a1', { pausedReason: 'break' });
    const older = await waitingCall(r.acd, 'q2');
    await r.clock.advance(5000);
    const newer = await waitingCall(r.acd, 'q1');
    await r.acd.ready('a1');
    await until(() => older.got.length === 1, 'older caller first');
    expect(newer.got).toHaveLength(0);
  });
});
