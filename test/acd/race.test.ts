import { afterEach, describe, expect, it } from 'vitest';
import { rig, prefix, queue, agent, until, type Rig } from './helpers.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { AcdError } from '../../src/acd/errors.ts';
import type { Assignment } from '../../src/acd/service.ts';

const rigs: Rig[] = [];
afterEach(async () => {
  while (rigs.length) await rigs.pop()!.close();
});

describe('two instances racing on one Redis', () => {
  it('never gives one agent two calls or one call two agents, and loses nothing', async () => {
    const p = prefix();
    const clock = new VirtualClock();
    const a = await rig({ prefix: p, clock, instanceId: 'A' });
    const b = await rig({ prefix: p, clock, instanceId: 'B' });
    rigs.push(a, b);
    await a.acd.putQueue(queue('q', { wrapUpSeconds: 0, strategy: 'longest-idle-agent' }));
    await b.acd.putQueue(queue('q2', { wrapUpSeconds: 0, strategy: 'round-robin' }));
    const agents = Array.from({ length: 12 }, (_, i) => `ag${i}`);
    for (const [i, id] of agents.entries()) await (i % 2 ? a : b).acd.putAgent(agent(id, ['q', 'q2']));
    for (const id of agents) await a.acd.login(id);

    const onCall = new Set<string>();
    const violations: string[] = [];
    const offers = new Map<string, number>();
    let served = 0;
    const CALLS = 150;

    const handle = (inst: Rig) => async (as: Assignment) => {
      offers.set(as.entryId, (offers.get(as.entryId) ?? 0) + 1);
      if (as.agentIds.length !== 1) violations.push(`entry ${as.entryId} offered to ${as.agentIds.length} agents`);
      const agentId = as.agentIds[0]!;
      await inst.acd.store.connect(as.entryId, agentId);
      if (onCall.has(agentId)) violations.push(`agent ${agentId} got a second call`);
      onCall.add(agentId);
      await new Promise((r) => setImmediate(r));
      onCall.delete(agentId);
      await inst.acd.completeCall(as.entryId, agentId);
      served++;
    };

    const enqueueMany = async (inst: Rig, n: number) => {
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) {
        const entryId = await inst.acd.newEntryId();
        inst.acd.awaitAssignments(entryId, (as) => void handle(inst)(as).catch((e: unknown) => violations.push(String(e))));
        work.push(inst.acd.enqueue({ entryId, queueId: i % 3 ? 'q' : 'q2', kind: 'call', priority: i % 4, skills: {}, data: {} }));
      }
      await Promise.all(work);
    };
    const chaos = async (inst: Rig, rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        const id = agents[(i * 7 + (inst === a ? 1 : 3)) % agents.length]!;
        try {
          await inst.acd.pause(id, 'break');
          await inst.acd.ready(id);
        } catch (e) {
          if (!(e instanceof AcdError && e.code === 'INVALID_TRANSITION')) throw e;
        }
      }
    };

    await Promise.all([enqueueMany(a, CALLS / 2), enqueueMany(b, CALLS / 2), chaos(a, 60), chaos(b, 60)]);
    // anyone left paused by the chaos gets back to work
    for (const id of agents) await a.acd.ready(id).catch(() => undefined);
    await until(() => served === CALLS, `all ${CALLS} calls served (served ${served})`);
    expect(violations).toEqual([]);
    expect(offers.size).toBe(CALLS);
    expect([...offers.values()].every((n) => n === 1)).toBe(true);
    expect(await a.acd.store.waiting('q')).toEqual([]);
    expect(await a.acd.store.waiting('q2')).toEqual([]);
    const states = await a.acd.agentStatuses();
    expect(states.every((s) => s.state === 'available')).toBe(true);
    const st = (await a.acd.queueStatus('q')).today;
    const st2 = (await a.acd.queueStatus('q2')).today;
    expect(st.offered + st2.offered).toBe(CALLS);
    expect(st.answered + st2.answered).toBe(CALLS);
  });
});
