/** The service layer the admin API exposes: list, get, cancel, reschedule, backlog; and the configuration. */
import { afterEach, describe, expect, it } from 'vitest';
import { runUntil, world, type World } from './rig.ts';
import { loadCallbacksConfig } from '../../src/config/callbacks.ts';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const HOURS = { timeZone: 'Europe/Warsaw', weekly: { mon: ['08:00-16:00'], tue: ['08:00-16:00'] } };

describe('call-back administration', () => {
  it('reschedules a queued call-back: withdrawn from the queue, dialed at the new time; refuses times outside hours or in the past', async () => {
    w = await world({ hours: HOURS });
    const i1 = w.instances[0]!;
    const now = w.clock.now();
    w.sim.endpoint('sip:a1@agents.test', {});
    w.sim.endpoint('+48600100200', { onAnswer: (p) => void w!.clock.setTimer(10_000, () => p.hangup()) });
    const { id } = await i1.store.create(now, { queueId: 'sales', number: '+48600100200', language: 'pl', priority: 0, arrivedAt: now, dueAt: now, maxAttempts: 3, data: {} });
    i1.dialer.wake();
    await runUntil(w, async () => (await i1.callbacks.get(id))?.status === 'queued' && (await i1.acd.queueStatus('sales')).waiting === 1, 'queued in the ACD');

    await expect(i1.callbacks.reschedule(id, Date.UTC(2026, 0, 5, 20, 0))).rejects.toMatchObject({ code: 'CALLBACK_INVALID_TIME' });
    await expect(i1.callbacks.reschedule(id, now - 3_600_000)).rejects.toMatchObject({ code: 'CALLBACK_INVALID_TIME' });
    const at = Date.UTC(2026, 0, 5, 9, 30); // Monday 10:30 Warsaw, half an hour from now
    const moved = await i1.callbacks.reschedule(id, at);
    expect(moved).toMatchObject({ status: 'pending', dueAt: at, scheduledAt: at });
    expect((await i1.acd.queueStatus('sales')).waiting).toBe(0);

    await i1.acd.login('a1');
    await w.clock.advance(60_000);
    expect(w.sim.dials).toHaveLength(0);
    await runUntil(w, async () => (await i1.callbacks.get(id))?.status === 'completed', 'completed at the new time', { stepMs: 30_000, maxMs: 86_400_000 });
    expect(w.sim.dials[0]!.at).toBeGreaterThanOrEqual(at);
  }, 60_000);

  it('lists with filters, cancels, and reports the backlog per queue', async () => {
    w = await world();
    const i1 = w.instances[0]!;
    const now = w.clock.now();
    const base = { queueId: 'sales', language: 'pl', priority: 0, arrivedAt: now, maxAttempts: 3, data: {} };
    const a = await i1.store.create(now, { ...base, number: '+48600000001', dueAt: now + 86_400_000 });
    const b = await i1.store.create(now + 1, { ...base, number: '+48600000002', dueAt: now + 86_400_000 });
    await i1.store.create(now + 2, { ...base, queueId: 'support', number: '+48600000003', dueAt: now + 86_400_000 });
    expect((await i1.callbacks.list()).map((r) => r.number)).toEqual(['+48600000003', '+48600000002', '+48600000001']);
    expect((await i1.callbacks.list({ queueId: 'sales', limit: 1 })).map((r) => r.id)).toEqual([b.id]);
    const cancelled = await i1.callbacks.cancel(a.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', lastOutcome: 'cancelled' });
    expect((await i1.callbacks.list({ status: 'cancelled' })).map((r) => r.id)).toEqual([a.id]);
    expect((await i1.callbacks.list({ status: ['pending', 'queued'], number: '0002' })).map((r) => r.id)).toEqual([b.id]);
    await expect(i1.callbacks.cancel('cb-404')).rejects.toMatchObject({ code: 'CALLBACK_NOT_FOUND' });
    await expect(i1.callbacks.reschedule('cb-404', now + 60_000)).rejects.toMatchObject({ code: 'CALLBACK_NOT_FOUND' });
    expect(await i1.callbacks.stats()).toEqual([
      { queueId: 'sales', pending: 1, completed: 0, failed: 0, cancelled: 1, today: { requested: 2, completed: 0, failed: 0, cancelled: 1 } },
      { queueId: 'support', pending: 1, completed: 0, failed: 0, cancelled: 0, today: { requested: 1, completed: 0, failed: 0, cancelled: 0 } },
    ]);
  });
});

describe('loadCallbacksConfig', () => {
  it('has defaults and reads the environment', () => {
    expect(loadCallbacksConfig({})).toMatchObject({ keyPrefix: 'ivr:{main}:', maxAttempts: 3, retryBackoffSeconds: [300, 900, 1800], timeZone: 'Europe/Warsaw' });
    expect(loadCallbacksConfig({ ACD_KEY_PREFIX: 'x:{a}:', CALLBACK_CALLER_ID: '+48221234567', CALLBACK_RETRY_BACKOFF_SECONDS: '60, 120' })).toMatchObject({
      keyPrefix: 'x:{a}:',
      callerId: '+48221234567',
      retryBackoffSeconds: [60, 120],
    });
  });

  it('names the variable at fault', () => {
    expect(() => loadCallbacksConfig({ CALLBACK_MAX_ATTEMPTS: 'many' })).toThrow(/CALLBACK_MAX_ATTEMPTS/);
    expect(() => loadCallbacksConfig({ CALLBACK_RETRY_BACKOFF_SECONDS: '60,soon' })).toThrow(/CALLBACK_RETRY_BACKOFF_SECONDS/);
    expect(() => loadCallbacksConfig({ CALLBACK_TIME_ZONE: 'Mars/Olympus' })).toThrow(/CALLBACK_TIME_ZONE/);
    expect(() => loadCallbacksConfig({ CALLBACK_MAX_ATTEMPTS: '0' })).toThrow(/maxAttempts/);
  });
});

describe('queue hours file', () => {
  it('maps queues (and "*") to business hours and names the place of a bad entry', async () => {
    const { parseQueueHours } = await import('../../src/callbacks/hours.ts');
    const hoursFor = parseQueueHours({ sales: HOURS, '*': { timeZone: 'UTC', weekly: { sun: ['10:00-11:00'] } } }, 'hours.json');
    expect(hoursFor('sales')).toBe(HOURS);
    expect(hoursFor('other')?.timeZone).toBe('UTC');
    expect(parseQueueHours({}, 'hours.json')('sales')).toBeUndefined();
    expect(() => parseQueueHours({ sales: { timeZone: 'Europe/Warsaw', weekly: { mon: ['16:00-08:00'] } } }, 'hours.json')).toThrow(/hours\.json.*\/sales\/weekly\/mon/);
    expect(() => parseQueueHours({ sales: { weekly: {} } }, 'hours.json')).toThrow(/\/sales/);
  });
});
