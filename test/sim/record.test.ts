import { describe, expect, it } from 'vitest';
import { CallHungUpError } from '../../src/telephony/errors.ts';
import type { RecordOptions } from '../../src/telephony/port.ts';
import { setup, track } from './helpers.ts';

function rec(o: Partial<RecordOptions> = {}): RecordOptions {
  return { maxSeconds: 60, beep: true, terminators: '#', ...o };
}

describe('SimCall.record', () => {
  it('beeps, records the spoken message and stops on the terminator', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ speakMs: 5000, thenDigits: '#' }] });
    const p = track(call.record(rec()));
    await clock.advance(500 + 4999);
    expect(p.done).toBe(false);
    await clock.advance(1);
    expect(p.value).toEqual({ kind: 'recorded', location: 'sim://recordings/sim-1-1.wav', durationMs: 5000, terminator: '#' });
    expect(call.heard.map((h) => h.text)).toEqual(['tone: beep']);
    expect(call.events.map((e) => e.kind)).toEqual(['record-start', 'speak', 'dtmf', 'record']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('stops at maxSeconds', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ speakMs: 90_000 }] });
    const p = call.record(rec({ beep: false, maxSeconds: 30, path: '/tmp/vm.wav' }));
    await clock.advance(30_000);
    expect(await p).toEqual({ kind: 'recorded', location: '/tmp/vm.wav', durationMs: 30_000 });
  });

  it('stops after silenceSeconds of silence, trailing silence trimmed', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ speakMs: 4000 }] });
    const p = track(call.record(rec({ beep: false, silenceSeconds: 3 })));
    await clock.advance(6999);
    expect(p.done).toBe(false);
    await clock.advance(1);
    expect(p.value).toEqual({ kind: 'recorded', location: 'sim://recordings/sim-1-1.wav', durationMs: 4000 });
  });

  it('is empty when the caller says nothing', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ silence: true }, { digits: '#' }] });
    const a = call.record(rec({ beep: false, silenceSeconds: 5 }));
    await clock.advance(5000);
    expect(await a).toEqual({ kind: 'empty' });
    const b = call.record(rec({ beep: false }));
    await clock.settle();
    expect(await b).toEqual({ kind: 'empty' });
  });

  it('numbers recordings per call', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    for (const n of [1, 2]) {
      const p = call.record(rec({ beep: false }));
      await party.waitForListening();
      party.speak(1000, '#');
      await clock.advance(1000);
      expect(await p).toMatchObject({ kind: 'recorded', location: `sim://recordings/sim-1-${n}.wav` });
    }
  });

  it('keeps the message when the caller hangs up while recording (the usual end of a voicemail), leaving no timers', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ speakMs: 3000, thenDigits: '#' }, { hangup: true }] });
    const p = track(call.record(rec({ beep: false, maxSeconds: 120 })));
    await clock.advance(1000);
    await call.hangup('caller');
    await clock.settle();
    expect(p.value).toMatchObject({ kind: 'recorded', durationMs: 1000, hungUp: true });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects when the caller hangs up before saying anything', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ silence: true }] });
    const p = track(call.record(rec({ beep: false, maxSeconds: 120 })));
    await clock.advance(1000);
    await call.hangup('caller');
    await clock.settle();
    expect(p.error).toBeInstanceOf(CallHungUpError);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('aborts on its signal', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ speakMs: 3000 }] });
    const ac = new AbortController();
    const p = call.record(rec({ signal: ac.signal }));
    await clock.advance(2000);
    ac.abort();
    expect(await p).toEqual({ kind: 'aborted' });
    expect(clock.pendingTimers()).toBe(0);
  });
});
