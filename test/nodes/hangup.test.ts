import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';

describe('hangup', () => {
  it('plays the goodbye prompt, then hangs up', async () => {
    const flow = flowOf({ bye: { type: 'hangup', prompt: [{ say: 'Dziękujemy za telefon.' }, { tone: 'beep' }] } });
    const r = await runScenario({ flow });
    expect(r.heard).toEqual(['tts[pl]: Dziękujemy za telefon.', 'tone: beep']);
    expect(r.ended).toBe('hangup');
    expect(r.trace.map((t) => [t.nodeId, t.outcome])).toEqual([['bye', 'hangup']]);
    expect(r.call.hangupCause).toBe('local');
    expect(r.call.isEnded).toBe(true);
  });

  it('hangs up at once without a prompt', async () => {
    const r = await runScenario({ flow: flowOf({ bye: { type: 'hangup' } }) });
    expect(r.heard).toEqual([]);
    expect(r.ended).toBe('hangup');
    expect(r.call.hangupCause).toBe('local');
  });

  it('plays the goodbye to its end even when the caller presses keys', async () => {
    const flow = flowOf({ bye: { type: 'hangup', prompt: 'Do widzenia, miłego dnia.' } });
    const r = await runScenario({ flow, onCall: (call, party) => void call.waitForPrompt(/Do widzenia/).then(() => party.press('1')) });
    expect(r.call.heard[0]!.interrupted).toBeUndefined();
    expect(r.call.hangupCause).toBe('local');
  });

  it('ends quietly when the caller hangs up during the goodbye', async () => {
    const clock = new VirtualClock();
    const stop = clock.startAuto();
    try {
      const flow = flowOf({ bye: { type: 'hangup', prompt: 'Do widzenia, miłego dnia.' } });
      const r = await runScenario({ flow, clock, onCall: (call, party) => void call.waitForPrompt(/Do widzenia/).then(() => party.hangup()) });
      expect(r.ended).toBe('hangup');
      expect(r.call.hangupCause).toBe('caller');
      expect(r.call.heard[0]!.stoppedBy).toBe('hangup');
    } finally {
      stop();
    }
    expect(clock.pendingTimers()).toBe(0);
  });

  it('still hangs up when the goodbye file is missing', async () => {
    const r = await runScenario({ flow: flowOf({ bye: { type: 'hangup', prompt: { file: 'bye.wav' } } }), missingFiles: ['bye.wav'] });
    expect(r.ended).toBe('hangup');
    expect(r.call.heard).toEqual([]);
    expect(r.call.hangupCause).toBe('local');
  });
});
