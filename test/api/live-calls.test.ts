/**
 * Live calls across instances, over real HTTP on the real Redis: two service
 * instances (as `npm start` builds them, sim driver) share one Redis; each
 * lists the calls of both, a supervisor on one hangs up a call running on
 * the other, and an instance that stops or stops renewing its snapshot no
 * longer contributes calls. Each instance has its own virtual clock.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import pino from 'pino';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { startService, type Running } from '../../src/main.ts';
import type { SimCallHandle } from '../../src/telephony/sim/types.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { redisUrl, testPrefix } from '../support/redis.ts';
import { removeDir, tempFlowsDir, TOKENS } from './harness.ts';

const waitingFlow = {
  id: 'main',
  name: 'Main',
  defaultLanguage: 'en',
  start: 'menu',
  nodes: {
    menu: { type: 'menu', prompt: 'Press 1', timeoutSeconds: 60, choices: [{ key: '1', next: 'bye' }], fallback: 'bye' },
    bye: { type: 'hangup' },
  },
};

const SNAPSHOT_MS = 500;
const TTL_MS = 1_500;

interface Node {
  running: Running;
  clock: VirtualClock;
  dir: string;
}

type CallsBody = { calls: Array<Record<string, unknown>> };

describe('live calls across two instances on one Redis', () => {
  const prefix = testPrefix('live');
  let a: Node;
  let b: Node;

  const start = async (instanceId: string): Promise<Node> => {
    const dir = tempFlowsDir({ main: waitingFlow });
    writeFileSync(join(dir, 'routes.json'), JSON.stringify({ routes: { '100': 'main' } }));
    const config = loadConfig(
      {
        TELEPHONY_DRIVER: 'sim',
        REDIS_URL: redisUrl(),
        API_HOST: '127.0.0.1',
        API_PORT: '0',
        API_TOKENS: `ops:admin:${TOKENS.admin},sup:supervisor:${TOKENS.supervisor},a1001:agent:${TOKENS.agent}:a1001`,
        FLOWS_DIR: dir,
        FLOWS_WATCH: 'false',
        FLOWS_RESYNC_MS: '0',
        FLOWS_WRITE_BACK: 'false',
        FLOWS_KEY_PREFIX: `${prefix}{flows}:`,
        ACD_KEY_PREFIX: `${prefix}{acd}:`,
        CALLBACK_KEY_PREFIX: `${prefix}{acd}:cb:`,
        ACD_QUEUES_FILE: join(dir, 'acd', 'none.json'),
        ACD_AGENTS_FILE: join(dir, 'acd', 'none.json'),
        LIVE_CALLS_SNAPSHOT_MS: String(SNAPSHOT_MS),
        LIVE_CALLS_TTL_MS: String(TTL_MS),
        INSTANCE_ID: instanceId,
      },
      dir,
    );
    const clock = new VirtualClock();
    return { running: await startService(config, pino({ level: 'silent' }), clock), clock, dir };
  };

  const api = async (node: Node, path: string, init: { method?: string; token?: string } = {}) => {
    const res = await fetch(`${node.running.apiUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.token ?? TOKENS.supervisor}` },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as unknown };
  };
  const list = async (node: Node) => ((await api(node, '/calls')).body as CallsBody).calls;
  const hangup = (node: Node, callId: string, token?: string) => api(node, `/calls/${callId}/hangup`, { method: 'POST', ...(token ? { token } : {}) });

  /** Advances both clocks in steps until `done` (prompts take virtual time). */
  const runUntil = async (done: () => boolean, nodes: Node[] = [a, b]) => {
    for (let i = 0; i < 100 && !done(); i++) for (const n of nodes) await n.clock.advance(200);
  };
  /** Places a call on `node` and waits until the caller is in the menu and the snapshot says so. */
  const placeCall = async (node: Node, from: string): Promise<SimCallHandle> => {
    const handle = node.running.sim!.incoming({ from, to: '100', onScriptEnd: 'wait' });
    await runUntil(() => handle.call.listening !== null);
    expect(handle.call.listening).not.toBeNull();
    await node.running.liveCalls.flush();
    return handle;
  };
  const ended = (handle: SimCallHandle): Promise<void> =>
    handle.call.isEnded ? Promise.resolve() : new Promise((resolve) => handle.call.ended.addEventListener('abort', () => resolve(), { once: true }));

  /** Lets ended calls leave the engines, then writes both snapshots. */
  const quiesce = async () => {
    for (const n of [a, b]) {
      await n.clock.settle();
      await n.running.liveCalls.flush();
    }
  };

  beforeAll(async () => {
    a = await start('node-a');
    b = await start('node-b');
  });
  afterAll(async () => {
    for (const n of [a, b]) {
      await n.running.stop('test');
      removeDir(n.dir);
    }
  });

  it('lists the calls of both instances from either one, with instance, flow, node and duration', async () => {
    const onA = await placeCall(a, '+48600000001');
    const onB = await placeCall(b, '+48600000002');
    for (const n of [a, b]) await n.clock.advance(3_000);
    await a.running.liveCalls.flush();
    await b.running.liveCalls.flush();

    const expected = [
      expect.objectContaining({ callId: onA.call.info.id, instance: 'node-a', from: '+48600000001', to: '100', flowId: 'main', nodeId: 'menu', language: 'en' }),
      expect.objectContaining({ callId: onB.call.info.id, instance: 'node-b', from: '+48600000002', to: '100', flowId: 'main', nodeId: 'menu', language: 'en' }),
    ];
    for (const n of [a, b]) {
      const calls = await list(n);
      expect(calls).toHaveLength(2);
      expect(calls).toEqual(expect.arrayContaining(expected));
      for (const c of calls) expect(c.durationSeconds).toBeGreaterThanOrEqual(3);
    }

    // Listing is for supervisors and admins; an agent token is refused.
    expect((await api(a, '/calls', { token: TOKENS.admin })).status).toBe(200);
    expect((await api(b, '/calls', { token: TOKENS.agent })).status).toBe(403);

    // Leave no calls behind for the next test.
    expect((await hangup(a, onA.call.info.id)).status).toBe(204);
    expect((await hangup(b, onB.call.info.id)).status).toBe(204);
    await Promise.all([ended(onA), ended(onB)]);
    await quiesce();
  });

  it('a supervisor on instance B hangs up a call running on instance A; unknown ids are 404', async () => {
    const onA = await placeCall(a, '+48600000011');
    const onB = await placeCall(b, '+48600000012');

    // An agent token may not hang up, even a call it could see nothing of.
    expect((await hangup(b, onA.call.info.id, TOKENS.agent)).status).toBe(403);
    expect(onA.call.isEnded).toBe(false);

    const res = await hangup(b, onA.call.info.id);
    expect(res).toEqual({ status: 202, body: { callId: onA.call.info.id, instance: 'node-a' } });
    await ended(onA);
    expect(onA.call.isEnded).toBe(true);
    expect(onB.call.isEnded).toBe(false);

    // Once A has written its snapshot, the call is gone from every list.
    await quiesce();
    expect((await list(b)).map((c) => c.callId)).toEqual([onB.call.info.id]);
    expect((await list(a)).map((c) => c.callId)).toEqual([onB.call.info.id]);
    expect((await hangup(b, onA.call.info.id)).status).toBe(404);

    expect((await hangup(a, 'no-such-call')).status).toBe(404);
    expect((await hangup(b, 'no-such-call', TOKENS.admin)).status).toBe(404);

    // An admin on A ends B's call the same way.
    expect((await hangup(a, onB.call.info.id, TOKENS.admin)).status).toBe(202);
    await ended(onB);
    expect(onB.call.isEnded).toBe(true);
    await quiesce();
    expect(await list(a)).toEqual([]);
  });

  it('an instance whose snapshot is not renewed within the TTL no longer contributes calls', async () => {
    const onA = await placeCall(a, '+48600000021');
    const onB = await placeCall(b, '+48600000022');
    expect(await list(b)).toHaveLength(2);

    // Only B's time passes: A wrote nothing for longer than the TTL (as a frozen or dead instance).
    await b.clock.advance(TTL_MS + SNAPSHOT_MS);
    expect((await list(b)).map((c) => c.callId)).toEqual([onB.call.info.id]);
    expect((await hangup(b, onA.call.info.id)).status).toBe(404);
    expect(onA.call.isEnded).toBe(false);

    // A comes back to life: its next snapshot makes its call visible again.
    await a.clock.advance(TTL_MS + SNAPSHOT_MS);
    await a.running.liveCalls.flush();
    expect((await list(b)).map((c) => c.callId).sort()).toEqual([onA.call.info.id, onB.call.info.id].sort());

    expect((await hangup(a, onA.call.info.id)).status).toBe(204);
    expect((await hangup(b, onB.call.info.id)).status).toBe(204);
    await Promise.all([ended(onA), ended(onB)]);
    await quiesce();
  });

  it('a call starting is listed at once; a snapshot lost from Redis (a restart) is whole again after the next periodic write', async () => {
    const first = await placeCall(a, '+48600000041');
    expect((await list(b)).map((c) => c.callId)).toEqual([first.call.info.id]);
    const redis = new Redis(redisUrl());
    try {
      await redis.del(`${prefix}{acd}:calls:snap:node-a`);
    } finally {
      redis.disconnect();
    }
    expect(await list(b)).toEqual([]);
    // A call start writes only what changed: the new call is listed at once…
    const second = await placeCall(a, '+48600000042');
    expect((await list(b)).map((c) => c.callId)).toContain(second.call.info.id);
    // …and the periodic write replaces the whole hash, so the lost entry is back.
    await a.clock.advance(SNAPSHOT_MS);
    await a.running.liveCalls.flush();
    expect((await list(b)).map((c) => c.callId).sort()).toEqual([first.call.info.id, second.call.info.id].sort());
    // An ended call leaves the board with the next write.
    expect((await hangup(a, first.call.info.id)).status).toBe(204);
    await ended(first);
    await quiesce();
    expect((await list(b)).map((c) => c.callId)).toEqual([second.call.info.id]);
    expect((await hangup(a, second.call.info.id)).status).toBe(204);
    await ended(second);
    await quiesce();
    expect(await list(b)).toEqual([]);
  });

  it('an instance that stops takes its calls off the board at once', async () => {
    const onA = await placeCall(a, '+48600000031');
    const onB = await placeCall(b, '+48600000032');
    expect(await list(b)).toHaveLength(2);

    await a.running.stop('test');
    expect((await list(b)).map((c) => c.callId)).toEqual([onB.call.info.id]);
    expect((await hangup(b, onA.call.info.id)).status).toBe(404);

    expect((await hangup(b, onB.call.info.id)).status).toBe(204);
    await ended(onB);
  });
});
