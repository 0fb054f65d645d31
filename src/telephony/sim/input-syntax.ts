/**
 * The caller-input language of `ivr simulate --input` and scenario files:
 *   "1"            keys (any of 0-9 * # A-D; "1234#" is one action with several keys)
 *   "say:text"     a spoken phrase; "say:text@0.4" with confidence 0.4
 *   "silence"      nothing: the timeout elapses
 *   "speak:5"      talks for 5 seconds (voicemail); "speak:5#" then presses #
 *   "hangup"       hangs up
 * A comma separates actions in one --input ("1,2,#" = three key presses).
 */
import type { CallerAction } from './caller-script.ts';

export class InputSyntaxError extends Error {
  constructor(
    readonly token: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputSyntaxError';
  }
}

export function parseCallerAction(token: string): CallerAction {
  const t = token.trim();
  if (t === '') throw new InputSyntaxError(token, 'empty input step');
  if (t === 'silence') return { silence: true };
  if (t === 'hangup') return { hangup: true };
  if (t.startsWith('say:')) {
    const body = t.slice(4);
    const m = /^(.*)@(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(body);
    const text = (m ? m[1]! : body).trim();
    if (!text) throw new InputSyntaxError(token, `"${token}": say: needs a phrase, e.g. say:rozliczenia`);
    return m ? { say: text, confidence: Number(m[2]) } : { say: text };
  }
  if (t.startsWith('speak:')) {
    const m = /^speak:(\d+(?:\.\d+)?)([0-9*#A-D]*)$/.exec(t);
    if (!m) throw new InputSyntaxError(token, `"${token}": speak: needs seconds, e.g. speak:5 or speak:5#`);
    return m[2] ? { speakMs: Math.round(Number(m[1]) * 1000), thenDigits: m[2] } : { speakMs: Math.round(Number(m[1]) * 1000) };
  }
  if (/^[0-9*#A-D]+$/.test(t)) return { digits: t };
  throw new InputSyntaxError(token, `"${token}" is not caller input: use keys (1, 123#), say:<phrase>[@confidence], silence, speak:<seconds>, or hangup`);
}

/** Parses one --input value (comma-separated steps; a phrase may not contain a comma). */
export function parseCallerInput(value: string): CallerAction[] {
  return value.split(',').map(parseCallerAction);
}

export function describeAction(a: CallerAction): string {
  if ('digits' in a) return a.digits;
  if ('say' in a) return `say:${a.say}${a.confidence !== undefined ? '@' + a.confidence : ''}`;
  if ('silence' in a) return 'silence';
  if ('speakMs' in a) return `speak:${a.speakMs / 1000}${a.thenDigits ?? ''}`;
  return 'hangup';
}
