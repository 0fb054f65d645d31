import { describe, expect, it } from 'vitest';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import type { DestinationPolicy } from '../../src/flows/node-definition.ts';

const noTransfers: DestinationPolicy = { allows: () => false, describe: () => 'nothing' };

function check(doc: unknown, opts: { audio?: string[]; flowIds?: string[]; queues?: Record<string, { maxLength: number }> } = {}): string[] {
  const { issues } = validateFlowDocument(doc, {
    file: 'ivr-flows/main.json',
    flowIds: new Set(opts.flowIds ?? []),
    ...(opts.queues ? { queues: new Map(Object.entries(opts.queues)) } : {}),
    transferPolicy: noTransfers,
    audioExists: (p) => (opts.audio ?? []).includes(p),
  });
  return issues.map(formatIssue);
}

const say = (pl: string, en: string) => ({ say: { pl, en } });

function mainFlow(nodes: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { id: 'main', name: 'Main', defaultLanguage: 'pl', languages: ['pl', 'en'], start: Object.keys(nodes)[0], nodes, ...extra };
}

const menu = {
  type: 'menu',
  prompt: say('Wybierz', 'Choose'),
  choices: [
    { key: '1', next: 'billing' },
    { key: '2', next: 'support' },
    { key: '3', next: 'biling' },
  ],
  fallback: 'bye',
};
const billing = { type: 'play', prompt: say('Rozliczenia', 'Billing'), next: 'bye' };
const support = { type: 'play', prompt: say('Pomoc', 'Support'), next: 'bye' };
const bye = { type: 'hangup', prompt: say('Do widzenia', 'Goodbye') };

describe('flow validation', () => {
  it('accepts a sound flow', () => {
    expect(check(mainFlow({ menu: { ...menu, choices: menu.choices.slice(0, 2) }, billing, support, bye }))).toEqual([]);
  });

  it('names the file and JSON pointer of an unknown exit target, with a suggestion', () => {
    expect(check(mainFlow({ menu, billing, support, bye }))).toEqual([
      'ivr-flows/main.json: /nodes/menu/choices/2/next: unknown node "biling" (did you mean "billing"?)',
    ]);
  });

  it('reports unknown properties instead of ignoring them', () => {
    const out = check(mainFlow({ p: { type: 'play', prompt: say('a', 'b'), nxet: 'bye' }, bye }));
    expect(out).toContain('ivr-flows/main.json: /nodes/p: unknown property "nxet"');
    expect(out).toContain('ivr-flows/main.json: /nodes/p: missing required property "next"');
  });

  it('reports an unknown node type with the known ones', () => {
    const out = check(mainFlow({ p: { type: 'plya', next: 'bye' }, bye }));
    expect(out[0]).toMatch(/^ivr-flows\/main\.json: \/nodes\/p\/type: unknown node type "plya" \(did you mean "play"\?\); known types: play, menu/);
  });

  it('reports unreachable nodes', () => {
    expect(check(mainFlow({ p: { type: 'play', prompt: say('a', 'b'), next: 'bye' }, bye, lost: support }))).toContain(
      'ivr-flows/main.json: /nodes/lost: node "lost" is unreachable from the start node "p"',
    );
  });

  it('reports loops that can spin without waiting for the caller', () => {
    const out = check(
      mainFlow({
        a: { type: 'language', language: 'en', next: 'b' },
        b: { type: 'language', language: 'pl', next: 'a' },
      }),
    );
    expect(out).toEqual(['ivr-flows/main.json: /nodes/a: loop that never waits for the caller (no prompt or input) through nodes: a, b']);
  });

  it('accepts loops that wait for the caller', () => {
    const out = check(mainFlow({ a: { type: 'play', prompt: say('a', 'b'), next: 'b' }, b: { type: 'language', language: 'pl', next: 'a' } }));
    expect(out).toEqual([]);
  });

  it('reports prompts missing one of the flow languages', () => {
    const out = check(mainFlow({ p: { type: 'play', prompt: { say: { pl: 'Dzień dobry' } }, next: 'bye' }, bye }));
    expect(out).toEqual(['ivr-flows/main.json: /nodes/p/prompt/say: prompt has no "en" version (the flow speaks pl, en)']);
  });

  it('warns about single-language text in a bilingual flow, but not when the prompt forces its language', () => {
    expect(check(mainFlow({ p: { type: 'play', prompt: 'Dzień dobry', next: 'bye' }, bye }))[0]).toMatch(/\/nodes\/p\/prompt: warning: prompt is given in one language only/);
    expect(check(mainFlow({ p: { type: 'play', prompt: { say: 'For English press 2', language: 'en' }, next: 'bye' }, bye }))).toEqual([]);
  });

  it('warns about a queue node with no "noagents" exit (the caller would get the apology and a hang-up)', () => {
    const q = { type: 'queue', queue: 'sales', next: 'bye' };
    expect(check(mainFlow({ q, bye }))).toEqual([
      'ivr-flows/main.json: /nodes/q: warning: no "noagents" exit: a caller arriving while nobody in queue "sales" is logged in goes to the flow\'s onError, else hears the apology and is hung up; point it at voicemail, another queue or a message',
    ]);
    expect(check(mainFlow({ q: { ...q, noagents: 'bye' }, bye }))).toEqual([]);
  });

  it('checks queue nodes against the configured queues: unknown queue; no "full" exit for a queue with a maximum length', () => {
    const q = { type: 'queue', queue: 'sales', next: 'bye', noagents: 'bye' };
    expect(check(mainFlow({ q: { ...q, queue: 'sale' }, bye }), { queues: { sales: { maxLength: 0 } } })).toEqual(['ivr-flows/main.json: /nodes/q/queue: unknown queue "sale"']);
    expect(check(mainFlow({ q, bye }), { queues: { sales: { maxLength: 0 } } })).toEqual([]);
    expect(check(mainFlow({ q, bye }), { queues: { sales: { maxLength: 50 } } })).toEqual([
      'ivr-flows/main.json: /nodes/q: warning: no "full" exit: queue "sales" takes at most 50 waiting callers, and the next one goes to the flow\'s onError, else hears the apology and is hung up; point it at voicemail, another queue or a call-back offer',
    ]);
    expect(check(mainFlow({ q: { ...q, full: 'bye' }, bye }), { queues: { sales: { maxLength: 50 } } })).toEqual([]);
  });

  it('reports missing audio files per language', () => {
    const out = check(mainFlow({ p: { type: 'play', prompt: { file: { pl: 'witaj.wav', en: 'welcome.wav' } }, next: 'bye' }, bye }), { audio: ['witaj.wav'] });
    expect(out).toEqual(['ivr-flows/main.json: /nodes/p/prompt/file/en: audio file "welcome.wav" not found']);
  });

  it('reports templates that read unknown things', () => {
    const out = check(mainFlow({ p: { type: 'play', prompt: say('Numer {{caler.number}}', 'Number {{caller.number}}'), next: 'bye' }, bye }));
    expect(out).toEqual([
      'ivr-flows/main.json: /nodes/p/prompt/say/pl: template "{{caler.number}}" reads "caler", which does not exist (use vars, caller, call, headers)',
    ]);
  });

  it('reports an unknown start node and error handler', () => {
    const out = check({ ...mainFlow({ bye }), start: 'welcom', onError: 'oops' });
    expect(out).toContain('ivr-flows/main.json: /start: unknown node "welcom"');
    expect(out).toContain('ivr-flows/main.json: /onError: unknown node "oops"');
  });

  it('reports envelope problems with pointers', () => {
    const out = check({ id: 'bad id', name: '', defaultLanguage: 'polish', start: 'x', nodes: {} });
    expect(out.some((l) => l.startsWith('ivr-flows/main.json: /id: '))).toBe(true);
    expect(out.some((l) => l.startsWith('ivr-flows/main.json: /defaultLanguage: '))).toBe(true);
    expect(out.some((l) => l.startsWith('ivr-flows/main.json: /nodes: '))).toBe(true);
    expect(check([])).toEqual(['ivr-flows/main.json: /: a flow must be a JSON object']);
  });

  it('gives back no flow when there is any error', () => {
    const r = validateFlowDocument(mainFlow({ menu, billing, support, bye }), { file: 'f', flowIds: new Set(), transferPolicy: noTransfers, audioExists: () => true });
    expect(r.flow).toBeUndefined();
  });
});

describe('names in records', () => {
  it('reports node ids, variable names and language keys that are not allowed', () => {
    const out = check({ ...mainFlow({ p: { type: 'play', prompt: { say: { pl: 'a', en: 'b', 'x y': 'c' } }, next: 'bye' }, bye }), variables: { 'bad-name': 1 } });
    expect(out.some((l) => l.startsWith('ivr-flows/main.json: /variables: invalid name "bad-name"'))).toBe(true);
    expect(out.some((l) => l.includes('/nodes/p/prompt/say: invalid name "x y"') || l.startsWith('ivr-flows/main.json: /nodes/p/prompt'))).toBe(true);
    const ids = check(mainFlow({ 'bad id': bye }));
    expect(ids.some((l) => l.startsWith('ivr-flows/main.json: /nodes: invalid name "bad id"'))).toBe(true);
  });
});
