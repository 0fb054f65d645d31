import { afterEach, describe, expect, it } from 'vitest';
import { rig, prefix, queue, agent, until, waitingCall, type Rig } from './helpers.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import type { CallbackAssignment } from '../../src/acd/service.ts';

const rigs: Rig[] = [];
afterEach(async () => {
  while (rigs.length) await rigs.pop()!.close();
});

/** Two instances on one prefix and one clock: `dead` will stop heartbeating, `live` reaps. */
async function twoInstances(): Promise<{ clock: VirtualClock; dead: Rig; live: Rig }> {
  const p = prefix();
  const clock = new VirtualClock();
  const dead = await rig({ prefix: p, clock, instanceId: 'dead' });
  const live = await rig({ prefix: p, clock, instanceId: 'live' });
  rigs.push(dead, live);
  return { clock, dead, live };
}

describe('instance leases', () => {
  it('reclaims the entries and reservations of an instance whose lease lapsed', async () => {
    const { clock, dead, live } = await twoInstances();
    await live.acd.putQueue(queue('q'));
    await live.acd.putAgent(agent('a1', ['q']));
    await live.acd.putAgent(agent('a2', ['q']));
    await live.acd.login('a1');
    const ringing = await waitingCall(dead.acd, 'q');
    await until(() => ringing.got.length === 1, 'a1 reserved for the dead instance');
    const waiting = await waitingCall(dead.acd, 'q');
    const cb = await dead.acd.enqueueCallback({ queueId: 'q', priority: 0, skills: {}, data: { number: '+48600000000' }, arrivedAt: clock.now() - 60_000 });
    expect((await live.acd.agentStatus('a1'))?.state).toBe('reserved');

    await dead.acd.halt(); // the process dies: no heartbeat, nothing cleaned up
    const handed: CallbackAssignment[] = [];
    live.acd.onCallbackAssignment(async (as) => {
      handed.push(as);
    });
    await clock.advance(10_000);
    expect((await live.acd.agentStatus('a1'))?.state).toBe('reserved'); // lease still valid
    await clock.advance(10_000); // lease (15 s) lapsed; the live instance's reaper runs
    await until(async () => (await live.acd.store.waiting('q')).length === 0 && handed.length === 1, 'reclaimed');
    expect((await live.acd.store.agentState('a1'))?.state).toBe('reserved'); // now for the call-back, on the live instance
    expect(handed[0]).toMatchObject({ entryId: cb.entryId, kind: 'callback', agentIds: ['a1'] });
    expect((await live.acd.queueStatus('q')).today.lost).toBe(2);
    expect(waiting.got).toHaveLength(0);
    // the reaper is idempotent
    expect(await live.acd.reapNow()).toEqual({ deadInstances: 0, entriesReclaimed: 0, wrapupsEnded: 0 });
    await handed[0]!.connect('a1');
    await handed[0]!.complete('a1');
    expect((await live.acd.agentStatus('a1'))?.state).toBe('wrap-up');
  });

  it('a process restarted under the same instance id within the lease reclaims what the earlier one left', async () => {
    const p = prefix();
    const clock = new VirtualClock();
    const first = await rig({ prefix: p, clock, instanceId: 'i1' });
    rigs.push(first);
    await first.acd.putQueue(queue('q'));
    await first.acd.putAgent(agent('a1', ['q']));
    await first.acd.putAgent(agent('a2', ['q']));
    await first.acd.login('a1');
    const ringing = await waitingCall(first.acd, 'q');
    await until(() => ringing.got.length === 1, 'a1 reserved');
    await waitingCall(first.acd, 'q');
    const cb = await first.acd.enqueueCallback({ queueId: 'q', priority: 0, skills: {}, data: {}, arrivedAt: clock.now() - 60_000 });
    await first.acd.halt(); // killed; restarted at once under the same id (a container whose hostname and pid repeat)

    const again = await rig({ prefix: p, clock, instanceId: 'i1' });
    rigs.push(again);
    const handed: CallbackAssignment[] = [];
    again.acd.onCallbackAssignment(async (as) => {
      handed.push(as);
    });
    // At once, not after the lease: the calls died with the first process, a1 is free again and is offered the call-back, which waited on.
    expect((await again.acd.queueStatus('q')).today.lost).toBe(2);
    await until(() => handed.length === 1, 'the call-back offered to a1');
    expect(handed[0]).toMatchObject({ entryId: cb.entryId, agentIds: ['a1'] });
    expect((await again.acd.queueStatus('q')).today.lost).toBe(2);
  });

  it('pauses an agent whose call died with its instance (reason lost-call): the bridge may go on without it', async () => {
    const { clock, dead, live } = await twoInstances();
    await live.acd.putQueue(queue('q'));
    await live.acd.putAgent(agent('a1', ['q']));
    await live.acd.login('a1');
    const c = await waitingCall(dead.acd, 'q');
    await until(() => c.got.length === 1, 'offer');
    await dead.acd.store.connect(c.entryId, 'a1');
    await dead.acd.halt();
    const next = await waitingCall(live.acd, 'q');
    await clock.advance(20_000); // the lease lapsed; the live instance's reaper runs
    await until(async () => (await live.acd.agentStatus('a1'))?.state === 'paused', 'reclaimed');
    expect(await live.acd.agentStatus('a1')).toMatchObject({ state: 'paused', reason: 'lost-call' });
    expect(next.got).toHaveLength(0); // not rung while they may still be talking
    expect((await live.acd.queueStatus('q')).today.lost).toBe(1);
    await live.acd.ready('a1');
    await until(() => next.got.length === 1, 'offered once the agent is ready');
  });

  it('ends a wrap-up whose timer died with its instance', async () => {
    const { clock, dead, live } = await twoInstances();
    await live.acd.putQueue(queue('q', { wrapUpSeconds: 10 }));
    await live.acd.putAgent(agent('a1', ['q']));
    await live.acd.login('a1');
    const c = await waitingCall(dead.acd, 'q');
    await until(() => c.got.length === 1, 'offer');
    await dead.acd.store.connect(c.entryId, 'a1');
    await dead.acd.completeCall(c.entryId, 'a1');
    await dead.acd.halt();
    await clock.advance(15_000);
    await until(async () => (await live.acd.agentStatus('a1'))?.state === 'available', 'wrap-up ended by the reaper');
  });
});
