import { describe, expect, it } from 'vitest';
import { CallHungUpError, MediaError } from '../../src/telephony/errors.ts';
import { hello, menu, setup, track } from './helpers.ts';

describe('SimCall.play', () => {
  it('plays prompts in order on the virtual clock and logs what was heard', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100' });
    sim.setFileDuration('welcome.wav', 3000);
    await call.answer();
    const p = track(call.play([{ kind: 'file', path: 'welcome.wav' }, hello, { kind: 'silence', ms: 200 }]));
    await clock.advance(3000 + 500 + 199);
    expect(p.done).toBe(false);
    await clock.advance(1);
    expect(p.value).toEqual({ kind: 'completed' });
    expect(call.heard.map((h) => h.text)).toEqual(['file: welcome.wav', 'tts[pl]: Witaj', 'silence: 200ms']);
    expect(call.heard.map((h) => h.at - call.info.startedAt)).toEqual([0, 3000, 3500]);
    expect(call.events.map((e) => e.kind)).toEqual(['answer']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('is interrupted by a live key when bargeIn is on, and the rest is not heard', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    const p = call.play([menu, hello], { bargeIn: true });
    await clock.advance(400);
    party.press('5');
    expect(await p).toEqual({ kind: 'interrupted', digit: '5' });
    expect(call.heard).toHaveLength(1);
    expect(call.heard[0]).toMatchObject({ text: 'tts[pl]: Wybierz jeden lub dwa', interrupted: true, stoppedBy: 'digit' });
    expect(call.bufferedDigits).toBe('');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('buffers keys pressed during a play without barge-in', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    const p = call.play([hello]);
    party.press('12');
    await clock.advance(500);
    expect(await p).toEqual({ kind: 'completed' });
    expect(call.bufferedDigits).toBe('12');
    expect(call.events.filter((e) => e.kind === 'dtmf').map((e) => e.detail)).toEqual(['1', '2']);
  });

  it('does not consume scripted actions', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100', script: [{ digits: '1' }] });
    const p = call.play([hello], { bargeIn: true });
    await clock.advance(500);
    expect(await p).toEqual({ kind: 'completed' });
    expect(party.pendingActions).toEqual([{ digits: '1' }]);
  });

  it('resolves aborted when its signal aborts, leaving no timer', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100' });
    const ac = new AbortController();
    const p = call.play([menu], { signal: ac.signal });
    await clock.advance(100);
    ac.abort();
    expect(await p).toEqual({ kind: 'aborted' });
    expect(call.heard[0]).toMatchObject({ interrupted: true, stoppedBy: 'aborted' });
    expect(clock.pendingTimers()).toBe(0);
    expect(await call.play([hello], { signal: ac.signal })).toEqual({ kind: 'aborted' });
  });

  it('rejects with CallHungUpError when the caller hangs up mid-prompt, leaving no timer', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    const p = call.play([menu]);
    await clock.advance(100);
    party.hangup();
    await expect(p).rejects.toBeInstanceOf(CallHungUpError);
    expect(call.ended.aborted).toBe(true);
    expect(call.hangupCause).toBe('caller');
    expect(party.hungUp).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
    await expect(call.play([hello])).rejects.toBeInstanceOf(CallHungUpError);
  });

  it('a new media operation stops the current one', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100' });
    const first = call.play([menu]);
    const second = call.play([hello]);
    expect(await first).toEqual({ kind: 'aborted' });
    await clock.advance(500);
    expect(await second).toEqual({ kind: 'completed' });
  });

  it('fails with FILE_NOT_FOUND for files made missing', async () => {
    const { sim } = setup();
    sim.missingFiles(['gone.wav']);
    const { call } = sim.incoming({ to: '100' });
    const err = await call.play([{ kind: 'file', path: 'gone.wav' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe('FILE_NOT_FOUND');
    expect(call.heard).toEqual([]);
  });

  it('emits hangup and dtmf events to listeners, and off() removes them', async () => {
    const { sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    const keys: string[] = [];
    const causes: string[] = [];
    const onKey = (d: string): void => void keys.push(d);
    call.on('dtmf', onKey).on('hangup', (c) => causes.push(c));
    party.press('4');
    call.off('dtmf', onKey);
    party.press('5');
    await call.hangup();
    await call.hangup('error');
    expect(keys).toEqual(['4']);
    expect(causes).toEqual(['local']);
    expect(call.events.filter((e) => e.kind === 'hangup')).toHaveLength(1);
  });
});
