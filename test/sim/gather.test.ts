import { describe, expect, it } from 'vitest';
import { CallHungUpError } from '../../src/telephony/errors.ts';
import type { GatherSpeechOptions } from '../../src/telephony/port.ts';
import { menu, setup, track } from './helpers.ts';

function gather(o: Partial<GatherSpeechOptions> = {}): GatherSpeechOptions {
  return { prompts: [menu], language: 'pl-PL', hints: ['rozliczenia', 'awaria'], noInputTimeoutMs: 5000, ...o };
}

describe('SimCall.gatherSpeech', () => {
  it('returns the scripted phrase with its confidence when the prompts end', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ say: 'rozliczenia' }, { say: 'coś innego', confidence: 0.3 }] });
    const a = call.gatherSpeech(gather());
    await clock.advance(1260);
    expect(await a).toEqual({ kind: 'speech', text: 'rozliczenia', confidence: 0.9 });
    const b = call.gatherSpeech(gather());
    await clock.advance(1260);
    expect(await b).toEqual({ kind: 'speech', text: 'coś innego', confidence: 0.3 });
    expect(call.events.filter((e) => e.kind === 'speech').map((e) => e.detail)).toEqual(['rozliczenia', 'coś innego']);
  });

  it('times out with noinput after noInputTimeoutMs', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ silence: true }] });
    const p = track(call.gatherSpeech(gather()));
    await clock.advance(1260 + 4999);
    expect(p.done).toBe(false);
    await clock.advance(1);
    expect(p.value).toEqual({ kind: 'noinput' });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('speech barges in on the prompts', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    const p = call.gatherSpeech(gather());
    await clock.advance(200);
    party.say('awaria', 0.75);
    expect(await p).toEqual({ kind: 'speech', text: 'awaria', confidence: 0.75 });
    expect(call.heard[0]).toMatchObject({ interrupted: true, stoppedBy: 'speech' });
  });

  it('accepts keys when dtmf is given', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ digits: '12#' }] });
    const p = call.gatherSpeech(gather({ dtmf: { maxDigits: 4, terminators: '#', interDigitTimeoutMs: 2000 } }));
    await clock.advance(1260);
    expect(await p).toEqual({ kind: 'digits', digits: '12', terminator: '#' });
  });

  it('ignores keys without dtmf (they stay buffered) and times out', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ digits: '1' }] });
    const p = call.gatherSpeech(gather());
    await clock.advance(1260 + 5000);
    expect(await p).toEqual({ kind: 'noinput' });
    expect(call.bufferedDigits).toBe('1');
  });

  it('rejects on hang-up and aborts on its signal, leaving no timers', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100' });
    const ac = new AbortController();
    const a = call.gatherSpeech(gather({ signal: ac.signal }));
    await clock.advance(2000);
    ac.abort();
    expect(await a).toEqual({ kind: 'aborted' });
    const b = call.gatherSpeech(gather());
    await clock.advance(2000);
    party.hangup();
    await expect(b).rejects.toBeInstanceOf(CallHungUpError);
    expect(clock.pendingTimers()).toBe(0);
  });
});
