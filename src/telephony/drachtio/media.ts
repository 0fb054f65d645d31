/**
 * Pure mapping between the port's media values and FreeSWITCH applications:
 * prompts → (app, arg) pairs, ESL header strings → typed numbers, speech
 * results (NLSML) → text + confidence, SIP INFO bodies → DTMF digits.
 */
import type { Prompt } from '../port.ts';

export interface MediaSettings {
  ttsEngine: string;
  ttsVoices: Readonly<Record<string, string>>;
  asrEngine: string;
  asrGrammar: string;
  mohSource: string;
  recordingsPath: string;
  audioPath: string;
}

export interface FsApp {
  app: string;
  arg: string;
}

/** Named tones, as FreeSWITCH tone_stream specs (TGML), with their cycle length. */
const NAMED_TONES: Record<string, { spec: string; cycleMs: number }> = {
  beep: { spec: '%(250,0,800)', cycleMs: 250 },
  ringback: { spec: '%(1000,4000,425)', cycleMs: 5000 },
  busy: { spec: '%(500,500,425)', cycleMs: 1000 },
};

/** ESL sends app arguments in a header: no line breaks allowed. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').trim();
}

export function voiceFor(settings: MediaSettings, language: string, voice?: string): string {
  if (voice) return voice;
  const base = language.split('-')[0]!.toLowerCase();
  return settings.ttsVoices[language] ?? settings.ttsVoices[base] ?? base;
}

export function filePath(settings: MediaSettings, path: string): string {
  if (/^[a-z_]+:\/\//i.test(path) || path.startsWith('/')) return path;
  return `${settings.audioPath.replace(/\/+$/, '')}/${path.replace(/^\.?\/+/, '')}`;
}

/**
 * One prompt as a FreeSWITCH application. `timedMs` is set for a custom tone
 * with a duration: the caller stops it after that long (uuid_break).
 */
export function promptApp(settings: MediaSettings, prompt: Prompt): FsApp & { timedMs?: number } {
  switch (prompt.kind) {
    case 'file':
      return { app: 'playback', arg: oneLine(filePath(settings, prompt.path)) };
    case 'tts': {
      const voice = voiceFor(settings, prompt.language, prompt.voice);
      // speak splits on the first two '|': engine|voice|text (text may contain '|').
      return { app: 'speak', arg: `${settings.ttsEngine}|${voice}|${oneLine(prompt.text)}` };
    }
    case 'silence':
      return { app: 'playback', arg: `silence_stream://${Math.max(1, Math.round(prompt.ms))}` };
    case 'tone': {
      const named = NAMED_TONES[prompt.tone];
      if (named) {
        const loops = prompt.durationMs ? Math.max(1, Math.round(prompt.durationMs / named.cycleMs)) : 1;
        return { app: 'playback', arg: `tone_stream://${named.spec};loops=${loops}` };
      }
      const spec = oneLine(prompt.tone);
      const arg = spec.startsWith('tone_stream://') ? spec : `tone_stream://${spec}`;
      return prompt.durationMs ? { app: 'playback', arg, timedMs: prompt.durationMs } : { app: 'playback', arg };
    }
  }
}

/**
 * Prompts as one file string for applications that take a single file
 * (play_and_detect_speech): file_string://a!b, TTS as `say:` (uses the
 * channel's tts_engine / tts_voice, set by the caller).
 */
export function promptFileString(settings: MediaSettings, prompts: Prompt[]): string {
  const parts = prompts.map((p) => (p.kind === 'tts' ? `say:${oneLine(p.text).replace(/!/g, '.')}` : promptApp(settings, p).arg));
  if (parts.length === 0) return 'silence_stream://10';
  return parts.length === 1 ? parts[0]! : `file_string://${parts.join('!')}`;
}

/** A header string as a number (FreeSWITCH variables come as strings); NaN and missing → undefined. */
export function headerNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The digit in a SIP INFO body: application/dtmf-relay ("Signal=5\r\nDuration=160") or application/dtmf ("5"). */
export function dtmfFromInfo(contentType: string | undefined, body: string): string | undefined {
  const type = (contentType ?? '').toLowerCase();
  let digit: string | undefined;
  if (type.includes('application/dtmf-relay')) {
    digit = /^\s*signal\s*=\s*(\S+)/im.exec(body)?.[1];
  } else if (type.includes('application/dtmf')) {
    digit = body.trim();
  }
  if (digit === undefined) return undefined;
  if (digit === '10') return '*';
  if (digit === '11') return '#';
  return /^[0-9*#A-Da-d]$/.test(digit) ? digit.toUpperCase() : undefined;
}

/** Parses an NLSML recognition result (detect_speech_result). */
export function parseSpeechResult(xml: string | undefined): { text: string; confidence: number } | undefined {
  if (!xml || /<(nomatch|noinput)\b/i.test(xml)) return undefined;
  const input = /<input\b[^>]*>([\s\S]*?)<\/input>/i.exec(xml);
  const text = input?.[1]?.replace(/<[^>]+>/g, '').trim();
  if (!text) return undefined;
  const conf = /confidence\s*=\s*"([\d.]+)"/i.exec(xml)?.[1];
  let confidence = conf === undefined ? 1 : Number(conf);
  if (!Number.isFinite(confidence)) confidence = 1;
  if (confidence > 1) confidence = confidence / 100;
  return { text: decodeXml(text), confidence: Math.max(0, Math.min(1, confidence)) };
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
