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

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  /** Binary min-heap by (at, seq); cancelled timers are dropped lazily. */
  private heap: Timer[] = [];
  private live = 0;
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
    const t: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.push(t);
    this.live++;
    this.activity++;
    return {
      cancel: () => {
        if (!t.cancelled) {
          t.cancelled = true;
          this.live--;
        }
      },
    };
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
    return this.live;
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
   * turns and no external work is in flight, jump to the next timer.
   * Returns a function that stops it.
   */
  startAuto(idleTurns = 4): () => void {
    this.stopAuto();
    const state = { stopped: false };
    this.auto = state;
    void (async () => {
      let idle = 0;
      let seen = this.activity;
      let realMark = performance.now();
      while (!state.stopped) {
        await turn();
        if (this.externals > 0) {
          // Real work in flight (network I/O): virtual time follows real time, so
          // a timeout guarding that work still fires, at its real moment.
          await new Promise((r) => setTimeout(r, 2));
          const now = performance.now();
          const due = this.time + (now - realMark);
          realMark = now;
          const t = this.next();
          if (t && t.at <= due) this.fire(t);
          else this.time = due;
          seen = this.activity;
          idle = 0;
          continue;
        }
        realMark = performance.now();
        if (this.activity !== seen) {
          seen = this.activity;
          idle = 0;
          continue;
        }
        idle++;
        if (idle < idleTurns) continue;
        const t = this.next();
        if (t) {
          this.fire(t);
          seen = this.activity;
          idle = 0;
        } else {
          // Nothing scheduled: wait a real moment instead of spinning.
          await new Promise((r) => setTimeout(r, 1));
        }
      }
    })();
    return () => this.stopAuto();
  }

  stopAuto(): void {
    if (this.auto) this.auto.stopped = true;
    this.auto = null;
  }

  private next(): Timer | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  /** Fires `t`, which must be the heap's top (as returned by next()). */
  private fire(t: Timer): void {
    this.pop();
    t.cancelled = true;
    this.live--;
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
