/**
 * The service as shipped: `npm start` with the example ivr-flows/ (flows,
 * routes, queue and agent files) publishes the example flow at start-up and
 * answers a call on any number with it.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { startService, type Running } from '../../src/main.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { redisUrl, testPrefix } from '../support/redis.ts';
import { simServiceEnv, TOKENS } from './harness.ts';

describe('the service with the shipped example configuration', () => {
  let running: Running;
  let dir: string;
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ivr-examples-'));
    cpSync(fileURLToPath(new URL('../../ivr-flows', import.meta.url)), dir, { recursive: true });
    const prefix = testPrefix('ex');
    const config = loadConfig(
      simServiceEnv(dir, {
        REDIS_URL: redisUrl(),
        FLOWS_KEY_PREFIX: `${prefix}{flows}:`,
        ACD_KEY_PREFIX: `${prefix}{acd}:`,
        CALLBACK_KEY_PREFIX: `${prefix}{acd}:cb:`,
        ACD_QUEUES_FILE: join(dir, 'acd', 'queues.json'),
        ACD_AGENTS_FILE: join(dir, 'acd', 'agents.json'),
        TRANSFER_ALLOW: 'sip:*@pbx.example.com',
        INSTANCE_ID: 'examples-test',
      }),
      dir,
    );
    running = await startService(config, pino({ level: 'silent' }), clock);
  });
  afterAll(async () => {
    await running.stop('test');
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the example flow at start-up (its queues are known by then)', async () => {
    const res = await fetch(`${running.apiUrl}/flows`, { headers: { authorization: `Bearer ${TOKENS.admin}` } });
    const body = (await res.json()) as { flows: Array<{ id: string; status: string; publishedVersion?: number; issues: unknown[] }> };
    expect(body.flows).toEqual([expect.objectContaining({ id: 'main', status: 'ok', publishedVersion: 1, issues: [] })]);
  });

  it('answers a call on any number with the example flow', async () => {
    const { call } = running.sim!.incoming({ from: '+48600100200', to: '+48221234567', onScriptEnd: 'wait' });
    // Virtual time moves in steps; between them real Redis replies (routing, flow) may land.
    for (let i = 0; i < 400 && call.listening === null; i++) {
      await clock.advance(250);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(call.heard[0]?.text).toBe('tts[pl]: Dzień dobry, tu infolinia firmy Przykład.');
    expect(call.listening).toBe('speech');
    call.party.hangup();
  });
});
