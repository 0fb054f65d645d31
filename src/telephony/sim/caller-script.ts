/**
 * What a simulated caller (or agent) does, one action each time the call asks
 * for input (collect, gather, record) — the language of `ivr simulate --input`
 * and of scenario files.
 */
export type CallerAction =
  /** Presses keys (e.g. "1", "1234#"). */
  | { digits: string }
  /** Says a phrase; the recognizer returns it with this confidence (default 0.9). */
  | { say: string; confidence?: number }
  /** Stays silent: the operation's timeout elapses. */
  | { silence: true }
  /** Talks for a while (a voicemail message), then stops; `digits` optionally ends it with a key. */
  | { speakMs: number; thenDigits?: string }
  /** Hangs up. */
  | { hangup: true };
