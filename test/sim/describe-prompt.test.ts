import { describe, expect, it } from 'vitest';
import { describePrompt, promptMs, speechMs } from '../../src/telephony/sim/describe-prompt.ts';

describe('describePrompt', () => {
  it('names each kind of prompt in the fixed format', () => {
    expect(describePrompt({ kind: 'tts', text: 'Dzień dobry', language: 'pl' })).toBe('tts[pl]: Dzień dobry');
    expect(describePrompt({ kind: 'file', path: 'welcome.wav' })).toBe('file: welcome.wav');
    expect(describePrompt({ kind: 'tone', tone: 'beep' })).toBe('tone: beep');
    expect(describePrompt({ kind: 'silence', ms: 500 })).toBe('silence: 500ms');
  });

  it('times prompts: tts 60 ms a character (min 500), files 2 s unless registered, tones 500 ms', () => {
    const none = (): undefined => undefined;
    expect(promptMs({ kind: 'tts', text: 'x'.repeat(20), language: 'pl' }, none)).toBe(1200);
    expect(promptMs({ kind: 'tts', text: 'ok', language: 'pl' }, none)).toBe(500);
    expect(promptMs({ kind: 'file', path: 'a.wav' }, none)).toBe(2000);
    expect(promptMs({ kind: 'file', path: 'a.wav' }, () => 7000)).toBe(7000);
    expect(promptMs({ kind: 'tone', tone: 'beep' }, none)).toBe(500);
    expect(promptMs({ kind: 'tone', tone: 'busy', durationMs: 3000 }, none)).toBe(3000);
    expect(promptMs({ kind: 'silence', ms: 750 }, none)).toBe(750);
  });

  it('times speech by characters, not UTF-16 units: Polish letters and emoji count once', () => {
    expect(speechMs('ąęłśżźćńó'.repeat(2))).toBe(18 * 60);
    expect(speechMs('😀'.repeat(10))).toBe(600);
    expect(speechMs('a\ud800b'.repeat(4))).toBe(12 * 60);
  });
});
