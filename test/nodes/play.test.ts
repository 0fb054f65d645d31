import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';

function playFlow(bargeIn?: boolean): FlowDocument {
  return flowOf({
    welcome: {
      type: 'play',
      prompt: ['Witamy w naszej infolinii.', { file: 'recorded.wav' }, { tone: 'beep' }, { silenceMs: 300 }],
      ...(bargeIn === undefined ? {} : { bargeIn }),
      next: 'menu',
    },
    menu: { type: 'menu', prompt: 'Menu', choices: [{ key: '5', next: 'bye' }], fallback: 'bye' },
    bye: { type: 'hangup', prompt: 'Do widzenia' },
  });
}

describe('play', () => {
  it('plays every prompt in order, then takes next', async () => {
    const r = await runScenario({ flow: playFlow(), input: [{ digits: '5' }] });
    expect(r.heard).toEqual([
      'tts[pl]: Witamy w naszej infolinii.',
      'file: recorded.wav',
      'tone: beep',
      'silence: 300ms',
      'tts[pl]: Menu',
      'tts[pl]: Do widzenia',
    ]);
    expect(r.path).toEqual(['welcome', 'menu', 'bye']);
    expect(r.trace[0]!.outcome).toBe('next');
  });

  it('without barge-in (default), a key does not stop the prompts and is kept for the next menu', async () => {
    const r = await runScenario({
      flow: playFlow(),
      input: [],
      onCall: (call, party) => void call.waitForPrompt('tts[pl]: Witamy w naszej infolinii.').then(() => party.press('5')),
    });
    expect(r.heard).toEqual(['tts[pl]: Witamy w naszej infolinii.', 'file: recorded.wav', 'tone: beep', 'silence: 300ms', 'tts[pl]: Menu', 'tts[pl]: Do widzenia']);
    expect(r.call.heard[0]!.interrupted).toBeUndefined();
    expect(r.path).toEqual(['welcome', 'menu', 'bye']);
    expect(r.trace[1]!.outcome).toBe('choice:0');
  });

  it('with barge-in, a key stops the prompts at once and the flow goes on', async () => {
    const r = await runScenario({
      flow: playFlow(true),
      input: [{ digits: '5' }],
      onCall: (call, party) => void call.waitForPrompt('tts[pl]: Witamy w naszej infolinii.').then(() => party.press('1')),
    });
    expect(r.heard).toEqual(['tts[pl]: Witamy w naszej infolinii.', 'tts[pl]: Menu', 'tts[pl]: Do widzenia']);
    expect(r.call.heard[0]).toMatchObject({ interrupted: true, stoppedBy: 'digit' });
  });

  it('speaks in the call language', async () => {
    const flow = flowOf(
      {
        hello: { type: 'play', prompt: { say: { pl: 'Dzień dobry', en: 'Good morning' } }, next: 'bye' },
        bye: { type: 'hangup' },
      },
      { languages: ['pl', 'en'] },
    );
    const r = await runScenario({ flow, language: 'en' });
    expect(r.heard).toEqual(['tts[en]: Good morning']);
  });

  it('stops at once when the caller hangs up during the prompts', async () => {
    const clock = new VirtualClock();
    const stop = clock.startAuto();
    try {
      const r = await runScenario({
        flow: playFlow(),
        clock,
        onCall: (call, party) => void call.waitForPrompt('file: recorded.wav').then(() => party.hangup()),
      });
      expect(r.ended).toBe('hangup');
      expect(r.heard).toEqual(['tts[pl]: Witamy w naszej infolinii.', 'file: recorded.wav']);
      expect(r.trace.map((t) => [t.nodeId, t.outcome])).toEqual([['welcome', 'hangup']]);
    } finally {
      stop();
    }
    expect(clock.pendingTimers()).toBe(0);
  });

  it('takes the error exit when a file is missing', async () => {
    const flow = flowOf({
      welcome: { type: 'play', prompt: { file: 'gone.wav' }, next: 'bye', error: 'sorry' },
      sorry: { type: 'hangup', prompt: 'Przepraszamy' },
      bye: { type: 'hangup' },
    });
    const r = await runScenario({ flow, missingFiles: ['gone.wav'] });
    expect(r.state.trace.map((t) => [t.nodeId, t.outcome])).toEqual([
      ['welcome', 'error'],
      ['sorry', 'hangup'],
    ]);
    expect(r.call.heard.map((h) => h.text)).toEqual(['tts[pl]: Przepraszamy']);
  });
});
