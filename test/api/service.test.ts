/**
 * The whole service as `npm start` builds it (TELEPHONY_DRIVER=sim, only
 * Redis): a routed number runs the published flow; a call in progress keeps
 * the version it started with while a new version is published; a number
 * with no route hears an apology.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { startService, type Running } from '../../src/main.ts';
import type { SimTelephony } from '../../src/telephony/sim/sim-telephony.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { redisUrl, testPrefix } from '../support/redis.ts';
import { adminApi, removeDir, simServiceEnv, tempFlowsDir, TOKENS } from './harness.ts';

const menuFlow = (label: string) => ({
  id: 'main',
  name: 'Main',
  defaultLanguage: 'en',
  start: 'menu',
  nodes: {
    menu: { type: 'menu', prompt: `Menu ${label}`, choices: [{ key: '1', next: 'after' }], fallback: 'after' },
    after: { type: 'play', prompt: `After ${label}`, next: 'bye' },
    bye: { type: 'hangup' },
  },
});

describe('the service started as npm start does (sim driver)', () => {
  let running: Running;
  let sim: SimTelephony;
  let dir: string;
  const clock = new VirtualClock();

  const api = adminApi(() => running.apiUrl);

  /**
   * Lets the call run (prompts take virtual time) until the caller is asked for input or the call ends.
   * Each step also lets Redis replies in: under load 200 steps could otherwise pass before the
   * route lookup came back, and the test looked at a call that had not started yet.
   */
  const runUntil = async (done: () => boolean) => {
    for (let i = 0; i < 200 && !done(); i++) {
      await clock.advance(1_000);
      await new Promise((r) => setTimeout(r, 1));
    }
  };

  beforeAll(async () => {
    dir = tempFlowsDir({ main: menuFlow('one') });
    writeFileSync(join(dir, 'routes.json'), JSON.stringify({ routes: { '100': 'main' } }));
    const prefix = testPrefix('svc');
    const config = loadConfig(
      simServiceEnv(dir, {
        REDIS_URL: redisUrl(),
        FLOWS_WRITE_BACK: 'true',
        FLOWS_KEY_PREFIX: `${prefix}{flows}:`,
        ACD_KEY_PREFIX: `${prefix}{acd}:`,
        ACD_QUEUES_FILE: join(dir, 'acd', 'none.json'),
        ACD_AGENTS_FILE: join(dir, 'acd', 'none.json'),
        INSTANCE_ID: 'svc-test',
      }),
      dir,
    );
    running = await startService(config, pino({ level: 'silent' }), clock);
    sim = running.sim!;
  });
  afterAll(async () => {
    await running.stop('test');
    removeDir(dir);
  });

  it('a call in progress keeps its version while a new one is published', async () => {
    const first = sim.incoming({ from: '+48600000001', to: '100', onScriptEnd: 'wait' });
    await runUntil(() => first.call.listening !== null);
    expect(first.call.heard.map((h) => h.text).join('|')).toContain('Menu one');

    // Publish version two while the caller is in the menu.
    const live = new Promise<void>((resolve) => {
      const off = running.registry.onChange((c) => {
        if (c.flowId === 'main' && c.version === 2) {
          off();
          resolve();
        }
      });
    });
    expect((await api('/flows/main?publish=true', { method: 'PUT', body: menuFlow('two') })).status).toBe(201);
    await live;

    first.party.press('1');
    await runUntil(() => first.call.isEnded);
    const heardFirst = first.call.heard.map((h) => h.text).join('|');
    expect(heardFirst).toContain('After one');
    expect(heardFirst).not.toContain('two');

    const second = sim.incoming({ from: '+48600000002', to: '100', script: [{ digits: '1' }] });
    await runUntil(() => second.call.isEnded);
    expect(second.call.heard.map((h) => h.text).join('|')).toContain('After two');

    const metrics = await fetch(`${running.apiUrl}/metrics`, { headers: { authorization: `Bearer ${TOKENS.admin}` } });
    const text = await metrics.text();
    expect(text).toMatch(/ivr_calls_total\{[^}]*flow="main"[^}]*\} 2/);
    expect(text).toContain('ivr_redis_command_duration_seconds_bucket');
  });

  it('lists live calls with flow, node and duration; a supervisor hangs one up', async () => {
    const c = sim.incoming({ from: '+48600000004', to: '100', onScriptEnd: 'wait' });
    await runUntil(() => c.call.listening !== null);
    await clock.advance(7_000);
    const calls = (await api('/calls')).body as { calls: Array<Record<string, unknown>> };
    expect(calls.calls).toEqual([
      expect.objectContaining({ callId: c.call.info.id, from: '+48600000004', to: '100', flowId: 'main', nodeId: 'menu', language: 'en' }),
    ]);
    expect(calls.calls[0]!.durationSeconds).toBeGreaterThanOrEqual(7);
    expect((await api(`/calls/${c.call.info.id}/hangup`, { method: 'POST' })).status).toBe(204);
    await runUntil(() => c.call.isEnded);
    expect(c.call.isEnded).toBe(true);
    expect((await api('/calls')).body).toEqual({ calls: [] });
    expect((await api(`/calls/${c.call.info.id}/hangup`, { method: 'POST' })).status).toBe(404);
  });

  it('a number without a route hears an apology, then the call ends', async () => {
    const lost = sim.incoming({ from: '+48600000003', to: '999' });
    await runUntil(() => lost.call.isEnded);
    expect(lost.call.heard.map((h) => h.text).join('|')).toMatch(/sorry/i);
  });

  it("call-backs follow the queue's own hours of operation, set over the API", async () => {
    // Monday 10:00 in Warsaw now; the queue opens on Tuesdays 08:00-09:00 only.
    const hours = { timeZone: 'Europe/Warsaw', weekly: { tue: ['08:00-09:00'] } };
    const bad = await api('/queues/cbq', { method: 'PUT', body: { name: 'Call-backs', hours: { ...hours, weekly: { tue: ['09:00-08:00'] } } } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('/hours/weekly/tue/0');
    expect((await api('/queues/cbq', { method: 'PUT', body: { name: 'Call-backs', hours } })).status).toBe(201);
    expect((await api('/queues/cbq')).body).toMatchObject({ hours });

    const cbFlow = {
      id: 'cb',
      name: 'Call-back line',
      defaultLanguage: 'pl',
      start: 'cb',
      nodes: {
        cb: { type: 'callback', queue: 'cbq', next: 'bye', declined: 'bye', error: 'bye' },
        bye: { type: 'hangup' },
      },
    };
    expect((await api('/flows/cb?publish=true', { method: 'PUT', body: cbFlow })).status).toBe(201);
    expect((await api('/routes/300', { method: 'PUT', body: { flowId: 'cb' } })).status).toBe(200);
    await runUntil(() => running.registry.get('cb') !== undefined);

    const c = sim.incoming({ from: '+48600000005', to: '300', script: [{ digits: '1' }, { digits: '1' }] });
    await runUntil(() => c.call.isEnded);
    expect(c.call.heard.map((h) => h.text).join('|')).toContain('jutro o 08:00');
    const list = (await api('/callbacks?queueId=cbq')).body as { callbacks: Array<{ dueAt: string }> };
    expect(list.callbacks.map((cb) => cb.dueAt)).toEqual(['2026-01-06T07:00:00.000Z']);
  });

  it('serves the OpenAPI document and readiness', async () => {
    const ready = await api('/ready');
    expect(ready).toEqual({ status: 200, body: { ready: true, checks: [{ name: 'redis', ok: true }] } });
    const doc = (await api('/docs/json')).body as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/flows/{flowId}', '/agents/{agentId}/pause', '/callbacks/{callbackId}/reschedule']));
  });
});
