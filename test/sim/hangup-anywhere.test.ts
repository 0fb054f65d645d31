import { describe, expect, it } from 'vitest';
import { CallHungUpError } from '../../src/telephony/errors.ts';
import type { SimCall } from '../../src/telephony/sim/sim-call.ts';
import { collect, menu, setup, track } from './helpers.ts';

type Step = { name: string; start: (call: SimCall) => Promise<unknown> };

const steps: Step[] = [
  { name: 'play', start: (c) => c.play([menu], { bargeIn: true }) },
  { name: 'collect prompts', start: (c) => c.collectDigits(collect()) },
  { name: 'gather', start: (c) => c.gatherSpeech({ prompts: [menu], language: 'pl-PL', hints: [], noInputTimeoutMs: 5000, dtmf: { maxDigits: 3, terminators: '#', interDigitTimeoutMs: 2000 } }) },
  { name: 'record beep', start: (c) => c.record({ maxSeconds: 60, beep: true, terminators: '#' }) },
];

describe('hang-up in the middle of each operation', () => {
  for (const step of steps) {
    for (const at of [0, 100, 1300, 4000]) {
      it(`${step.name}, ${at} ms in: rejects with CallHungUpError and leaves no timer`, async () => {
        const { clock, sim } = setup();
        const { call, party } = sim.incoming({ to: '100', onScriptEnd: 'silence', script: [] });
        const p = track(step.start(call));
        await clock.advance(at);
        const settledBefore = p.done;
        party.hangup();
        await clock.settle();
        if (!settledBefore) expect(p.error).toBeInstanceOf(CallHungUpError);
        expect(call.ended.aborted).toBe(true);
        expect(call.ended.reason).toBeInstanceOf(CallHungUpError);
        expect(clock.pendingTimers()).toBe(0);
      });
    }
  }

  it('a local hang-up of an outbound leg during a collect', async () => {
    const { clock, sim } = setup();
    sim.endpoint('1001', { answerAfterMs: 1000 });
    const d = track(sim.dial({ to: '1001', ringTimeoutMs: 5000 }));
    await clock.advance(1000);
    const r = d.value!;
    if (!r.ok) throw new Error('expected an answer');
    const p = track(r.call.collectDigits(collect()));
    await clock.advance(200);
    await r.call.hangup('local');
    await clock.settle();
    expect(p.error).toBeInstanceOf(CallHungUpError);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a scripted hang-up with afterMs cuts a prompt', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ hangup: true, afterMs: 700 }] });
    const p = track(call.collectDigits(collect()));
    await clock.advance(700);
    expect(p.error).toBeInstanceOf(CallHungUpError);
    expect(call.heard[0]).toMatchObject({ interrupted: true, stoppedBy: 'hangup' });
    expect(clock.pendingTimers()).toBe(0);
  });

  it("'silence' at script end: actions queued later are used by the waiting collect", async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100', script: [], onScriptEnd: 'silence' });
    const p = call.collectDigits(collect({ prompts: [] }));
    await clock.advance(3000);
    party.script([{ digits: '8' }]);
    expect(await p).toEqual({ kind: 'digits', digits: '8' });
  });
});
