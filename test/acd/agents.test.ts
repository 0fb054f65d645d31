import { afterEach, describe, expect, it } from 'vitest';
import { rig, until, queue, agent, waitingCall, type Rig } from './helpers.ts';
import { AcdError } from '../../src/acd/errors.ts';

let r: Rig;
afterEach(async () => r?.close());

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AcdError) return e.code;
    throw e;
  }
  return 'accepted';
}

describe('agent state machine', () => {
  it('walks offline → available → reserved → on-call → wrap-up → available', async () => {
    r = await rig();
    const { acd, clock } = r;
    await acd.putQueue(queue('sales', { wrapUpSeconds: 30 }));
    await acd.putAgent(agent('a1', ['sales']));
    expect((await acd.agentStatus('a1'))?.state).toBe('offline');
    expect(await acd.login('a1')).toBe('available');
    const c = await waitingCall(acd, 'sales');
    expect(c.result).toMatchObject({ kind: 'queued', position: 0 });
    await until(() => c.got.length === 1, 'assignment');
    expect(c.got[0]!.agentIds).toEqual(['a1']);
    expect((await acd.agentStatus('a1'))?.state).toBe('reserved');
    await acd.store.connect(c.entryId, 'a1');
    expect((await acd.agentStatus('a1'))?.state).toBe('on-call');
    await clock.advance(60_000);
    const done = await acd.completeCall(c.entryId, 'a1');
    expect(done).toEqual({ state: 'wrap-up', wrapUntil: clock.now() + 30_000 });
    await clock.advance(29_000);
    expect((await acd.agentStatus('a1'))?.state).toBe('wrap-up');
    await clock.advance(1_000);
    await until(async () => (await acd.agentStatus('a1'))?.state === 'available', 'wrap-up ends on its own');
  });

  it('refuses invalid transitions and accepts the valid ones', async () => {
    r = await rig();
    const { acd } = r;
    await acd.putQueue(queue('q'));
    await acd.putAgent(agent('a1', ['q']));
    expect(await refused(acd.logout('a1'))).toBe('INVALID_TRANSITION');
    expect(await refused(acd.ready('a1'))).toBe('INVALID_TRANSITION');
    expect(await refused(acd.pause('a1', 'break'))).toBe('INVALID_TRANSITION');
    expect(await refused(acd.endWrapUp('a1'))).toBe('INVALID_TRANSITION');
    expect(await refused(acd.login('nobody'))).toBe('UNKNOWN_AGENT');
    expect(await acd.login('a1', { pausedReason: 'training' })).toBe('paused');
    expect((await acd.agentStatus('a1'))?.reason).toBe('training');
    expect(await refused(acd.login('a1'))).toBe('INVALID_TRANSITION');
    expect(await acd.pause('a1', 'break')).toBe('paused');
    expect((await acd.agentStatus('a1'))?.reason).toBe('break');
    expect(await acd.ready('a1')).toBe('available');
    expect(await refused(acd.ready('a1'))).toBe('INVALID_TRANSITION');
    expect(await refused(acd.extendWrapUp('a1', 10))).toBe('INVALID_TRANSITION');
    // on a call: cannot be made available, paused or logged out
    const c = await waitingCall(acd, 'q');
    await until(() => c.got.length === 1, 'assignment');
    expect(await refused(acd.logout('a1'))).toBe('INVALID_TRANSITION');
    await acd.store.connect(c.entryId, 'a1');
    expect(await refused(acd.ready('a1'))).toBe('INVALID_TRANSITION');
    expect(await refused(acd.pause('a1', 'break'))).toBe('INVALID_TRANSITION');
    expect(await refused(acd.logout('a1'))).toBe('INVALID_TRANSITION');
    expect(await refused(acd.deleteAgent('a1'))).toBe('AGENT_BUSY');
    await acd.completeCall(c.entryId, 'a1');
    expect((await acd.agentStatus('a1'))?.state).toBe('wrap-up');
    expect(await acd.pause('a1', 'back-office')).toBe('paused');
    expect(await acd.logout('a1')).toBe('offline');
    expect(await refused(acd.pause('a1', 'bad reason!'))).toBe('BAD_OP');
  });

  it("refuses the pause reasons only the ACD sets ('missed', 'unreachable', 'lost-call'), so that e.g. a registration never ends a supervisor's pause", async () => {
    r = await rig();
    const { acd } = r;
    await acd.putQueue(queue('q'));
    await acd.putAgent(agent('a1', ['q']));
    for (const reason of ['missed', 'unreachable', 'lost-call', 'Unreachable']) {
      await expect(acd.login('a1', { pausedReason: reason })).rejects.toThrow(/set only by the ACD/);
    }
    expect((await acd.agentStatus('a1'))?.state).toBe('offline');
    expect(await acd.login('a1')).toBe('available');
    for (const reason of ['missed', 'unreachable', 'lost-call']) {
      await expect(acd.pause('a1', reason)).rejects.toMatchObject({ code: 'BAD_OP', message: expect.stringContaining(`"${reason}" is set only by the ACD`) });
    }
    expect((await acd.agentStatus('a1'))?.state).toBe('available');
    expect(await acd.pause('a1', 'unreachable-phone')).toBe('paused');
  });

  it('ends wrap-up early or extends it', async () => {
    r = await rig();
    const { acd, clock } = r;
    await acd.putQueue(queue('q', { wrapUpSeconds: 20 }));
    await acd.putAgent(agent('a1', ['q']));
    await acd.login('a1');
    for (let i = 0; i < 2; i++) {
      const c = await waitingCall(acd, 'q');
      await until(() => c.got.length === 1, 'assignment');
      await acd.store.connect(c.entryId, 'a1');
      await acd.completeCall(c.entryId, 'a1');
      if (i === 0) {
        expect(await acd.endWrapUp('a1')).toBe('available');
      } else {
        const end = await acd.extendWrapUp('a1', 40);
        expect(end).toBe(clock.now() + 60_000);
        await clock.advance(30_000);
        expect((await acd.agentStatus('a1'))?.state).toBe('wrap-up');
        await clock.advance(30_000);
        await until(async () => (await acd.agentStatus('a1'))?.state === 'available', 'extended wrap-up ends');
      }
    }
  });

  it('pauses an agent with reason "missed" after maxMissed ring-no-answers in a row; the caller keeps the head', async () => {
    r = await rig();
    const { acd } = r;
    await acd.putQueue(queue('q', { maxMissed: 2 }));
    await acd.putAgent(agent('a1', ['q']));
    const first = await waitingCall(acd, 'q');
    const second = await waitingCall(acd, 'q');
    expect(first.result).toMatchObject({ kind: 'no-agents' });
    await acd.login('a1');
    const c1 = await waitingCall(acd, 'q', { arrivedAt: r.clock.now() - 1000 });
    const c2 = await waitingCall(acd, 'q');
    expect(second.result).toMatchObject({ kind: 'no-agents' });
    await until(() => c1.got.length === 1, 'first offer');
    expect(await acd.releaseOffer(c1.entryId, 'a1', 'missed')).toBe('available');
    await r.clock.advance(4_000);
    expect(c1.got).toHaveLength(1); // the agent rests missedRetrySeconds (5 s) after a miss
    await r.clock.advance(1_000);
    await until(() => c1.got.length === 2, 'offered again to the same head caller');
    expect(c2.got).toHaveLength(0);
    expect(await acd.releaseOffer(c1.entryId, 'a1', 'missed')).toBe('paused');
    const st = await acd.agentStatus('a1');
    expect(st).toMatchObject({ state: 'paused', reason: 'missed' });
    expect((await acd.store.waiting('q')).map((w) => w.entryId)).toEqual([c1.entryId, c2.entryId]);
  });

  it("pauses an agent with no device to ring as 'unreachable' at once, not as a miss; the caller goes to the next agent; the agent's next registration makes it available again", async () => {
    r = await rig();
    const { acd } = r;
    await acd.putQueue(queue('q', { strategy: 'top-down' }));
    await acd.putAgent(agent('a1', [{ queue: 'q', position: 1 }]));
    await acd.putAgent(agent('a2', [{ queue: 'q', position: 2 }]));
    await acd.login('a1');
    await acd.login('a2');
    const c1 = await waitingCall(acd, 'q');
    await until(() => c1.got.length === 1, 'offered');
    expect(c1.got[0]!.agentIds).toEqual(['a1']); // top-down: a1 first
    expect(await acd.releaseOffer(c1.entryId, 'a1', 'unreachable')).toBe('paused');
    await until(() => c1.got.length === 2, 'offered to the next agent at once (no rest)');
    expect(c1.got[1]!.agentIds).toEqual(['a2']);
    expect(await acd.agentStatus('a1')).toMatchObject({ state: 'paused', reason: 'unreachable' });
    expect((await acd.agentStats('a1')).today.missed).toBe(0);
    // A pause the agent chose is not ended by a registration …
    await acd.putAgent(agent('a3', ['q']));
    await acd.login('a3', { pausedReason: 'break' });
    expect(await acd.resumeIfPausedFor('a3', 'unreachable')).toEqual({ resumed: false, state: 'paused' });
    expect(await acd.agentStatus('a3')).toMatchObject({ state: 'paused', reason: 'break' });
    // … the 'unreachable' one is: a1 is available again and gets the next caller.
    const c2 = await waitingCall(acd, 'q');
    expect(c2.got).toHaveLength(0);
    expect(await acd.resumeIfPausedFor('a1', 'unreachable')).toEqual({ resumed: true, state: 'reserved' }); // available, and given the waiting caller at once
    await until(() => c2.got.length === 1, 'offered to a1');
    expect(c2.got[0]!.agentIds).toEqual(['a1']);
    // in any other state nothing changes
    expect(await acd.resumeIfPausedFor('a1', 'unreachable')).toEqual({ resumed: false, state: 'reserved' });
  });
});
