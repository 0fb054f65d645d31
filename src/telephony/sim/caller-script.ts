/**
 * What a simulated caller (or agent) does, one action each time the call asks
 * for input (collect, gather, record) — the language of `ivr simulate --input`
 * and of scenario files. See docs/simulator.md.
 *
 * By default an action happens when the call starts listening (its prompts
 * have ended). `afterMs` instead performs it that long after the input
 * operation started, i.e. possibly while its prompts still play (barge-in).
 */
export type CallerAction =
  /** Presses keys (e.g. "1", "1234#"). */
  | { digits: string; afterMs?: number }
  /** Says a phrase; the recognizer returns it with this confidence (default 0.9). */
  | { say: string; confidence?: number; afterMs?: number }
  /** Stays silent: the operation's timeout elapses. */
  | { silence: true }
  /** Talks for a while (a voicemail message), then stops; `digits` optionally ends it with a key. */
  | { speakMs: number; thenDigits?: string; afterMs?: number }
  /** Hangs up. */
  | { hangup: true; afterMs?: number };
