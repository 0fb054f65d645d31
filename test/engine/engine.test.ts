import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { APOLOGY } from '../../src/engine/engine.ts';

const bye = { type: 'hangup' as const, prompt: 'Do widzenia' };

describe('flow engine', () => {
  it('runs nodes in order and keeps a trace of nodes, times and exits', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    clock.startAuto();
    const r = await runScenario({
      clock,
      flow: flowOf({
        hello: { type: 'play', prompt: 'Dzień dobry', next: 'en' },
        en: { type: 'language', language: 'pl', next: 'bye' },
        bye,
      }),
    });
    clock.stopAuto();
    expect(r.path).toEqual(['hello', 'en', 'bye']);
    expect(r.heard).toEqual(['tts[pl]: Dzień dobry', 'tts[pl]: Do widzenia']);
    expect(r.trace.map((t) => t.outcome)).toEqual(['next', 'next', 'hangup']);
    expect(r.trace[0]!.durationMs).toBeGreaterThan(0);
    expect(r.trace[0]!.at).toBe(Date.UTC(2026, 0, 5, 9, 0, 0));
    expect(r.ended).toBe('hangup');
  });

  it('takes the node error exit when a node fails', async () => {
    const r = await runScenario({
      vars: { lang: 'de' },
      flow: flowOf({ switch: { type: 'language', variable: 'lang', next: 'bye', error: 'oops' }, oops: { type: 'play', prompt: 'Błąd', next: 'bye' }, bye }),
    });
    expect(r.path).toEqual(['switch', 'oops', 'bye']);
    expect(r.trace[0]!.outcome).toBe('error');
  });

  it('takes the flow error handler when the node has no error exit', async () => {
    const r = await runScenario({
      vars: { lang: 'de' },
      flow: flowOf({ switch: { type: 'language', variable: 'lang', next: 'bye' }, bye, sorry: { type: 'hangup', prompt: 'Przepraszamy' } }, { onError: 'sorry' }),
    });
    expect(r.path).toEqual(['switch', 'sorry']);
    expect(r.heard).toEqual(['tts[pl]: Przepraszamy']);
  });

  it('apologises and hangs up when nothing handles a failure: never dead air', async () => {
    const r = await runScenario({
      vars: { lang: 'de' },
      flow: flowOf({ switch: { type: 'language', variable: 'lang', next: 'bye' }, bye }),
    });
    expect(r.heard).toEqual([`tts[pl]: ${APOLOGY.pl}`]);
    expect(r.ended).toBe('error');
    expect(r.call.isEnded).toBe(true);
  });

  it('stops at once when the caller hangs up, leaving no timers behind', async () => {
    const clock = new VirtualClock();
    clock.startAuto();
    const r = await runScenario({
      clock,
      input: [{ hangup: true }],
      flow: flowOf({
        menu: { type: 'menu', prompt: 'Wybierz jeden', choices: [{ key: '1', next: 'bye' }], fallback: 'bye' },
        bye,
      }),
    });
    clock.stopAuto();
    expect(r.ended).toBe('hangup');
    expect(r.path).toEqual(['menu']);
    expect(r.trace[0]!.outcome).toBe('hangup');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('guards against flows that spin (safety net when validation is bypassed)', async () => {
    const r = await runScenario({
      skipValidation: true,
      flow: flowOf({ a: { type: 'language', language: 'pl', next: 'b' }, b: { type: 'language', language: 'pl', next: 'a' } }),
    });
    expect(r.ended).toBe('error');
    expect(r.heard).toEqual([`tts[pl]: ${APOLOGY.pl}`]);
  });
});
