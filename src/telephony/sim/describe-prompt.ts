/**
 * How the simulated driver names and times prompts. Tests and the CLI compare
 * these strings, so the format is fixed:
 *   tts[pl]: Dzień dobry · file: welcome.wav · tone: beep · silence: 500ms
 */
import type { Prompt } from '../port.ts';

/** Virtual time per character of text-to-speech. */
export const TTS_MS_PER_CHAR = 60;
/** Shortest text-to-speech prompt. */
export const TTS_MIN_MS = 500;
/** Length of a file prompt whose duration was not registered. */
export const DEFAULT_FILE_MS = 2000;
/** Length of a tone without durationMs. */
export const DEFAULT_TONE_MS = 500;

export function describePrompt(p: Prompt): string {
  switch (p.kind) {
    case 'tts':
      return `tts[${p.language}]: ${p.text}`;
    case 'file':
      return `file: ${p.path}`;
    case 'tone':
      return `tone: ${p.tone}`;
    case 'silence':
      return `silence: ${p.ms}ms`;
  }
}

/** How long a spoken text lasts (also used for a caller's speech). */
export function speechMs(text: string): number {
  return Math.max(TTS_MIN_MS, TTS_MS_PER_CHAR * codePoints(text));
}

/** Characters (code points, not UTF-16 units) in `text`, without building an array. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** How long a prompt plays on the virtual clock. */
export function promptMs(p: Prompt, fileMs: (path: string) => number | undefined): number {
  switch (p.kind) {
    case 'tts':
      return speechMs(p.text);
    case 'file':
      return fileMs(p.path) ?? DEFAULT_FILE_MS;
    case 'tone':
      return p.durationMs ?? DEFAULT_TONE_MS;
    case 'silence':
      return Math.max(0, p.ms);
  }
}
