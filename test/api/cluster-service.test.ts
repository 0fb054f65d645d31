/**
 * The whole service on Redis Cluster (REDIS_CLUSTER_NODES): a one-node
 * cluster started for this file, the service started as `npm start` would
 * (startService, TELEPHONY_DRIVER=sim), then over real HTTP: readiness, a
 * flow published and routed, a simulated call queued and answered by an
 * agent, queue statistics. Redis in cluster mode refuses any script, MULTI
 * or multi-key command spanning slots, so this run proves that every
 * operation of the flow store, routing, ACD, call-backs and live calls
 * stays in the slot of its prefix's hash tag.
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
import { startRedisCluster, type PrivateCluster } from '../support/redis-cluster.ts';
import { adminApi, advanceUntil, answeredDialCall, publishAndRoute, removeDir, salesQueueFlow, salesQueueWithAnn, simServiceEnv, tempFlowsDir } from './harness.ts';

describe('the service on Redis Cluster', () => {
  let cluster: PrivateCluster;
  let running: Running;
  let dir: string;
  let probe: Redis;
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));

  const api = adminApi(() => running.apiUrl);

  const runUntil = (done: () => boolean | Promise<boolean>, what: string) => advanceUntil(clock, () => probe.ping(), done, what);

  beforeAll(async () => {
    // Three primaries; the seed holds neither prefix: {flows} (slot 10969) is on the second, {main} (12501) on the third.
    cluster = await startRedisCluster('service-cluster', [
      [0, 5460],
      [5461, 11000],
      [11001, 16383],
    ]);
    probe = new Redis(cluster.port, '127.0.0.1');
    dir = tempFlowsDir();
    writeFileSync(join(dir, 'routes.json'), JSON.stringify({ routes: {} }));
    const config = loadConfig(
      simServiceEnv(dir, {
        REDIS_URL: 'redis://127.0.0.1:1',
        REDIS_CLUSTER_NODES: `127.0.0.1:${cluster.port}`,
        // The shipped defaults: ivr:{flows}: for flows and routing, ivr:{main}: for the ACD, call-backs and live calls.
        ACD_QUEUES_FILE: join(dir, 'acd', 'none.json'),
        ACD_AGENTS_FILE: join(dir, 'acd', 'none.json'),
        INSTANCE_ID: 'cluster-test',
      }),
      dir,
    );
    running = await startService(config, pino({ level: 'silent' }), clock);
  });
  afterAll(async () => {
    await running?.stop('test');
    probe?.disconnect();
    if (dir) removeDir(dir);
    await cluster?.stop();
  });

  it('is ready, routes a call through a published flow to an agent, and counts it', async () => {
    expect(await api('/ready')).toMatchObject({ status: 200, body: { ready: true } });

    await salesQueueWithAnn(api);

    await publishAndRoute(running, api, salesQueueFlow, '200');

    const sim = running.sim!;
    sim.endpoint('sip:1001@agents.test', { answerAfterMs: 2_000, onScriptEnd: 'wait' });
    const { call, party } = sim.incoming({ from: '+48600100200', to: '200', onScriptEnd: 'wait' });
    let agentCall: SimCall | undefined;
    await runUntil(() => (agentCall = answeredDialCall(sim)) !== undefined, 'the agent answered');
    expect(call.heard.map((h) => h.text).join('|')).toContain('Welcome to sales');
    expect(sim.dials[0]).toMatchObject({ outcome: 'answered' });
    await runUntil(async () => ((await api('/agents/ann/state')).body as { state?: string }).state === 'on-call', 'the agent is on the call');

    // The live-calls board (one MULTI per snapshot) shows the call in its queue.
    await running.liveCalls.flush();
    const calls = (await api('/calls')).body as { calls: Array<{ to: string; flowId: string; queueId?: string }> };
    expect(calls.calls).toEqual([expect.objectContaining({ to: '200', flowId: 'sales', queueId: 'sales' })]);

    party.hangup();
    await runUntil(() => call.isEnded && agentCall!.isEnded, 'both legs ended');
    await runUntil(async () => ((await api('/agents/ann/state')).body as { state?: string }).state !== 'on-call', 'the agent is off the call');

    const stats = await api('/queues/sales/stats');
    expect(stats).toMatchObject({ status: 200, body: { queueId: 'sales', waiting: 0, today: expect.objectContaining({ offered: 1, answered: 1 }) } });
  });

  it('keeps every key of the service in the slot of one of its prefixes, on the node that holds it', async () => {
    const slots = new Map<string, number>();
    for (const tag of ['flows', 'main']) slots.set(tag, Number(await probe.call('CLUSTER', 'KEYSLOT', `{${tag}}`)));
    expect(new Set([...slots.values()].map((slot) => cluster.nodeFor(slot).port)).size).toBe(2);
    let inSlots = 0;
    let total = 0;
    for (const node of cluster.nodes) {
      const c = new Redis(node.port, '127.0.0.1');
      try {
        total += await c.dbsize();
        for (const slot of slots.values()) if (cluster.nodeFor(slot) === node) inSlots += Number(await c.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)));
        // The ACD's function library is on the node of its slot (loaded on every primary).
        if (cluster.nodeFor(slots.get('main')!) === node) expect(JSON.stringify(await c.call('FUNCTION', 'LIST'))).toContain('acd_');
      } finally {
        c.disconnect();
      }
    }
    expect(total).toBeGreaterThan(0);
    expect(inSlots).toBe(total);
  });
});
