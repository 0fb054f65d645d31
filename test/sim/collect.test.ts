import { describe, expect, it } from 'vitest';
import { CallHungUpError } from '../../src/telephony/errors.ts';
import { collect, hello, menu, setup, track } from './helpers.ts';

describe('SimCall.collectDigits', () => {
  it('times out with noinput 10 s after the prompts end, on the virtual clock', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', onScriptEnd: 'silence', script: [] });
    const p = track(call.collectDigits(collect()));
    await clock.advance(1260 + 9_999);
    expect(p.done).toBe(false);
    await clock.advance(1);
    expect(p.value).toEqual({ kind: 'noinput' });
    expect(call.heard.map((h) => h.text)).toEqual(['tts[pl]: Wybierz jeden lub dwa']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('delivers a scripted key when the prompts end', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100', script: [{ digits: '2' }] });
    const p = call.collectDigits(collect());
    await clock.advance(1260);
    expect(await p).toEqual({ kind: 'digits', digits: '2' });
    expect(call.heard[0]!.interrupted).toBeUndefined();
    expect(party.pendingActions).toEqual([]);
  });

  it('ends on a terminator, which is not part of the digits, and buffers keys after it', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ digits: '12#34' }] });
    const p = call.collectDigits(collect({ prompts: [], maxDigits: 10 }));
    await clock.settle();
    expect(await p).toEqual({ kind: 'digits', digits: '12', terminator: '#' });
    expect(call.bufferedDigits).toBe('34');
    // The next collect takes the buffered keys without consuming a script action (the script is empty and would hang up).
    const next = call.collectDigits(collect({ prompts: [], maxDigits: 2 }));
    expect(await next).toEqual({ kind: 'digits', digits: '34' });
    expect(call.isEnded).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('stops at maxDigits and leaves the rest in the DTMF buffer', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ digits: '1234' }] });
    const p = call.collectDigits(collect({ prompts: [], maxDigits: 3 }));
    await clock.settle();
    expect(await p).toEqual({ kind: 'digits', digits: '123' });
    expect(call.bufferedDigits).toBe('4');
  });

  it('ends on the inter-digit timeout with what was pressed', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    const p = track(call.collectDigits(collect({ prompts: [], minDigits: 2, maxDigits: 6 })));
    await party.waitForListening();
    party.press('4');
    await clock.advance(1000);
    party.press('2');
    await clock.advance(2_999);
    expect(p.done).toBe(false);
    await clock.advance(1);
    expect(p.value).toEqual({ kind: 'digits', digits: '42' });
  });

  it('reports incomplete when fewer than minDigits were pressed (timeout or terminator)', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ digits: '12' }, { digits: '7#' }] });
    const a = call.collectDigits(collect({ prompts: [], minDigits: 4, maxDigits: 4 }));
    await clock.advance(3000);
    expect(await a).toEqual({ kind: 'incomplete', digits: '12' });
    const b = call.collectDigits(collect({ prompts: [], minDigits: 4, maxDigits: 4 }));
    await clock.settle();
    expect(await b).toEqual({ kind: 'incomplete', digits: '7' });
  });

  it('barge-in: a live key during the prompts stops them and counts as the first digit', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    const p = call.collectDigits(collect({ prompts: [menu, hello], maxDigits: 2 }));
    await clock.advance(300);
    party.press('9');
    await clock.settle();
    party.press('8');
    expect(await p).toEqual({ kind: 'digits', digits: '98' });
    expect(call.heard.map((h) => [h.text, h.interrupted ?? false])).toEqual([['tts[pl]: Wybierz jeden lub dwa', true]]);
  });

  it('barge-in from a script with afterMs', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ digits: '3', afterMs: 200 }] });
    const p = call.collectDigits(collect({ prompts: [menu, hello] }));
    await clock.advance(200);
    expect(await p).toEqual({ kind: 'digits', digits: '3' });
    expect(call.heard).toHaveLength(1);
    expect(call.heard[0]!.interrupted).toBe(true);
  });

  it('without barge-in, keys during prompts wait in the buffer until the prompts end', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    const p = track(call.collectDigits(collect({ prompts: [menu], bargeIn: false })));
    await clock.advance(100);
    party.press('7');
    await clock.advance(1000);
    expect(p.done).toBe(false);
    await clock.advance(160);
    expect(p.value).toEqual({ kind: 'digits', digits: '7' });
    expect(call.heard[0]!.interrupted).toBeUndefined();
  });

  it('type-ahead: keys pressed while nothing listens skip the next prompts', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    party.press('5');
    const p = call.collectDigits(collect());
    await clock.settle();
    expect(await p).toEqual({ kind: 'digits', digits: '5' });
    expect(call.heard[0]!.interrupted).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('treats a spoken phrase as no key', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ say: 'jeden' }] });
    const p = call.collectDigits(collect({ prompts: [] }));
    await clock.advance(10_000);
    expect(await p).toEqual({ kind: 'noinput' });
  });

  it('silence lets the timeout elapse; then the exhausted script hangs up by default', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ silence: true }] });
    const a = call.collectDigits(collect({ prompts: [] }));
    await clock.advance(10_000);
    expect(await a).toEqual({ kind: 'noinput' });
    const b = track(call.collectDigits(collect({ prompts: [hello] })));
    await clock.advance(500);
    expect(b.error).toBeInstanceOf(CallHungUpError);
    expect(call.hangupCause).toBe('caller');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a scripted hang-up ends the call while it listens', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ hangup: true }] });
    const p = track(call.collectDigits(collect()));
    await clock.advance(1260);
    expect(p.error).toBeInstanceOf(CallHungUpError);
    expect(call.events.at(-1)).toMatchObject({ kind: 'hangup', detail: 'caller' });
  });

  it('hang-up during the inter-digit wait rejects and leaves no timer', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100', script: [{ digits: '1' }] });
    const p = call.collectDigits(collect({ prompts: [], maxDigits: 4 }));
    await clock.settle();
    expect(clock.pendingTimers()).toBe(1);
    party.hangup();
    await expect(p).rejects.toBeInstanceOf(CallHungUpError);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('aborts promptly at any point', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100' });
    const ac = new AbortController();
    const p = call.collectDigits(collect({ signal: ac.signal }));
    await clock.advance(5000);
    ac.abort();
    expect(await p).toEqual({ kind: 'aborted' });
    expect(clock.pendingTimers()).toBe(0);
    expect(call.isEnded).toBe(false);
  });

  it('refuses impossible limits with a clear error', async () => {
    const { sim } = setup();
    const { call } = sim.incoming({ to: '100' });
    await expect(call.collectDigits(collect({ minDigits: 3, maxDigits: 2 }))).rejects.toThrow(/minDigits \(3\) <= maxDigits \(2\)/);
  });

  it('works with an auto-advancing clock and the script language', async () => {
    const { clock, sim } = setup();
    const stop = clock.startAuto();
    try {
      const { call } = sim.incoming({ to: '100', script: [{ silence: true }, { digits: '1' }, { digits: '2468#' }] });
      expect(await call.collectDigits(collect())).toEqual({ kind: 'noinput' });
      expect(await call.collectDigits(collect())).toEqual({ kind: 'digits', digits: '1' });
      expect(await call.collectDigits(collect({ maxDigits: 8 }))).toEqual({ kind: 'digits', digits: '2468', terminator: '#' });
      await expect(call.collectDigits(collect())).rejects.toBeInstanceOf(CallHungUpError);
      expect(call.heard.map((h) => h.text)).toEqual(Array(4).fill('tts[pl]: Wybierz jeden lub dwa'));
    } finally {
      stop();
    }
  });

  it("onScriptEnd 'wait' holds an auto clock until the party acts live", async () => {
    const { clock, sim } = setup();
    const stop = clock.startAuto();
    try {
      const { call, party } = sim.incoming({ to: '100', script: [], onScriptEnd: 'wait' });
      const p = call.collectDigits(collect());
      expect(await party.waitForListening()).toBe('digits');
      // Many idle turns pass; the 10 s timeout is not jumped over while a live party may act.
      for (let i = 0; i < 20; i++) await clock.settle();
      party.press('6');
      expect(await p).toEqual({ kind: 'digits', digits: '6' });
      const q = call.collectDigits(collect());
      await party.waitForListening();
      party.silence();
      expect(await q).toEqual({ kind: 'noinput' });
      const r = call.collectDigits(collect());
      await party.waitForListening();
      party.script([{ digits: '3' }]);
      expect(await r).toEqual({ kind: 'digits', digits: '3' });
    } finally {
      stop();
    }
  });
});
