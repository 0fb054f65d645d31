import { describe, expect, it } from 'vitest';
import { CallHungUpError, TelephonyError } from '../../src/telephony/errors.ts';
import type { Call } from '../../src/telephony/port.ts';
import { collect, hello, menu, setup } from './helpers.ts';

describe('SimTelephony', () => {
  it('delivers inbound calls to the handler with their info', async () => {
    const { sim } = setup();
    const seen: Call[] = [];
    sim.onIncoming((c) => seen.push(c));
    const next = sim.nextCall({ direction: 'inbound' });
    const h = sim.incoming({ from: '+48600100200', to: '+48221234567', headers: { 'X-Account-Id': '42' } });
    expect(seen).toEqual([h.call]);
    expect((await next).call).toBe(h.call);
    expect(h.call.info).toMatchObject({ direction: 'inbound', from: '+48600100200', to: '+48221234567', headers: { 'x-account-id': '42' } });
    expect(h.call.answered).toBe(false);
    await h.call.answer();
    await h.call.answer();
    expect(h.call.events.map((e) => e.kind)).toEqual(['answer']);
    expect(sim.calls).toEqual([h.call]);
  });

  it('refuses new calls after close() but leaves calls in progress alone', async () => {
    const { sim } = setup();
    const { call } = sim.incoming({ to: '100' });
    expect((await sim.health()).ok).toBe(true);
    await sim.close();
    expect(() => sim.incoming({ to: '100' })).toThrow(TelephonyError);
    expect(await sim.dial({ to: '1', ringTimeoutMs: 1 })).toMatchObject({ ok: false, reason: 'failed' });
    expect(call.isEnded).toBe(false);
    expect((await sim.health()).ok).toBe(false);
  });

  it('waitForPrompt and waitForListening let a live test act at the right moment', async () => {
    const { clock, sim } = setup();
    const stop = clock.startAuto();
    try {
      const { call, party } = sim.incoming({ to: '100' });
      const flow = (async () => {
        await call.play([hello]);
        return call.collectDigits(collect({ prompts: [menu] }));
      })();
      const entry = await party.waitForPrompt(/Wybierz/);
      expect(entry.text).toBe('tts[pl]: Wybierz jeden lub dwa');
      expect(await party.waitForListening()).toBe('digits');
      party.press('2');
      expect(await flow).toEqual({ kind: 'digits', digits: '2' });
      expect(party.heard.map((h) => h.text)).toEqual(['tts[pl]: Witaj', 'tts[pl]: Wybierz jeden lub dwa']);
      const waiting = party.waitForListening();
      party.hangup();
      await expect(waiting).rejects.toBeInstanceOf(CallHungUpError);
    } finally {
      stop();
    }
  });

  it('observers see prompts and events as they happen', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    const seen: string[] = [];
    call.observe((a) => seen.push(a.type === 'heard' ? a.entry.text : a.event.kind));
    const p = call.play([hello]);
    await clock.advance(500);
    await p;
    party.hangup();
    expect(seen).toEqual(['tts[pl]: Witaj', 'hangup']);
  });

  it('runs many concurrent scripted calls with no timers left behind', async () => {
    const { clock, sim } = setup();
    const stop = clock.startAuto();
    try {
      const runs = Array.from({ length: 200 }, async (_, i) => {
        const { call } = sim.incoming({ to: '100', script: [{ digits: String(i % 10) }] });
        await call.answer();
        const r = await call.collectDigits(collect());
        await call.play([hello]);
        await call.hangup();
        return r;
      });
      const results = await Promise.all(runs);
      expect(results.every((r) => r.kind === 'digits')).toBe(true);
      expect(sim.activeCalls()).toBe(0);
      expect(clock.pendingTimers()).toBe(0);
    } finally {
      stop();
    }
  });
});
