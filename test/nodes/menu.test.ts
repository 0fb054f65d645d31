import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import type { MenuNode } from '../../src/flows/nodes/menu.ts';
import { validateFlowDocument } from '../../src/flows/validate.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';
import { FlowEngine } from '../../src/engine/engine.ts';
import { SimTelephony } from '../../src/telephony/sim/sim-telephony.ts';
import type { SimCall } from '../../src/telephony/sim/sim-call.ts';
import type { CallerAction } from '../../src/telephony/sim/caller-script.ts';
import type {
  BridgeEnd,
  Call,
  CallEventMap,
  CallInfo,
  CollectDigitsOptions,
  CollectDigitsResult,
  GatherSpeechOptions,
  GatherSpeechResult,
  HangupCause,
  PlayOptions,
  PlayResult,
  Prompt,
  RecordOptions,
  RecordResult,
} from '../../src/telephony/port.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { nodeDefinitions, type NodeType } from '../../src/flows/nodes/index.ts';
import type { NodeDefinition } from '../../src/flows/node-definition.ts';
import type { TObject } from '@sinclair/typebox';

/** Drops the nodes no exit leads to (fixtures keep spare end nodes; the validator refuses unreachable ones). */
function prune(flow: FlowDocument): FlowDocument {
  const reached = new Set<string>();
  const stack = [flow.start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    const node = flow.nodes[id];
    if (reached.has(id) || !node) continue;
    reached.add(id);
    const def = nodeDefinitions[node.type as NodeType] as unknown as NodeDefinition<TObject>;
    for (const e of def.exits(node)) stack.push(e.target);
  }
  return { ...flow, nodes: Object.fromEntries(Object.entries(flow.nodes).filter(([id]) => reached.has(id))) };
}

const MENU = 'tts[pl]: Menu główne';
const NI1 = 'tts[pl]: Nic nie słyszę.';
const NI2 = 'tts[pl]: Proszę wybrać numer.';
const NM1 = 'tts[pl]: Nie ma takiej opcji.';
const NM2 = 'tts[pl]: Wybierz jeden lub dwa.';

type MenuOverrides = Partial<Omit<MenuNode, 'type'>>;

function keyMenu(overrides: MenuOverrides = {}): FlowDocument {
  return prune(flowOf({
    menu: {
      type: 'menu',
      prompt: 'Menu główne',
      choices: [
        { key: '1', next: 'billing' },
        { key: '2', next: 'support' },
      ],
      noinputPrompts: ['Nic nie słyszę.', 'Proszę wybrać numer.'],
      nomatchPrompts: ['Nie ma takiej opcji.', 'Wybierz jeden lub dwa.'],
      noinput: 'noinputEnd',
      nomatch: 'nomatchEnd',
      ...overrides,
    } as MenuNode,
    billing: { type: 'hangup', prompt: 'Rozliczenia' },
    support: { type: 'hangup', prompt: 'Pomoc techniczna' },
    noinputEnd: { type: 'hangup', prompt: 'Brak wyboru' },
    nomatchEnd: { type: 'hangup', prompt: 'Zły wybór' },
    operator: { type: 'hangup', prompt: 'Łączę z konsultantem' },
  }));
}

/** A flow declaring pl and en, with a speech menu (keys too). */
function speechMenu(overrides: MenuOverrides = {}): FlowDocument {
  return prune(flowOf(
    {
      menu: {
        type: 'menu',
        prompt: { say: { pl: 'Menu główne', en: 'Main menu' } },
        choices: [
          { key: '1', phrases: { pl: ['rozliczenia', 'faktury'], en: ['billing', 'invoices'] }, next: 'billing' },
          { key: '2', phrases: { pl: ['pomoc techniczna', 'awaria'], en: ['technical support', 'outage'] }, next: 'support' },
          { phrases: { pl: ['sprzedaż'], en: ['sales'] }, next: 'sales' },
        ],
        nomatchPrompts: [{ say: { pl: 'Nie zrozumiałem.', en: 'Sorry, I did not understand.' } }],
        noinputPrompts: [{ say: { pl: 'Nic nie słyszę.', en: 'I did not hear you.' } }],
        fallback: 'operator',
        ...overrides,
      } as MenuNode,
      billing: { type: 'hangup', prompt: { say: { pl: 'Rozliczenia', en: 'Billing' } } },
      support: { type: 'hangup', prompt: { say: { pl: 'Pomoc techniczna', en: 'Support' } } },
      sales: { type: 'hangup', prompt: { say: { pl: 'Sprzedaż', en: 'Sales' } } },
      operator: { type: 'hangup', prompt: { say: { pl: 'Konsultant', en: 'Agent' } } },
    },
    { languages: ['pl', 'en'] },
  ));
}

describe('menu: keys', () => {
  it('takes the exit of the key pressed', async () => {
    const r = await runScenario({ flow: keyMenu(), input: [{ digits: '2' }] });
    expect(r.heard).toEqual([MENU, 'tts[pl]: Pomoc techniczna']);
    expect(r.path).toEqual(['menu', 'support']);
    expect(r.trace[0]!.outcome).toBe('choice:1');
    expect(r.ended).toBe('hangup');
  });

  it('with barge-in (default), a key stops the menu prompt', async () => {
    const r = await runScenario({ flow: keyMenu(), input: [{ digits: '1', afterMs: 100 }] });
    expect(r.path).toEqual(['menu', 'billing']);
    expect(r.call.heard[0]).toMatchObject({ text: MENU, interrupted: true, stoppedBy: 'digit' });
  });

  it('without barge-in, the prompt plays to its end and the early key still counts', async () => {
    const r = await runScenario({ flow: keyMenu({ bargeIn: false }), input: [{ digits: '1', afterMs: 100 }] });
    expect(r.path).toEqual(['menu', 'billing']);
    expect(r.call.heard[0]!.text).toBe(MENU);
    expect(r.call.heard[0]!.interrupted).toBeUndefined();
  });

  it('escalates no-input prompts, re-prompting the menu after each, then takes noinput', async () => {
    const r = await runScenario({ flow: keyMenu(), input: [{ silence: true }, { silence: true }, { silence: true }] });
    expect(r.heard).toEqual([MENU, NI1, MENU, NI2, MENU, 'tts[pl]: Brak wyboru']);
    expect(r.path).toEqual(['menu', 'noinputEnd']);
    expect(r.trace[0]!.outcome).toBe('noinput');
  });

  it('repeats the last escalation prompt when there are more attempts than prompts', async () => {
    const r = await runScenario({
      flow: keyMenu({ maxNoInput: 4 }),
      input: [{ silence: true }, { silence: true }, { silence: true }, { silence: true }],
    });
    expect(r.heard).toEqual([MENU, NI1, MENU, NI2, MENU, NI2, MENU, 'tts[pl]: Brak wyboru']);
  });

  it('escalates no-match prompts for wrong keys, then takes nomatch', async () => {
    const r = await runScenario({ flow: keyMenu(), input: [{ digits: '9' }, { digits: '*' }, { digits: '0' }] });
    expect(r.heard).toEqual([MENU, NM1, MENU, NM2, MENU, 'tts[pl]: Zły wybór']);
    expect(r.path).toEqual(['menu', 'nomatchEnd']);
  });

  it('keeps separate no-input and no-match counters', async () => {
    const r = await runScenario({
      flow: keyMenu(),
      input: [{ silence: true }, { digits: '9' }, { silence: true }, { digits: '7' }, { digits: '1' }],
    });
    expect(r.heard).toEqual([MENU, NI1, MENU, NM1, MENU, NI2, MENU, NM2, MENU, 'tts[pl]: Rozliczenia']);
    expect(r.path).toEqual(['menu', 'billing']);
  });

  it('just repeats the menu when there are no escalation prompts', async () => {
    const r = await runScenario({
      flow: keyMenu({ noinputPrompts: undefined, maxNoInput: 2 }),
      input: [{ silence: true }, { silence: true }],
    });
    expect(r.heard).toEqual([MENU, MENU, 'tts[pl]: Brak wyboru']);
  });

  it('takes fallback after too many silences when there is no noinput exit', async () => {
    const r = await runScenario({
      flow: keyMenu({ noinput: undefined, nomatch: undefined, fallback: 'operator', maxNoInput: 2 }),
      input: [{ silence: true }, { silence: true }],
    });
    expect(r.heard).toEqual([MENU, NI1, MENU, 'tts[pl]: Łączę z konsultantem']);
    expect(r.trace[0]!.outcome).toBe('fallback');
  });

  it('takes fallback after too many wrong keys when there is no nomatch exit', async () => {
    const r = await runScenario({
      flow: keyMenu({ nomatch: undefined, fallback: 'operator', maxNoMatch: 1 }),
      input: [{ digits: '5' }],
    });
    expect(r.heard).toEqual([MENU, 'tts[pl]: Łączę z konsultantem']);
    expect(r.path).toEqual(['menu', 'operator']);
  });

  it('accepts * and # as choice keys', async () => {
    const flow = keyMenu({ choices: [{ key: '*', next: 'billing' }, { key: '#', next: 'support' }] });
    const r = await runScenario({ flow, input: [{ digits: '#' }] });
    expect(r.path).toEqual(['menu', 'support']);
  });

  it('stops at once when the caller hangs up mid-menu, leaving no timers', async () => {
    const clock = new VirtualClock();
    const stop = clock.startAuto();
    try {
      const r = await runScenario({ flow: keyMenu(), input: [{ silence: true }, { hangup: true, afterMs: 200 }], clock });
      expect(r.ended).toBe('hangup');
      expect(r.heard).toEqual([MENU, NI1]);
      expect(r.call.heard[1]!.stoppedBy).toBe('hangup');
      expect(r.path).toEqual(['menu']);
      expect(r.trace[0]!.outcome).toBe('hangup');
      expect(r.call.hangupCause).toBe('caller');
    } finally {
      stop();
    }
    expect(clock.pendingTimers()).toBe(0);
  });

  it('takes the error exit when its prompt cannot be played', async () => {
    const flow = keyMenu({ prompt: { file: 'missing.wav' }, error: 'operator' });
    const clock = new VirtualClock();
    const stop = clock.startAuto();
    try {
      const sim = new SimTelephony({ clock });
      sim.missingFiles(['missing.wav']);
      const engine = new FlowEngine({
        clock,
        logger: pino({ level: 'silent' }),
        services: { flows: { get: () => undefined }, http: () => Promise.reject(new Error('no http')), transferPolicy: denyAllDestinations, audioDir: '', recordingsDir: '' },
      });
      const result = new Promise<Awaited<ReturnType<FlowEngine['handle']>>>((resolve) => sim.onIncoming((call) => void engine.handle(call, flow).then(resolve)));
      const { call } = sim.incoming({ to: '+48221234567', script: [{ digits: '1' }] });
      const { state, ended } = await result;
      expect(state.trace.map((t) => [t.nodeId, t.outcome])).toEqual([
        ['menu', 'error'],
        ['operator', 'hangup'],
      ]);
      expect(call.heard.map((h) => h.text)).toEqual(['tts[pl]: Łączę z konsultantem']);
      expect(ended).toBe('hangup');
    } finally {
      stop();
    }
  });
});

describe('menu: speech', () => {
  it('matches an inflected spoken phrase', async () => {
    const r = await runScenario({ flow: speechMenu(), input: [{ say: 'w sprawie rozliczeń' }] });
    expect(r.heard).toEqual(['tts[pl]: Menu główne', 'tts[pl]: Rozliczenia']);
    expect(r.path).toEqual(['menu', 'billing']);
  });

  it('matches a multi-word phrase and a choice that has no key', async () => {
    const a = await runScenario({ flow: speechMenu(), input: [{ say: 'Potrzebuję pomocy technicznej!' }] });
    expect(a.path).toEqual(['menu', 'support']);
    const b = await runScenario({ flow: speechMenu(), input: [{ say: 'sprzedaży' }] });
    expect(b.path).toEqual(['menu', 'sales']);
  });

  it('still accepts keys while listening for speech', async () => {
    const r = await runScenario({ flow: speechMenu(), input: [{ digits: '2' }] });
    expect(r.path).toEqual(['menu', 'support']);
  });

  it('lets speech barge in on the prompt', async () => {
    const r = await runScenario({ flow: speechMenu(), input: [{ say: 'faktury', afterMs: 100 }] });
    expect(r.path).toEqual(['menu', 'billing']);
    expect(r.call.heard[0]).toMatchObject({ interrupted: true, stoppedBy: 'speech' });
  });

  it('counts speech below the confidence threshold as no match', async () => {
    const r = await runScenario({
      flow: speechMenu(),
      input: [{ say: 'rozliczenia', confidence: 0.3 }, { say: 'rozliczenia', confidence: 0.8 }],
    });
    expect(r.heard).toEqual(['tts[pl]: Menu główne', 'tts[pl]: Nie zrozumiałem.', 'tts[pl]: Menu główne', 'tts[pl]: Rozliczenia']);
  });

  it('honours the node threshold', async () => {
    const r = await runScenario({ flow: speechMenu({ minConfidence: 0.9, maxNoMatch: 1 }), input: [{ say: 'rozliczenia', confidence: 0.85 }] });
    expect(r.path).toEqual(['menu', 'operator']);
  });

  it('counts speech matching no choice, or two choices equally, as no match, then falls back', async () => {
    const r = await runScenario({
      flow: speechMenu(),
      input: [{ say: 'jaka jest pogoda' }, { say: 'rozliczenia i sprzedaż' }, { digits: '7' }],
    });
    expect(r.heard).toEqual([
      'tts[pl]: Menu główne',
      'tts[pl]: Nie zrozumiałem.',
      'tts[pl]: Menu główne',
      'tts[pl]: Nie zrozumiałem.',
      'tts[pl]: Menu główne',
      'tts[pl]: Konsultant',
    ]);
    expect(r.trace[0]!.outcome).toBe('fallback');
  });

  it('no input on a speech menu escalates and falls back', async () => {
    const r = await runScenario({ flow: speechMenu({ maxNoInput: 2 }), input: [{ silence: true }, { silence: true }] });
    expect(r.heard).toEqual(['tts[pl]: Menu główne', 'tts[pl]: Nic nie słyszę.', 'tts[pl]: Menu główne', 'tts[pl]: Konsultant']);
  });

  it('uses the phrases of the call language', async () => {
    const r = await runScenario({ flow: speechMenu(), language: 'en', input: [{ say: "I'd like to talk about my bill" }] });
    expect(r.heard).toEqual(['tts[en]: Main menu', 'tts[en]: Billing']);
    expect(r.path).toEqual(['menu', 'billing']);
  });

  it('does not match phrases of another language', async () => {
    const r = await runScenario({ flow: speechMenu({ maxNoMatch: 1 }), language: 'en', input: [{ say: 'rozliczenia' }] });
    expect(r.heard).toEqual(['tts[en]: Main menu', 'tts[en]: Agent']);
  });

  it('uses one phrase list for every language when phrases are not per language', async () => {
    const flow = speechMenu({
      choices: [
        { key: '1', phrases: ['rozliczenia', 'billing'], next: 'billing' },
        { key: '2', phrases: ['pomoc', 'support'], next: 'support' },
      ],
    });
    const r = await runScenario({ flow, language: 'en', input: [{ say: 'support' }] });
    expect(r.path).toEqual(['menu', 'support']);
  });

  it('hangs up mid-speech-menu without leaving timers', async () => {
    const clock = new VirtualClock();
    const stop = clock.startAuto();
    try {
      const r = await runScenario({ flow: speechMenu(), input: [{ hangup: true, afterMs: 50 }], clock });
      expect(r.ended).toBe('hangup');
      expect(r.path).toEqual(['menu']);
    } finally {
      stop();
    }
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('menu: validation', () => {
  const check = (flow: FlowDocument) =>
    validateFlowDocument(flow, { file: 'main.json', flowIds: new Set(), transferPolicy: denyAllDestinations, audioExists: () => true }).issues.map(
      (i) => `${i.severity} ${i.pointer}: ${i.message}`,
    );

  it('reports unknown choice targets with their pointer', () => {
    const flow = keyMenu({ choices: [{ key: '1', next: 'billing' }, { key: '2', next: 'suport' }] });
    expect(check(flow)).toContainEqual(expect.stringMatching(/^error \/nodes\/menu\/choices\/1\/next: unknown node "suport"/));
  });

  it('reports duplicate keys, empty choices and a missing fallback', () => {
    const flow = keyMenu({
      choices: [{ key: '1', next: 'billing' }, { key: '1', next: 'support' }, { next: 'support' }],
      nomatch: undefined,
    });
    const issues = check(flow);
    expect(issues).toContain('error /nodes/menu/choices/1/key: key "1" is already used by choice 0');
    expect(issues).toContain('error /nodes/menu/choices/2: a choice needs a "key", "phrases" or both');
    expect(issues).toContainEqual(expect.stringMatching(/^error \/nodes\/menu: no "nomatch" exit and no "fallback" exit/));
  });

  it('reports phrases missing a flow language', () => {
    const flow = speechMenu({
      choices: [{ key: '1', phrases: { pl: ['rozliczenia'] }, next: 'billing' }, { key: '2', next: 'support' }, { key: '3', next: 'sales' }],
    });
    expect(check(flow)).toContainEqual(expect.stringMatching(/^error \/nodes\/menu\/choices\/0\/phrases: .*"en"/));
  });

  it('rejects unknown fields and bad keys', () => {
    const flow = keyMenu({ choices: [{ key: '12', next: 'billing' }] });
    (flow.nodes.menu as Record<string, unknown>).timeout = 5;
    const issues = check(flow);
    expect(issues).toContainEqual(expect.stringMatching(/^error \/nodes\/menu: unknown property "timeout"/));
    expect(issues).toContainEqual(expect.stringMatching(/^error \/nodes\/menu\/choices\/0\/key/));
  });
});

/** A Call that records what the engine asked of it and lets a simulated call do the work. */
class RecordingCall implements Call {
  readonly gathers: GatherSpeechOptions[] = [];
  readonly collects: CollectDigitsOptions[] = [];
  constructor(private readonly inner: SimCall) {}
  get info(): CallInfo {
    return this.inner.info;
  }
  get ended(): AbortSignal {
    return this.inner.ended;
  }
  get answered(): boolean {
    return this.inner.answered;
  }
  answer(): Promise<void> {
    return this.inner.answer();
  }
  play(prompts: Prompt[], options?: PlayOptions): Promise<PlayResult> {
    return this.inner.play(prompts, options);
  }
  collectDigits(options: CollectDigitsOptions): Promise<CollectDigitsResult> {
    this.collects.push(options);
    return this.inner.collectDigits(options);
  }
  gatherSpeech(options: GatherSpeechOptions): Promise<GatherSpeechResult> {
    this.gathers.push(options);
    return this.inner.gatherSpeech(options);
  }
  startMusicOnHold(source?: string): Promise<void> {
    return this.inner.startMusicOnHold(source);
  }
  stopMusicOnHold(): Promise<void> {
    return this.inner.stopMusicOnHold();
  }
  bridge(other: Call, options?: { signal?: AbortSignal }): Promise<BridgeEnd> {
    return this.inner.bridge(other, options);
  }
  transfer(target: string, options?: { signal?: AbortSignal }): Promise<void> {
    return this.inner.transfer(target, options);
  }
  record(options: RecordOptions): Promise<RecordResult> {
    return this.inner.record(options);
  }
  hangup(cause?: HangupCause): Promise<void> {
    return this.inner.hangup(cause);
  }
  on<E extends keyof CallEventMap>(event: E, listener: (...args: CallEventMap[E]) => void): this {
    this.inner.on(event, listener);
    return this;
  }
  off<E extends keyof CallEventMap>(event: E, listener: (...args: CallEventMap[E]) => void): this {
    this.inner.off(event, listener);
    return this;
  }
}

async function recordRun(flow: FlowDocument, script: CallerAction[], language?: string): Promise<RecordingCall> {
  const clock = new VirtualClock();
  const stop = clock.startAuto();
  try {
    const sim = new SimTelephony({ clock });
    const engine = new FlowEngine({
      clock,
      logger: pino({ level: 'silent' }),
      services: { flows: { get: () => undefined }, http: () => Promise.reject(new Error('no http here')), transferPolicy: denyAllDestinations, audioDir: '', recordingsDir: '' },
    });
    let recording: RecordingCall | undefined;
    const done = new Promise<unknown>((resolve) =>
      sim.onIncoming((call) => {
        recording = new RecordingCall(call as SimCall);
        void engine.handle(recording, flow, { language }).then(resolve);
      }),
    );
    sim.incoming({ to: '+48221234567', script });
    await done;
    return recording!;
  } finally {
    stop();
  }
}

describe('menu: what it asks of the telephony port', () => {
  it('listens for speech in the call language with that language\'s phrases as hints, and one key at the same time', async () => {
    const call = await recordRun(speechMenu(), [{ say: 'sales' }], 'en');
    expect(call.gathers).toHaveLength(1);
    expect(call.gathers[0]).toMatchObject({
      language: 'en',
      hints: ['billing', 'invoices', 'technical support', 'outage', 'sales'],
      noInputTimeoutMs: 5000,
      bargeIn: true,
      dtmf: { maxDigits: 1, terminators: '' },
    });
    expect(call.collects).toEqual([]);
  });

  it('collects one key when no choice has phrases, with the node timeout', async () => {
    const call = await recordRun(keyMenu({ timeoutSeconds: 7, bargeIn: false }), [{ digits: '1' }]);
    expect(call.gathers).toEqual([]);
    expect(call.collects[0]).toMatchObject({ minDigits: 1, maxDigits: 1, terminators: '', firstDigitTimeoutMs: 7000, bargeIn: false });
  });

  it('ignores keys on a speech menu whose choices have no keys', async () => {
    const flow = speechMenu({ choices: [{ phrases: ['tak'], next: 'billing' }, { phrases: ['nie'], next: 'support' }] });
    const call = await recordRun(flow, [{ say: 'tak' }]);
    expect(call.gathers[0]!.dtmf).toBeUndefined();
  });
});
