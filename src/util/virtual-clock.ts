/**
 * A deterministic clock for tests, the CLI simulator and benchmarks.
 *
 * - `advance(ms)` moves time forward, firing due timers in order and letting
 *   promise chains settle between them (a timer set by a fired timer's
 *   continuation fires too if it falls inside the window).
 * - `startAuto()` makes time jump to the next timer whenever the process is
 *   idle (no tracked external work, and several event-loop turns with nothing
 *   new). While external work (network I/O marked with `external()`) is in
 *   flight, virtual time follows real time instead, so its timeout still fires. Used by `ivr simulate`, `ivr flows test` and flow tests, where the
 *   scripted caller's "silence" must reach a timeout at once.
 */
import { sleepOn, type Clock, type TimerHandle } from './clock.ts';

/** A scheduled timer; it is its own handle (no closure per timer). */
class Timer implements TimerHandle {
  cancelled = false;
  constructor(
    private readonly counter: { live: number },
    readonly at: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}

  cancel(): void {
    if (!this.cancelled) {
      this.cancelled = true;
      this.counter.live--;
    }
  }
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  /** Binary min-heap by (at, seq); cancelled timers are dropped lazily. */
  private heap: Timer[] = [];
  /** Timers not yet fired nor cancelled (shared with the timers, which count their cancellation). */
  private readonly counts = { live: 0 };
  private externals = 0;
  private auto: { stopped: boolean } | null = null;
  private activity = 0;

  constructor(start: number | Date = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.time = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const t = new Timer(this.counts, this.time + Math.max(0, ms), this.seq++, fn);
    this.push(t);
    this.counts.live++;
    this.activity++;
    return t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  async external<T>(work: Promise<T>): Promise<T> {
    this.externals++;
    this.activity++;
    try {
      return await work;
    } finally {
      this.externals--;
      this.activity++;
    }
  }

  /** Number of timers not yet fired. */
  pendingTimers(): number {
    return this.counts.live;
  }

  /** Time of the next timer, if any. */
  nextTimerAt(): number | undefined {
    return this.next()?.at;
  }

  /** Sets the time without firing anything (for placing a test at a wall-clock moment). */
  setTime(t: number | Date): void {
    this.time = typeof t === 'number' ? t : t.getTime();
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    await this.settle();
    for (;;) {
      const t = this.next();
      if (!t || t.at > until) break;
      this.fire(t);
      await this.settle();
    }
    this.time = Math.max(this.time, until);
    await this.settle();
  }

  /** Fires timers until none remain or `maxMs` of virtual time has passed. */
  async runAll(maxMs = 24 * 3600_000): Promise<void> {
    const until = this.time + maxMs;
    await this.settle();
    for (;;) {
      const t = this.next();
      if (!t || t.at > until) break;
      this.fire(t);
      await this.settle();
    }
  }

  /** Lets promise chains and immediate callbacks run. */
  async settle(turns = 3): Promise<void> {
    for (let i = 0; i < turns; i++) await turn();
  }

  /**
   * Auto-advance: whenever nothing has happened for `idleTurns` event-loop
   * turns and no external work is in flight, jump to the next timer. Every
   * timer due at that same instant fires in that one turn of the event loop,
   * each in its own immediate callback, so the promise continuations of one
   * run before the next fires (as with real timers due together).
   * Returns a function that stops it.
   */
  startAuto(idleTurns = 4): () => void {
    this.stopAuto();
    const state = { stopped: false };
    this.auto = state;
    let idle = 0;
    let seen = this.activity;
    /** Real time when the current stretch of external work was first seen; null when there is none. */
    let realMark: number | null = null;
    let jumpAt = 0;
    const fireDue = (): void => {
      if (state.stopped) return;
      const t = this.next();
      if (t && t.at <= jumpAt) this.fire(t);
    };
    const tick = (): void => {
      if (state.stopped) return;
      if (this.externals > 0) {
        // Real work in flight (network I/O): virtual time follows real time, so
        // a timeout guarding that work still fires, at its real moment.
        realMark ??= performance.now();
        setTimeout(followReal, 2);
        return;
      }
      realMark = null;
      if (this.activity !== seen) {
        seen = this.activity;
        idle = 0;
        setImmediate(tick);
        return;
      }
      if (++idle < idleTurns) {
        setImmediate(tick);
        return;
      }
      const t = this.next();
      if (!t) {
        // Nothing scheduled: wait a real moment instead of spinning.
        setTimeout(tick, 1);
        return;
      }
      jumpAt = t.at;
      this.fire(t);
      for (let n = this.countDue(jumpAt); n > 0; n--) setImmediate(fireDue);
      seen = this.activity;
      idle = 0;
      setImmediate(tick);
    };
    const followReal = (): void => {
      if (state.stopped) return;
      const now = performance.now();
      const due = this.time + (now - (realMark ?? now));
      realMark = now;
      const t = this.next();
      if (t && t.at <= due) this.fire(t);
      else this.time = due;
      seen = this.activity;
      idle = 0;
      setImmediate(tick);
    };
    setImmediate(tick);
    return () => this.stopAuto();
  }

  stopAuto(): void {
    if (this.auto) this.auto.stopped = true;
    this.auto = null;
  }

  /** How many heap entries (live or cancelled) are due at or before `at`: the subtree of the root they form. */
  private countDue(at: number): number {
    const h = this.heap;
    let n = 0;
    const stack = h.length > 0 && h[0]!.at <= at ? [0] : [];
    while (stack.length > 0) {
      const i = stack.pop()!;
      n++;
      const l = 2 * i + 1;
      if (l < h.length && h[l]!.at <= at) stack.push(l);
      if (l + 1 < h.length && h[l + 1]!.at <= at) stack.push(l + 1);
    }
    return n;
  }

  private next(): Timer | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  /** Fires `t`, which must be the heap's top (as returned by next()). */
  private fire(t: Timer): void {
    this.pop();
    t.cancelled = true;
    this.counts.live--;
    this.time = Math.max(this.time, t.at);
    this.activity++;
    t.fn();
  }

  private static before(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!VirtualClock.before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (h.length === 0 || !last) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && VirtualClock.before(h[l]!, h[m]!)) m = l;
      if (r < h.length && VirtualClock.before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
