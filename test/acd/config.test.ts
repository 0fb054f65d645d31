import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rig, until, queue, agent, waitingCall, prefix, type Rig } from './helpers.ts';
import { AcdError } from '../../src/acd/errors.ts';
import { AcdConfigError, parseQueuesFile, parseAgentsFile } from '../../src/acd/model.ts';
import { loadAcdConfig, AcdConfigEnvError } from '../../src/config/acd.ts';
import { acdSchemas } from '../../src/acd/schema.ts';

let r: Rig;
afterEach(async () => r?.close());

describe('live configuration changes', () => {
  it('keeps agents logged in and callers in order; removes stale memberships and tiers at once', async () => {
    r = await rig();
    const { acd } = r;
    await acd.putQueue(queue('q1', { wrapUpSeconds: 0 }));
    await acd.putQueue(queue('q2', { wrapUpSeconds: 0 }));
    await acd.putAgent(agent('a1', ['q1', 'q2']));
    await acd.login('a1', { pausedReason: 'break' });
    const c1 = await waitingCall(acd, 'q1');
    await r.clock.advance(1000);
    const c2 = await waitingCall(acd, 'q1');
    // queue config replaced: strategy and limits change, nobody dropped or reordered
    const { created } = await acd.putQueue(queue('q1', { strategy: 'round-robin', maxLength: 5, wrapUpSeconds: 0 }));
    expect(created).toBe(false);
    expect((await acd.store.waiting('q1')).map((w) => w.entryId)).toEqual([c1.entryId, c2.entryId]);
    expect((await acd.getQueue('q1'))?.strategy).toBe('round-robin');
    // agent config replaced: q2 membership removed, q1 tier changed; state kept
    await acd.putAgent(agent('a1', [{ queue: 'q1', tier: 2 }], { sales: 5 }));
    expect((await acd.agentStatus('a1'))).toMatchObject({ state: 'paused', reason: 'break' });
    expect(await acd.store.members('q2')).toEqual({});
    expect(await acd.store.members('q1')).toEqual({ a1: { tier: 2, position: 0 } });
    expect((await acd.getAgent('a1'))?.queues).toEqual([{ queue: 'q1', tier: 2, position: 0 }]);
    const other = await waitingCall(acd, 'q2');
    expect(other.result).toMatchObject({ kind: 'no-agents' });
    // ready: gets the head caller of q1 at once
    await acd.ready('a1');
    await until(() => c1.got.length === 1, 'head caller offered');
    expect(c2.got).toHaveLength(0);
  });

  it('adding an agent to a queue while callers wait offers them at once', async () => {
    r = await rig();
    const { acd } = r;
    await acd.putQueue(queue('q1'));
    await acd.putQueue(queue('q2'));
    await acd.putAgent(agent('a1', ['q1']));
    await acd.putAgent(agent('a2', ['q2']));
    await acd.login('a1', { pausedReason: 'break' });
    await acd.login('a2');
    const c = await waitingCall(acd, 'q1');
    expect(c.got).toHaveLength(0);
    await acd.putAgent(agent('a2', ['q1', 'q2']));
    await until(() => c.got.length === 1, 'offered to the newly added member');
    expect(c.got[0]!.agentIds).toEqual(['a2']);
  });

  it('refuses bad input with clear errors', async () => {
    r = await rig();
    const { acd } = r;
    await expect(acd.putQueue({ id: 'q', name: 'Q', strategy: 'fastest' })).rejects.toThrow(AcdConfigError);
    await expect(acd.putQueue({ id: 'q', name: 'Q', ringTimeoutSeconds: 0 })).rejects.toThrow(/ringTimeoutSeconds/);
    await expect(acd.putQueue({ id: 'q', name: 'Q', colour: 'red' })).rejects.toThrow(AcdConfigError);
    await expect(acd.putAgent(agent('a1', ['nope']))).rejects.toMatchObject({ code: 'UNKNOWN_QUEUE' });
    await acd.putQueue(queue('q'));
    await expect(acd.putAgent(agent('a1', ['q', 'q']))).rejects.toThrow(/listed twice/);
    await acd.putAgent(agent('a1', ['q']));
    await acd.login('a1', { pausedReason: 'break' });
    await waitingCall(acd, 'q');
    await expect(acd.deleteQueue('q')).rejects.toMatchObject({ code: 'QUEUE_BUSY' });
    await expect(acd.deleteQueue('missing')).rejects.toBeInstanceOf(AcdError);
  });

  it('deleting a queue removes it from its agents', async () => {
    r = await rig();
    const { acd } = r;
    await acd.putQueue(queue('q1'));
    await acd.putQueue(queue('q2'));
    await acd.putAgent(agent('a1', ['q1', 'q2']));
    await acd.login('a1');
    await acd.deleteQueue('q2');
    expect((await acd.getAgent('a1'))?.queues.map((m) => m.queue)).toEqual(['q1']);
    expect((await acd.agentStatus('a1'))?.state).toBe('available');
    expect(acd.knownQueueIds().has('q2')).toBe(false);
    await acd.deleteAgent('a1');
    expect(await acd.store.members('q1')).toEqual({});
    expect(await acd.listAgents()).toEqual([]);
  });

  it('loads the configuration files (the shipped example too) and prunes what they no longer list', async () => {
    r = await rig();
    const { acd } = r;
    const loaded = await acd.loadFiles({ queuesFile: 'ivr-flows/acd/queues.json', agentsFile: 'ivr-flows/acd/agents.json' });
    expect(loaded.queues).toBeGreaterThan(0);
    expect(loaded.agents).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'acd-cfg-'));
    writeFileSync(join(dir, 'queues.json'), JSON.stringify({ queues: [{ id: 'only', name: 'Only' }] }));
    writeFileSync(join(dir, 'agents.json'), JSON.stringify({ agents: [{ id: 'x1', name: 'X', queues: [{ queue: 'only' }] }] }));
    const again = await acd.loadFiles({ queuesFile: join(dir, 'queues.json'), agentsFile: join(dir, 'agents.json') }, { prune: true });
    expect(again.refused).toEqual([]);
    expect((await acd.listQueues()).map((q) => q.id)).toEqual(['only']);
    expect((await acd.listAgents()).map((a) => a.id)).toEqual(['x1']);
  });
});

describe("a queue's hours of operation", () => {
  const hours = { timeZone: 'Europe/Warsaw', weekly: { mon: ['08:00-16:00'], tue: ['08:00-12:00', '13:00-16:00'] }, holidays: [{ date: '12-25', name: 'Boże Narodzenie' }] };

  it('are checked with their place; a refused change keeps the stored hours', async () => {
    r = await rig();
    const { acd } = r;
    await acd.putQueue(queue('q', { hours }));
    await expect(acd.putQueue(queue('q', { hours: { ...hours, timeZone: 'Europe/Atlantis' } }))).rejects.toThrow(/\/hours\/timeZone: unknown time zone "Europe\/Atlantis"/);
    await expect(acd.putQueue(queue('q', { hours: { ...hours, weekly: { mon: ['08:00-12:00', '11:00-16:00'] } } }))).rejects.toThrow(/\/hours\/weekly\/mon: ranges overlap/);
    await expect(acd.putQueue(queue('q', { hours: { ...hours, weekly: { fri: ['8-16'] } } }))).rejects.toThrow(/\/hours\/weekly\/fri\/0/);
    expect((await acd.getQueue('q'))?.hours).toEqual(hours);
    expect(acd.queueHours('q')).toEqual(hours);
    expect(() =>
      parseQueuesFile({ queues: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B', hours: { timeZone: 'UTC', weekly: { sun: ['10:00-09:00'] } } }] }, 'queues.json'),
    ).toThrow('queues.json: /queues/1/hours/weekly/sun/0: "10:00-09:00" ends before it starts');
  });

  it('are seen by every instance: at once where set, within a reaper run elsewhere; removing them reopens the queue', async () => {
    const shared = prefix();
    r = await rig({ prefix: shared });
    const other = await rig({ prefix: shared, instanceId: 'i2', clock: r.clock });
    try {
      await r.acd.putQueue(queue('q', { hours }));
      expect(r.acd.queueHours('q')).toEqual(hours);
      expect(other.acd.queueHours('q')).toBeUndefined();
      await other.acd.reapNow();
      expect(other.acd.queueHours('q')).toEqual(hours);
      await r.acd.putQueue(queue('q'));
      expect(r.acd.queueHours('q')).toBeUndefined();
      await other.acd.reapNow();
      expect(other.acd.queueHours('q')).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('configuration formats', () => {
  it('reports file problems with their place', () => {
    expect(() => parseQueuesFile({ queues: [{ id: 'a', name: 'A' }, { id: 'a', name: 'B' }] }, 'queues.json')).toThrow('queues.json: /queues/1/id: duplicate queue id "a"');
    expect(() => parseAgentsFile({ agents: [{ id: 'x', name: 'X', skills: { en: 101 } }] }, 'agents.json')).toThrow(/agents\.json: \/agents\/0\/skills\/en/);
  });

  it('the published JSON Schemas match the TypeBox source', () => {
    const s = acdSchemas();
    expect(JSON.parse(readFileSync('ivr-flows/acd/queues.schema.json', 'utf8'))).toEqual(s.queues);
    expect(JSON.parse(readFileSync('ivr-flows/acd/agents.schema.json', 'utf8'))).toEqual(s.agents);
  });

  it('loadAcdConfig: defaults, overrides and errors naming the variable', () => {
    const d = loadAcdConfig({});
    expect(d).toMatchObject({ keyPrefix: 'ivr:{main}:', leaseMs: 15_000, heartbeatMs: 5_000, timeZone: 'Europe/Warsaw' });
    expect(loadAcdConfig({ ACD_KEY_PREFIX: 'x:{site2}:', ACD_INSTANCE_ID: 'node-7', ACD_LEASE_MS: '30000' })).toMatchObject({
      keyPrefix: 'x:{site2}:',
      instanceId: 'node-7',
      leaseMs: 30_000,
    });
    expect(() => loadAcdConfig({ ACD_KEY_PREFIX: 'ivr:' })).toThrow(/ACD_KEY_PREFIX.*hash tag/);
    expect(() => loadAcdConfig({ ACD_LEASE_MS: 'soon' })).toThrow(AcdConfigEnvError);
    expect(() => loadAcdConfig({ ACD_TIME_ZONE: 'Mars/Olympus' })).toThrow(/ACD_TIME_ZONE/);
    expect(() => loadAcdConfig({ ACD_HEARTBEAT_MS: '20000' })).toThrow(/ACD_HEARTBEAT_MS/);
  });
});
