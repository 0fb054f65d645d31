/**
 * The `callback` node through the flow engine, the simulated driver and a real
 * Redis (auto-advancing VirtualClock; Redis I/O is marked external).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import { redisUrl, testPrefix } from '../support/redis.ts';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { CallbackStore } from '../../src/callbacks/store.ts';
import { CallbackManager, type CallbackManagerOptions } from '../../src/callbacks/service.ts';
import { defaultCallbacksConfig } from '../../src/config/callbacks.ts';
import type { CallbackNode } from '../../src/flows/nodes/callback.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import type { CallerAction } from '../../src/telephony/sim/caller-script.ts';
import type { EngineServices } from '../../src/engine/context.ts';

const redis = new Redis(redisUrl());
afterAll(() => redis.quit());
const silent = pino({ level: 'silent' });

function setup(extra: Partial<CallbackManagerOptions> = {}, client: Redis = redis) {
  const clock = new VirtualClock(); // Monday 2026-01-05 10:00 in Warsaw
  const prefix = `${testPrefix('cbn')}{t}:`;
  const config = defaultCallbacksConfig({ keyPrefix: prefix });
  const store = new CallbackStore(client, prefix, 86_400_000);
  const callbacks = new CallbackManager({ store, clock, log: silent, config, ...extra });
  return { clock, store, callbacks };
}

function flow(node: Partial<Omit<CallbackNode, 'type'>> = {}, languages?: string[]): FlowDocument {
  return flowOf(
    {
      cb: { type: 'callback', queue: 'sales', next: 'thanks', declined: 'wait', error: 'sorry', resultVar: 'callbackId', data: { account: '{{vars.account}}' }, ...node },
      thanks: { type: 'hangup' },
      wait: { type: 'play', prompt: { say: { pl: 'Czekaj dalej.', en: 'Keep waiting.' } }, next: 'bye' },
      sorry: { type: 'play', prompt: { say: { pl: 'Przepraszamy.', en: 'Sorry.' } }, next: 'bye' },
      bye: { type: 'hangup' },
    },
    languages ? { languages } : {},
  );
}

async function run(
  rig: ReturnType<typeof setup>,
  input: CallerAction[],
  options: { from?: string; node?: Partial<Omit<CallbackNode, 'type'>>; language?: string; services?: Partial<EngineServices>; vars?: Record<string, number | string> } = {},
) {
  const stop = rig.clock.startAuto();
  try {
    return await runScenario({
      flow: flow(options.node, options.language === 'en' ? ['pl', 'en'] : undefined),
      input,
      from: options.from ?? '+48600100200',
      clock: rig.clock,
      vars: { account: '42', ...options.vars },
      ...(options.language ? { language: options.language } : {}),
      services: { callbacks: rig.callbacks, ...options.services },
    });
  } finally {
    stop();
  }
}

const CONFIRM_OWN = 'tts[pl]: Oddzwonimy na numer 6 0 0, 1 0 0, 2 0 0. Naciśnij 1, aby potwierdzić, lub 2, aby podać inny numer.';
const WHEN = 'tts[pl]: Naciśnij 1, abyśmy oddzwonili najszybciej, jak to możliwe, lub 2, aby wybrać godzinę.';
const ASAP_OK = 'tts[pl]: Dziękujemy. Oddzwonimy na numer 6 0 0, 1 0 0, 2 0 0, gdy tylko konsultant będzie wolny. Zachowujesz swoje miejsce w kolejce.';
const ENTER = 'tts[pl]: Wprowadź numer telefonu, na który mamy oddzwonić, i zakończ krzyżykiem. Numer zagraniczny poprzedź dwoma zerami.';

describe('callback node', () => {
  it('next: confirms the calling number, as soon as possible, stored before the confirmation', async () => {
    const rig = setup();
    const r = await run(rig, [{ digits: '1' }, { digits: '1' }], { vars: { queueArrivedAt: Date.UTC(2026, 0, 5, 8, 55), queuePriority: 7 } });
    expect(r.heard).toEqual([CONFIRM_OWN, WHEN, ASAP_OK]);
    expect(r.path).toEqual(['cb', 'thanks']);
    const rec = await rig.callbacks.get(String(r.vars.callbackId));
    expect(rec).toMatchObject({
      queueId: 'sales',
      number: '+48600100200',
      status: 'pending',
      priority: 7,
      arrivedAt: Date.UTC(2026, 0, 5, 8, 55),
      data: { account: '42' },
      language: 'pl',
    });
    expect(rec?.scheduledAt).toBeUndefined();
  });

  it('next: a scheduled slot is read back for confirmation; "2" picks another', async () => {
    const rig = setup();
    const r = await run(rig, [{ digits: '1' }, { digits: '2' }, { digits: '2' }, { digits: '2' }, { digits: '2' }, { digits: '3' }, { digits: '1' }]);
    const slots = ['tts[pl]: Naciśnij 1: dziś o 10:30.', 'tts[pl]: Naciśnij 2: dziś o 11:00.', 'tts[pl]: Naciśnij 3: dziś o 11:30.'];
    expect(r.heard).toEqual([
      CONFIRM_OWN,
      WHEN,
      ...slots,
      'tts[pl]: Wybrano dziś o 11:00. Naciśnij 1, aby potwierdzić, lub 2, aby wybrać inną godzinę.',
      WHEN,
      ...slots,
      'tts[pl]: Wybrano dziś o 11:30. Naciśnij 1, aby potwierdzić, lub 2, aby wybrać inną godzinę.',
      'tts[pl]: Dziękujemy. Oddzwonimy na numer 6 0 0, 1 0 0, 2 0 0 dziś o 11:30.',
    ]);
    const rec = await rig.callbacks.get(String(r.vars.callbackId));
    expect(rec?.scheduledAt).toBe(Date.UTC(2026, 0, 5, 10, 30));
    expect(rec?.dueAt).toBe(Date.UTC(2026, 0, 5, 10, 30));
  });

  it('declined: a withheld number means keying one; after three bad numbers the caller hears an apology', async () => {
    const rig = setup();
    const r = await run(rig, [{ digits: '600*100200#' }, { digits: '60010#' }, { digits: '6001002001234#' }], { from: 'anonymous' });
    expect(r.heard).toEqual([
      ENTER,
      'tts[pl]: Numer może zawierać tylko cyfry.',
      ENTER,
      'tts[pl]: Ten numer jest za krótki.',
      ENTER,
      'tts[pl]: Niestety nie udało się przyjąć prośby o oddzwonienie.',
      'tts[pl]: Czekaj dalej.',
    ]);
    expect(r.path).toEqual(['cb', 'wait', 'bye']);
    expect(await rig.callbacks.list()).toEqual([]);
  });

  it('next: +48 keyed twice and premium numbers are re-prompted; silence and "*" on a question too', async () => {
    const rig = setup();
    const r = await run(rig, [{ digits: '00480048600100200#' }, { digits: '701234567#' }, { digits: '0048600100201#' }, { silence: true }, { digits: '*' }, { digits: '1' }], {
      from: 'sip:anonymous@anonymous.invalid',
      node: { allowScheduled: false },
    });
    expect(r.heard).toEqual([
      ENTER,
      'tts[pl]: Ten numer jest za długi.',
      ENTER,
      'tts[pl]: Nie oddzwaniamy na numery o podwyższonej opłacie.',
      ENTER,
      'tts[pl]: Wprowadzony numer to 6 0 0, 1 0 0, 2 0 1. Naciśnij 1, aby potwierdzić, lub 2, aby wprowadzić go ponownie.',
      'tts[pl]: Nie wybrano żadnej opcji.',
      'tts[pl]: Wprowadzony numer to 6 0 0, 1 0 0, 2 0 1. Naciśnij 1, aby potwierdzić, lub 2, aby wprowadzić go ponownie.',
      'tts[pl]: Nie rozpoznano wyboru.',
      'tts[pl]: Wprowadzony numer to 6 0 0, 1 0 0, 2 0 1. Naciśnij 1, aby potwierdzić, lub 2, aby wprowadzić go ponownie.',
      'tts[pl]: Dziękujemy. Oddzwonimy na numer 6 0 0, 1 0 0, 2 0 1, gdy tylko konsultant będzie wolny. Zachowujesz swoje miejsce w kolejce.',
    ]);
    expect((await rig.callbacks.get(String(r.vars.callbackId)))?.number).toBe('+48600100201');
  });

  it('next: keyed numbers in national, 00 and 0048 forms are read back and normalised', async () => {
    const rig = setup();
    const r = await run(rig, [{ digits: '60010#' }, { digits: '0048600100201#' }, { digits: '2' }, { digits: '004420794600000#' }, { digits: '1' }], {
      from: 'anonymous',
      node: { allowScheduled: false },
    });
    expect(r.heard).toEqual([
      ENTER,
      'tts[pl]: Ten numer jest za krótki.',
      ENTER,
      'tts[pl]: Wprowadzony numer to 6 0 0, 1 0 0, 2 0 1. Naciśnij 1, aby potwierdzić, lub 2, aby wprowadzić go ponownie.',
      ENTER,
      'tts[pl]: Wprowadzony numer to plus 4 4 2, 0 7 9, 4 6 0, 0 0 0 0. Naciśnij 1, aby potwierdzić, lub 2, aby wprowadzić go ponownie.',
      'tts[pl]: Dziękujemy. Oddzwonimy na numer plus 4 4 2, 0 7 9, 4 6 0, 0 0 0 0, gdy tylko konsultant będzie wolny. Zachowujesz swoje miejsce w kolejce.',
    ]);
    expect((await rig.callbacks.get(String(r.vars.callbackId)))?.number).toBe('+4420794600000');
  });

  it('next: pressing 2 on the own number lets the caller key another; a second request merges', async () => {
    const rig = setup();
    const first = await run(rig, [{ digits: '2' }, { digits: '600100300#' }, { digits: '1' }, { digits: '1' }], { node: { allowScheduled: false } });
    expect(first.heard.slice(0, 2)).toEqual([CONFIRM_OWN, ENTER]);
    const again = await run(rig, [{ digits: '2' }, { digits: '600100300#' }, { digits: '1' }, { digits: '1' }], { node: { allowScheduled: false } });
    expect(again.vars.callbackId).toBe(first.vars.callbackId);
    const rec = await rig.callbacks.get(String(first.vars.callbackId));
    expect(rec).toMatchObject({ number: '+48600100300', merged: 1 });
    // the merged second request is not a new one
    expect(await rig.callbacks.stats(['sales'])).toEqual([
      { queueId: 'sales', pending: 1, completed: 0, failed: 0, cancelled: 0, today: { requested: 1, completed: 0, failed: 0, cancelled: 0 } },
    ]);
  });

  it('next: outside business hours, "as soon as possible" means at the next opening, and slots lie inside the hours', async () => {
    const hours = { timeZone: 'Europe/Warsaw', weekly: { mon: ['08:00-09:30'], tue: ['08:00-09:00'] } };
    const rig = setup({ hoursFor: () => hours });
    const asap = await run(rig, [{ digits: '1' }, { digits: '1' }]);
    expect(asap.heard.at(-1)).toBe('tts[pl]: Dziękujemy. Oddzwonimy na numer 6 0 0, 1 0 0, 2 0 0 jutro o 08:00, gdy rozpoczniemy pracę.');
    expect((await rig.callbacks.get(String(asap.vars.callbackId)))?.dueAt).toBe(Date.UTC(2026, 0, 6, 7, 0));
    const slot = await run(rig, [{ digits: '1' }, { digits: '2' }, { digits: '1' }, { digits: '1' }], { from: '+48600100201' });
    expect(slot.heard.slice(2, 4)).toEqual(['tts[pl]: Naciśnij 1: jutro o 08:00.', 'tts[pl]: Naciśnij 2: jutro o 08:30.']);
  });

  it('declined: the caller says no to the offer; nothing is stored', async () => {
    const rig = setup();
    const r = await run(rig, [{ digits: '2' }], { node: { offer: 'Chcesz, abyśmy oddzwonili? Naciśnij 1 lub 2.' } });
    expect(r.heard).toEqual(['tts[pl]: Chcesz, abyśmy oddzwonili? Naciśnij 1 lub 2.', 'tts[pl]: Czekaj dalej.']);
    expect(r.path).toEqual(['cb', 'wait', 'bye']);
    expect(await rig.callbacks.list()).toEqual([]);
  });

  it('declined: the wait is short, so no offer is made; a long wait gets the offer', async () => {
    let ewt = 30_000;
    const rig = setup({ estimateWait: async () => ewt });
    const node = { offer: 'Chcesz, abyśmy oddzwonili?', offerWhenWaitAboveSeconds: 60 };
    const short = await run(rig, [], { node });
    expect(short.heard).toEqual(['tts[pl]: Czekaj dalej.']);
    ewt = 120_000;
    const long = await run(rig, [{ digits: '1' }, { digits: '1' }, { digits: '1' }], { node });
    expect(long.heard[0]).toBe('tts[pl]: Chcesz, abyśmy oddzwonili?');
    expect(long.path).toEqual(['cb', 'thanks']);
  });

  it('error: the request cannot be stored; the caller hears an apology', async () => {
    const dead = new Redis(redisUrl(), { lazyConnect: true, enableOfflineQueue: false });
    dead.on('error', () => undefined);
    const rig = setup({}, dead);
    const r = await run(rig, [{ digits: '1' }, { digits: '1' }]);
    expect(r.heard.slice(-2)).toEqual(['tts[pl]: Przepraszamy, nie udało się zapisać prośby o oddzwonienie.', 'tts[pl]: Przepraszamy.']);
    expect(r.path).toEqual(['cb', 'sorry', 'bye']);
    dead.disconnect();
  });

  it('error: call-backs not configured', async () => {
    const rig = setup();
    const stop = rig.clock.startAuto();
    try {
      const r = await runScenario({ flow: flow(), input: [], clock: rig.clock });
      expect(r.path).toEqual(['cb', 'sorry', 'bye']);
    } finally {
      stop();
    }
  });

  it('speaks English to an English call; a hang-up mid-dialog stores nothing', async () => {
    const rig = setup();
    const r = await run(rig, [{ digits: '1' }, { digits: '1' }], { language: 'en' });
    expect(r.heard).toEqual([
      'tts[en]: We will call you back at 6 0 0, 1 0 0, 2 0 0. Press 1 to confirm, or 2 to enter another number.',
      'tts[en]: Press 1 to be called back as soon as possible, or 2 to choose a time.',
      'tts[en]: Thank you. We will call you back at 6 0 0, 1 0 0, 2 0 0 as soon as an agent is free. You keep your place in the queue.',
    ]);
    const rig2 = setup();
    const gone = await run(rig2, [{ digits: '1' }, { hangup: true }]);
    expect(gone.ended).toBe('hangup');
    expect(await rig2.callbacks.list()).toEqual([]);
  });
});
