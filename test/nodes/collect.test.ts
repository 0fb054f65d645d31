import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import type { CollectNode } from '../../src/flows/nodes/collect.ts';
import { validateFlowDocument } from '../../src/flows/validate.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';

const ASK = 'tts[pl]: Podaj numer klienta.';
const NI1 = 'tts[pl]: Nie usłyszałem numeru.';
const NI2 = 'tts[pl]: Wpisz numer na klawiaturze.';
const NM1 = 'tts[pl]: Niepoprawny numer.';
const NM2 = 'tts[pl]: Numer ma cztery cyfry.';
const THANKS = 'tts[pl]: Dziękuję, numer {{vars.account}}';

type Overrides = Partial<Omit<CollectNode, 'type'>>;

function collectFlow(overrides: Overrides = {}, extra: Partial<FlowDocument> = {}): FlowDocument {
  return flowOf(
    {
      ask: {
        type: 'collect',
        variable: 'account',
        prompt: 'Podaj numer klienta.',
        noinputPrompts: ['Nie usłyszałem numeru.', 'Wpisz numer na klawiaturze.'],
        nomatchPrompts: ['Niepoprawny numer.', 'Numer ma cztery cyfry.'],
        next: 'thanks',
        noinput: 'silent',
        nomatch: 'wrong',
        fallback: 'operator',
        ...overrides,
      } as CollectNode,
      thanks: { type: 'hangup', prompt: 'Dziękuję, numer {{vars.account}}' },
      silent: { type: 'hangup', prompt: 'Brak numeru' },
      wrong: { type: 'hangup', prompt: 'Zły numer' },
      operator: { type: 'hangup', prompt: 'Konsultant' },
    },
    extra,
  );
}

const thanks = (digits: string): string => THANKS.replace('{{vars.account}}', digits);

describe('collect: digits', () => {
  it('stores the digits entered before the terminator and takes next', async () => {
    const r = await runScenario({ flow: collectFlow(), input: [{ digits: '1234#' }] });
    expect(r.vars.account).toBe('1234');
    expect(r.heard).toEqual([ASK, thanks('1234')]);
    expect(r.path).toEqual(['ask', 'thanks']);
  });

  it('keeps leading zeros (the value is a string)', async () => {
    const r = await runScenario({ flow: collectFlow(), input: [{ digits: '0042#' }] });
    expect(r.vars.account).toBe('0042');
  });

  it('ends input at maxDigits without a terminator', async () => {
    const r = await runScenario({ flow: collectFlow({ maxDigits: 4 }), input: [{ digits: '1234' }] });
    expect(r.vars.account).toBe('1234');
  });

  it('ends input after the inter-digit timeout', async () => {
    const r = await runScenario({ flow: collectFlow({ interDigitTimeoutSeconds: 2 }), input: [{ digits: '77' }] });
    expect(r.vars.account).toBe('77');
    expect(r.durationMs).toBeGreaterThanOrEqual(2000);
  });

  it('uses another terminator, or none', async () => {
    const star = await runScenario({ flow: collectFlow({ terminator: '*' }), input: [{ digits: '55*' }] });
    expect(star.vars.account).toBe('55');
    const none = await runScenario({ flow: collectFlow({ terminator: '', maxDigits: 3 }), input: [{ digits: '5#5' }] });
    expect(none.vars.account).toBe('5#5');
  });

  it('treats fewer than minDigits as no match and re-prompts', async () => {
    const r = await runScenario({ flow: collectFlow({ minDigits: 4 }), input: [{ digits: '12#' }, { digits: '1234#' }] });
    expect(r.heard).toEqual([ASK, NM1, ASK, thanks('1234')]);
    expect(r.vars.account).toBe('1234');
  });

  it('treats input not matching the pattern as no match, with escalating prompts', async () => {
    const r = await runScenario({
      flow: collectFlow({ pattern: '[1-9][0-9]{3}' }),
      input: [{ digits: '12345#' }, { digits: '0123#' }, { digits: '9876#' }],
    });
    expect(r.heard).toEqual([ASK, NM1, ASK, NM2, ASK, thanks('9876')]);
    expect(r.vars.account).toBe('9876');
  });

  it('takes nomatch after too many invalid inputs, leaving the variable unset', async () => {
    const r = await runScenario({ flow: collectFlow({ pattern: '\\d{4}', maxNoMatch: 2 }), input: [{ digits: '1#' }, { digits: '2#' }] });
    expect(r.heard).toEqual([ASK, NM1, ASK, 'tts[pl]: Zły numer']);
    expect(r.path).toEqual(['ask', 'wrong']);
    expect(r.vars.account).toBeUndefined();
  });

  it('escalates no-input prompts after the first-digit timeout, then takes noinput', async () => {
    const r = await runScenario({ flow: collectFlow(), input: [{ silence: true }, { silence: true }, { silence: true }] });
    expect(r.heard).toEqual([ASK, NI1, ASK, NI2, ASK, 'tts[pl]: Brak numeru']);
    expect(r.path).toEqual(['ask', 'silent']);
  });

  it('keeps separate counters for silence and invalid input', async () => {
    const r = await runScenario({
      flow: collectFlow({ minDigits: 4, maxNoInput: 2, maxNoMatch: 2 }),
      input: [{ digits: '1#' }, { silence: true }, { digits: '4321#' }],
    });
    expect(r.heard).toEqual([ASK, NM1, ASK, NI1, ASK, thanks('4321')]);
  });

  it('takes fallback when the noinput / nomatch exits are absent', async () => {
    const flow = collectFlow({ noinput: undefined, nomatch: undefined, maxNoInput: 1, maxNoMatch: 1 });
    delete flow.nodes.silent;
    delete flow.nodes.wrong;
    const a = await runScenario({ flow, input: [{ silence: true }] });
    expect(a.path).toEqual(['ask', 'operator']);
    expect(a.trace[0]!.outcome).toBe('fallback');
    const b = await runScenario({ flow, input: [{ digits: '#' }] });
    expect(b.heard).toEqual([ASK, 'tts[pl]: Konsultant']);
  });

  it('with barge-in, a key stops the prompt; without, the prompt plays out and early keys count', async () => {
    const on = await runScenario({ flow: collectFlow(), input: [{ digits: '12#', afterMs: 100 }] });
    expect(on.call.heard[0]).toMatchObject({ text: ASK, interrupted: true, stoppedBy: 'digit' });
    expect(on.vars.account).toBe('12');
    const off = await runScenario({ flow: collectFlow({ bargeIn: false }), input: [{ digits: '12#', afterMs: 100 }] });
    expect(off.call.heard[0]!.interrupted).toBeUndefined();
    expect(off.vars.account).toBe('12');
  });

  it('stops at once when the caller hangs up while entering digits', async () => {
    const clock = new VirtualClock();
    const stop = clock.startAuto();
    try {
      const r = await runScenario({
        flow: collectFlow(),
        input: [{ digits: '12' }],
        clock,
        // The caller hangs up right after the second key, while the call waits for more.
        onCall: (call, party) =>
          call.observe((a) => {
            if (a.type === 'event' && a.event.kind === 'dtmf' && a.event.detail === '2') queueMicrotask(() => party.hangup());
          }),
      });
      expect(r.ended).toBe('hangup');
      expect(r.path).toEqual(['ask']);
      expect(r.vars.account).toBeUndefined();
    } finally {
      stop();
    }
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('collect: failures', () => {
  it('takes the error exit when its prompt cannot be played', async () => {
    const flow = collectFlow({ prompt: { file: 'ask.wav' }, error: 'operator' });
    const r = await runScenario({ flow, missingFiles: ['ask.wav'] });
    expect(r.state.trace.map((t) => [t.nodeId, t.outcome])).toEqual([
      ['ask', 'error'],
      ['operator', 'hangup'],
    ]);
    expect(r.call.heard.map((h) => h.text)).toEqual(['tts[pl]: Konsultant']);
    expect(r.state.vars.account).toBeUndefined();
  });
});

describe('collect: speech', () => {
  const speechFlow = (overrides: Overrides = {}) =>
    collectFlow(
      {
        mode: 'speech',
        variable: 'name',
        prompt: { say: { pl: 'Proszę podać nazwisko.', en: 'Please say your name.' } },
        noinputPrompts: [{ say: { pl: 'Nic nie słyszę.', en: 'I cannot hear you.' } }],
        nomatchPrompts: [{ say: { pl: 'Proszę powtórzyć.', en: 'Please repeat.' } }],
        hints: { pl: ['Kowalski'], en: ['Smith'] },
        ...overrides,
      },
      { languages: ['pl', 'en'] },
    );
  const withEnd = (flow: FlowDocument): FlowDocument => {
    flow.nodes.thanks = { type: 'hangup', prompt: { say: { pl: 'Dziękuję, {{vars.name}}', en: 'Thank you, {{vars.name}}' } } };
    flow.nodes.silent = { type: 'hangup', prompt: { say: { pl: 'Brak', en: 'Nothing' } } };
    flow.nodes.wrong = { type: 'hangup', prompt: { say: { pl: 'Błąd', en: 'Wrong' } } };
    flow.nodes.operator = { type: 'hangup', prompt: { say: { pl: 'Konsultant', en: 'Agent' } } };
    return flow;
  };

  it('stores what the caller said', async () => {
    const r = await runScenario({ flow: withEnd(speechFlow()), input: [{ say: 'Jan Kowalski' }] });
    expect(r.vars.name).toBe('Jan Kowalski');
    expect(r.heard).toEqual(['tts[pl]: Proszę podać nazwisko.', 'tts[pl]: Dziękuję, Jan Kowalski']);
  });

  it('listens in the call language', async () => {
    const r = await runScenario({ flow: withEnd(speechFlow()), language: 'en', input: [{ say: 'John Smith' }] });
    expect(r.heard).toEqual(['tts[en]: Please say your name.', 'tts[en]: Thank you, John Smith']);
  });

  it('counts low-confidence speech as no match and re-prompts', async () => {
    const r = await runScenario({
      flow: withEnd(speechFlow()),
      input: [{ say: 'Kowalski', confidence: 0.2 }, { say: 'Nowak', confidence: 0.95 }],
    });
    expect(r.heard).toEqual(['tts[pl]: Proszę podać nazwisko.', 'tts[pl]: Proszę powtórzyć.', 'tts[pl]: Proszę podać nazwisko.', 'tts[pl]: Dziękuję, Nowak']);
    expect(r.vars.name).toBe('Nowak');
  });

  it('applies the pattern to speech and gives up after silence', async () => {
    const flow = withEnd(speechFlow({ pattern: '(tak|nie)', maxNoMatch: 1, maxNoInput: 1 }));
    const wrong = await runScenario({ flow, input: [{ say: 'może' }] });
    expect(wrong.path).toEqual(['ask', 'wrong']);
    const silent = await runScenario({ flow, input: [{ silence: true }] });
    expect(silent.path).toEqual(['ask', 'silent']);
    const ok = await runScenario({ flow, input: [{ say: 'tak' }] });
    expect(ok.vars.name).toBe('tak');
  });
});

describe('collect: validation', () => {
  const check = (flow: FlowDocument) =>
    validateFlowDocument(flow, { file: 'main.json', flowIds: new Set(), transferPolicy: denyAllDestinations, audioExists: () => true }).issues.map(
      (i) => `${i.severity} ${i.pointer}: ${i.message}`,
    );

  it('reports an invalid pattern at load time, with its pointer', () => {
    const issues = check(collectFlow({ pattern: '[0-9' }));
    expect(issues).toContainEqual(expect.stringMatching(/^error \/nodes\/ask\/pattern: invalid regular expression/));
  });

  it('reports minDigits above maxDigits and a missing give-up exit', () => {
    const flow = collectFlow({ minDigits: 6, maxDigits: 4, nomatch: undefined, fallback: undefined });
    delete flow.nodes.wrong;
    delete flow.nodes.operator;
    const issues = check(flow);
    expect(issues).toContain('error /nodes/ask/minDigits: minDigits (6) is larger than maxDigits (4)');
    expect(issues).toContainEqual(expect.stringMatching(/^error \/nodes\/ask: no "nomatch" exit and no "fallback" exit/));
  });

  it('warns about digit settings in speech mode', () => {
    const flow = collectFlow({ mode: 'speech', maxDigits: 4 });
    expect(check(flow)).toContain('warning /nodes/ask/maxDigits: "maxDigits" has no effect in speech mode');
  });

  it('rejects a bad variable name and a missing next exit', () => {
    expect(check(collectFlow({ variable: '1abc' }))).toContainEqual(expect.stringMatching(/^error \/nodes\/ask\/variable/));
    const flow = collectFlow();
    delete (flow.nodes.ask as Partial<CollectNode>).next;
    expect(check(flow)).toContain('error /nodes/ask: missing required property "next"');
  });
});
