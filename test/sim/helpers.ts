/** Shared set-up for the simulated driver's tests. */
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { SimTelephony } from '../../src/telephony/sim/sim-telephony.ts';
import type { CollectDigitsOptions, Prompt } from '../../src/telephony/port.ts';

export function setup(): { clock: VirtualClock; sim: SimTelephony } {
  const clock = new VirtualClock();
  return { clock, sim: new SimTelephony({ clock }) };
}

/** Watches a promise so a test can ask whether it has settled yet. */
export function track<T>(p: Promise<T>): { readonly done: boolean; readonly value: T | undefined; readonly error: unknown; promise: Promise<T> } {
  const state = { done: false, value: undefined as T | undefined, error: undefined as unknown, promise: p };
  p.then(
    (v) => {
      state.done = true;
      state.value = v;
    },
    (e: unknown) => {
      state.done = true;
      state.error = e;
    },
  );
  return state;
}

/** 'Witaj' is 5 characters: the minimum of 500 ms. */
export const hello: Prompt = { kind: 'tts', text: 'Witaj', language: 'pl' };
/** 'Wybierz jeden lub dwa' is 21 characters: 1260 ms. */
export const menu: Prompt = { kind: 'tts', text: 'Wybierz jeden lub dwa', language: 'pl' };

export function collect(o: Partial<CollectDigitsOptions> = {}): CollectDigitsOptions {
  return {
    prompts: [menu],
    minDigits: 1,
    maxDigits: 1,
    terminators: '#',
    firstDigitTimeoutMs: 10_000,
    interDigitTimeoutMs: 3_000,
    ...o,
  };
}
