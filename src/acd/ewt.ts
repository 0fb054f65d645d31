/**
 * Estimated wait time (EWT), pure.
 *
 * EWT = max(0, position − available) × AHT / staffed, where AHT is the queue's
 * recent average handle time (talk + after-call work) from its statistics
 * counters: the last 15 minutes, else today, else `defaultHandleMs`
 * (`handleTimeMs` below); staffed = member agents logged in and not paused,
 * available = of those, free right now. Nobody staffed: unknown.
 */
export interface EwtInput {
  /** 1-based position of the caller (or of a new caller: waiting + 1). */
  position: number;
  /** Recent average handle time, ms; null: no call handled yet (then defaultHandleMs). */
  ahtMs: number | null;
  staffed: number;
  available: number;
  defaultHandleMs?: number;
}

export function estimateWaitMs(input: EwtInput): number | null {
  if (input.staffed <= 0) return null;
  const ahead = Math.max(0, input.position - input.available);
  if (ahead === 0) return 0;
  const aht = input.ahtMs ?? input.defaultHandleMs ?? 180_000;
  return Math.round((ahead * aht) / input.staffed);
}

/** The AHT for EWT: the last 15 minutes' if a call was handled in them, else today's, else null. */
export function recentAhtMs(periods: { last15Minutes: { ahtMs: number | null }; today: { ahtMs: number | null } }): number | null {
  return periods.last15Minutes.ahtMs ?? periods.today.ahtMs;
}
