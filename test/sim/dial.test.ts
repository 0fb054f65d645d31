import { describe, expect, it } from 'vitest';
import type { SimParty } from '../../src/telephony/sim/sim-party.ts';
import { collect, setup, track } from './helpers.ts';

describe('SimTelephony.dial', () => {
  it('answers after the ring time; the far end is a party with its own script', async () => {
    const { clock, sim } = setup();
    let answered: SimParty | undefined;
    sim.endpoint('sip:1001@10.0.0.5', { answerAfterMs: 4000, script: [{ digits: '1' }], onAnswer: (p) => (answered = p) });
    const r = track(sim.dial({ to: 'sip:1001@10.0.0.5', callerId: '+48221234567', ringTimeoutMs: 20_000, headers: { 'X-Queue': 'sales' } }));
    await clock.advance(3999);
    expect(r.done).toBe(false);
    expect(sim.dials[0]!.outcome).toBe('pending');
    await clock.advance(1);
    const res = r.value!;
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.call.answered).toBe(true);
    expect(res.call.info).toMatchObject({ direction: 'outbound', from: '+48221234567', to: 'sip:1001@10.0.0.5', headers: { 'x-queue': 'sales' } });
    expect(answered?.call).toBe(res.call);
    // The agent presses 1 to accept a whisper menu.
    expect(await res.call.collectDigits(collect({ prompts: [] }))).toEqual({ kind: 'digits', digits: '1' });
    expect(sim.dials).toEqual([
      {
        to: 'sip:1001@10.0.0.5',
        callerId: '+48221234567',
        headers: { 'X-Queue': 'sales' },
        at: sim.dials[0]!.at,
        outcome: 'answered',
        callId: res.call.info.id,
        endedAt: sim.dials[0]!.at + 4000,
      },
    ]);
  });

  it('gives no-answer at ringTimeoutMs on the clock', async () => {
    const { clock, sim } = setup();
    sim.endpoint('1002', { result: 'no-answer' });
    sim.endpoint('1003', { answerAfterMs: 30_000 });
    const a = track(sim.dial({ to: 'sip:1002@agents', ringTimeoutMs: 15_000 }));
    const b = track(sim.dial({ to: '1003', ringTimeoutMs: 15_000 }));
    await clock.advance(14_999);
    expect(a.done || b.done).toBe(false);
    await clock.advance(1);
    expect(a.value).toEqual({ ok: false, reason: 'no-answer', sipStatus: 480 });
    expect(b.value).toMatchObject({ ok: false, reason: 'no-answer' });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('reports busy, rejected and failed, and 404 for unknown destinations', async () => {
    const { sim } = setup();
    sim.endpoint('busy', { result: 'busy' });
    sim.endpoint('rej', { result: 'rejected' });
    sim.endpoint('fail', { result: 'failed' });
    expect(await sim.dial({ to: 'busy', ringTimeoutMs: 1000 })).toEqual({ ok: false, reason: 'busy', sipStatus: 486 });
    expect(await sim.dial({ to: 'rej', ringTimeoutMs: 1000 })).toEqual({ ok: false, reason: 'rejected', sipStatus: 603 });
    expect(await sim.dial({ to: 'fail', ringTimeoutMs: 1000 })).toEqual({ ok: false, reason: 'failed', sipStatus: 503 });
    expect(await sim.dial({ to: 'sip:nobody@x', ringTimeoutMs: 1000 })).toMatchObject({ ok: false, reason: 'failed', sipStatus: 404 });
    expect(sim.dials.map((d) => d.outcome)).toEqual(['busy', 'rejected', 'failed', 'failed']);
  });

  it('is cancelled by its signal while ringing, and the far end sees the cancel', async () => {
    const { clock, sim } = setup();
    const cancels: string[] = [];
    sim.endpoint('1001', { answerAfterMs: 10_000, onCancel: (req) => cancels.push(req.to) });
    const ac = new AbortController();
    const r = track(sim.dial({ to: '1001', ringTimeoutMs: 30_000, signal: ac.signal }));
    await clock.advance(2000);
    ac.abort();
    await clock.settle();
    expect(r.value).toEqual({ ok: false, reason: 'cancelled', sipStatus: 487 });
    expect(cancels).toEqual(['1001']);
    expect(sim.dials[0]!.outcome).toBe('cancelled');
    expect(sim.calls).toHaveLength(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('asks a behaviour function per attempt (an agent who refuses once, then answers)', async () => {
    const { sim } = setup();
    let attempts = 0;
    sim.endpoint('*', () => (++attempts === 1 ? { result: 'rejected' } : {}));
    expect(await sim.dial({ to: '555', ringTimeoutMs: 1000 })).toMatchObject({ ok: false, reason: 'rejected' });
    expect(await sim.dial({ to: '555', ringTimeoutMs: 1000 })).toMatchObject({ ok: true });
  });

  it('resolves nextCall with the answered leg', async () => {
    const { sim } = setup();
    sim.endpoint('1001', {});
    const next = sim.nextCall({ direction: 'outbound' });
    const r = await sim.dial({ to: '1001', ringTimeoutMs: 1000 });
    const h = await next;
    expect(r.ok && r.call).toBe(h.call);
    expect(h.party.call).toBe(h.call);
  });

  it('awaits an async behaviour and honours an abort that came meanwhile', async () => {
    const { clock, sim } = setup();
    sim.endpoint('1001', async () => {
      await clock.sleep(500);
      return { answerAfterMs: 1000 };
    });
    const ac = new AbortController();
    const r = track(sim.dial({ to: '1001', ringTimeoutMs: 5000, signal: ac.signal }));
    await clock.advance(100);
    ac.abort();
    await clock.advance(500);
    expect(r.value).toMatchObject({ ok: false, reason: 'cancelled' });
    expect(await sim.dial({ to: '1001', ringTimeoutMs: 5000, signal: ac.signal })).toMatchObject({ ok: false, reason: 'cancelled' });
    expect(clock.pendingTimers()).toBe(0);
  });
});
