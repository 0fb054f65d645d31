/**
 * Time as a dependency. Everything that waits or reads the time takes a Clock,
 * so that tests of a 10-second timeout or a 30-second wrap-up run instantly on
 * a VirtualClock (util/virtual-clock.ts).
 */

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` after `ms`; cancel() prevents it. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  /**
   * Resolves after `ms`; rejects with the signal's reason (an AbortError) when
   * the signal aborts first. Leaves no timer behind either way.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Marks a promise as real external work (network I/O) so that a virtual
   * clock in auto-advance mode does not jump time while it is in flight.
   * The real clock returns the promise unchanged.
   */
  external<T>(work: Promise<T>): Promise<T>;
}

export class AbortError extends Error {
  constructor(message = 'aborted') {
    super(message);
    this.name = 'AbortError';
  }
}

export function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new AbortError(typeof r === 'string' ? r : 'aborted');
}

export function sleepOn(clock: Pick<Clock, 'setTimer'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(abortReason(signal!));
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
  sleep(ms, signal) {
    return sleepOn(systemClock, ms, signal);
  },
  external: (work) => work,
};

/** A signal that aborts when any of the given signals aborts (AbortSignal.any exists on Node 20.3+). */
export function anySignal(signals: Array<AbortSignal | undefined>): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
}
