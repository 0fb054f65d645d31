import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/util/virtual-clock.ts';

/** Resolves when `check` holds, letting the auto-advancing clock run (bounded by event-loop turns, not time). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !check(); i++) await new Promise((r) => setImmediate(r));
  expect(check()).toBe(true);
}

describe('VirtualClock auto-advance', () => {
  it('jumps to the next timer when idle and fires timers in order of time, then of creation', async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.setTimer(2000, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(1000, () => fired.push(`a@${clock.now()}`));
    clock.setTimer(2000, () => fired.push(`c@${clock.now()}`));
    const stop = clock.startAuto(2);
    await until(() => fired.length === 3);
    stop();
    expect(fired).toEqual(['a@1000', 'b@2000', 'c@2000']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('timers due at the same instant fire together, but the promise continuations of one run before the next fires', async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    clock.setTimer(500, () => {
      fired.push('first');
      release();
    });
    const second = clock.setTimer(500, () => fired.push('second'));
    const third = clock.setTimer(500, () => fired.push('third'));
    // The continuation of the first timer cancels the second and re-arms nothing else.
    void first.then(() => second.cancel());
    const stop = clock.startAuto(2);
    await until(() => fired.length === 2);
    stop();
    expect(fired).toEqual(['first', 'third']);
    expect(clock.now()).toBe(500);
    third.cancel();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a timer set for now by a continuation at that instant fires in order too', async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.setTimer(100, () => {
      fired.push('a');
      void Promise.resolve().then(() => clock.setTimer(0, () => fired.push('a-follow-up')));
    });
    clock.setTimer(100, () => fired.push('b'));
    clock.setTimer(200, () => fired.push('c'));
    const stop = clock.startAuto(2);
    await until(() => fired.length === 4);
    stop();
    expect(fired).toEqual(['a', 'b', 'a-follow-up', 'c']);
  });

  it('stops firing once stopped', async () => {
    const clock = new VirtualClock(0);
    let fired = 0;
    clock.setTimer(100, () => fired++);
    const stop = clock.startAuto(2);
    stop();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(fired).toBe(0);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('cancelled timers do not fire and are not counted', async () => {
    const clock = new VirtualClock(0);
    const t = clock.setTimer(100, () => {
      throw new Error('must not fire');
    });
    t.cancel();
    t.cancel();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(1000);
    expect(clock.now()).toBe(1000);
  });
});
