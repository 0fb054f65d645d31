/**
 * Estimated wait time (EWT), pure.
 *
 * EWT = max(0, position − available) × AHT / staffed, where AHT is the mean of
 * the queue's recent handle times (talk + configured wrap-up, last 50 calls;
 * `defaultHandleMs` before any call), staffed = member agents logged in and
 * not paused, available = of those, free right now. Nobody staffed: unknown.
 */
export interface EwtInput {
  /** 1-based position of the caller (or of a new caller: waiting + 1). */
  position: number;
  recentHandleMs: readonly number[];
  staffed: number;
  available: number;
  defaultHandleMs?: number;
}

export function estimateWaitMs(input: EwtInput): number | null {
  if (input.staffed <= 0) return null;
  const ahead = Math.max(0, input.position - input.available);
  if (ahead === 0) return 0;
  const h = input.recentHandleMs;
  const aht = h.length > 0 ? h.reduce((a, b) => a + b, 0) / h.length : (input.defaultHandleMs ?? 180_000);
  return Math.round((ahead * aht) / input.staffed);
}
