import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import { APOLOGY } from '../../src/engine/engine.ts';

function issuesOf(flow: unknown): string[] {
  const { issues } = validateFlowDocument(flow, { file: 'main.json', flowIds: new Set(['test']), transferPolicy: denyAllDestinations, audioExists: () => true });
  return issues.map(formatIssue);
}

const bilingual = (nodes: FlowDocument['nodes']) => flowOf(nodes, { languages: ['pl', 'en'] });

describe('say node', () => {
  const balanceFlow = bilingual({
    balance: {
      type: 'say',
      value: 'vars.balance',
      as: 'money',
      prefix: { say: { pl: 'Saldo wynosi', en: 'Your balance is' } },
      suffix: { say: { pl: 'Dziękujemy.', en: 'Thank you.' } },
      next: 'bye',
      error: 'sorry',
    },
    sorry: { type: 'hangup', prompt: { say: { pl: 'Nie możemy podać salda.', en: 'We cannot tell your balance.' } } },
    bye: { type: 'hangup' },
  });

  it('reads an amount in Polish with its grammatical forms, between prefix and suffix', async () => {
    const r = await runScenario({ flow: balanceFlow, vars: { balance: '22.05' } });
    expect(r.heard).toEqual(['tts[pl]: Saldo wynosi', 'tts[pl]: dwadzieścia dwa złote i pięć groszy', 'tts[pl]: Dziękujemy.']);
    expect(r.path).toEqual(['balance', 'bye']);
  });

  it('reads the same amount in English when the call is in English', async () => {
    const r = await runScenario({ flow: balanceFlow, language: 'en', vars: { balance: 1.05 } });
    expect(r.heard).toEqual(['tts[en]: Your balance is', 'tts[en]: one zloty and five groszy', 'tts[en]: Thank you.']);
  });

  it('reads a computed expression in another currency', async () => {
    const r = await runScenario({
      flow: flowOf({ s: { type: 'say', value: 'vars.price * vars.qty', as: 'money', currency: 'EUR', next: 'bye' }, bye: { type: 'hangup' } }),
      vars: { price: 10.5, qty: '2' },
    });
    expect(r.heard).toEqual(['tts[pl]: dwadzieścia jeden euro']);
  });

  it('reads numbers, digits from a template, dates and times', async () => {
    const r = await runScenario({
      flow: flowOf({
        n: { type: 'say', value: 'vars.count', as: 'number', next: 'd' },
        d: { type: 'say', value: '{{caller.number}}', as: 'digits', next: 'day' },
        day: { type: 'say', value: 'vars.visit', as: 'date', next: 'at' },
        at: { type: 'say', value: 'vars.visit', as: 'time', timeZone: 'Europe/Warsaw', next: 'both' },
        both: { type: 'say', value: "'2026-01-05T09:15'", as: 'datetime', next: 'bye' },
        bye: { type: 'hangup' },
      }),
      from: '+48 600 100',
      vars: { count: 2_000_000, visit: '2026-01-05T08:15:00Z' },
    });
    expect(r.heard).toEqual([
      'tts[pl]: dwa miliony',
      'tts[pl]: plus cztery osiem sześć zero zero jeden zero zero',
      'tts[pl]: piątego stycznia dwa tysiące dwudziestego szóstego roku',
      'tts[pl]: dziewiąta piętnaście',
      'tts[pl]: piątego stycznia dwa tysiące dwudziestego szóstego roku o godzinie dziewiątej piętnaście',
    ]);
  });

  it('takes the error exit when the value is not what it should be, and the caller hears the error path', async () => {
    const r = await runScenario({ flow: balanceFlow, vars: { balance: 'unknown' } });
    expect(r.path).toEqual(['balance', 'sorry']);
    expect(r.heard).toEqual(['tts[pl]: Nie możemy podać salda.']);
    expect(r.trace[0]?.outcome).toBe('error');
  });

  it('takes the error exit when the expression fails', async () => {
    const r = await runScenario({ flow: balanceFlow, vars: { balance: [1, 2] }, language: 'en' });
    expect(r.path).toEqual(['balance', 'sorry']);
    expect(r.heard).toEqual(['tts[en]: We cannot tell your balance.']);
  });

  it('takes the error exit when the call language has no wording', async () => {
    const r = await runScenario({ flow: balanceFlow, language: 'de', vars: { balance: 1 } });
    expect(r.path).toEqual(['balance', 'sorry']);
  });

  it('without an error exit the engine apologises and hangs up: no dead air', async () => {
    const r = await runScenario({
      flow: flowOf({ s: { type: 'say', value: 'vars.when', as: 'date', next: 'bye' }, bye: { type: 'hangup' } }),
      vars: { when: '2026-02-30' },
    });
    expect(r.ended).toBe('error');
    expect(r.heard).toEqual([`tts[pl]: ${APOLOGY.pl}`]);
  });

  it('is checked at load time: languages without wording, bad expressions, bad literals, unknown zones', () => {
    const flow = flowOf(
      {
        a: { type: 'say', value: 'vars.x +', as: 'number', next: 'b' },
        b: { type: 'say', value: 'balance', as: 'money', next: 'c' },
        c: { type: 'say', value: "'abc'", as: 'number', next: 'd' },
        d: { type: 'say', value: 'vars.t', as: 'time', timeZone: 'Mars/Base', next: 'e' },
        e: { type: 'say', value: '{{account}}', as: 'digits', currency: 'USD', next: 'bye' },
        bye: { type: 'hangup' },
      },
      { languages: ['pl', 'de'] },
    );
    const issues = issuesOf(flow);
    expect(issues).toContain('main.json: /nodes/a/as: say has no wording for language "de" (supported: pl, en)');
    expect(issues).toContain('main.json: /nodes/a/value: expression error at character 9: unexpected end of expression in "vars.x +"');
    expect(issues).toContainEqual(expect.stringMatching(/^main\.json: \/nodes\/b\/value: expression error at character 1: unknown name "balance"/));
    expect(issues).toContain('main.json: /nodes/c/value: "\'abc\'": cannot read "abc" as a number');
    expect(issues).toContain('main.json: /nodes/d/timeZone: unknown time zone "Mars/Base" (use an IANA name such as Europe/Warsaw)');
    expect(issues).toContainEqual(expect.stringMatching(/^main\.json: \/nodes\/e\/value: template "\{\{account\}\}"/));
    expect(issues).toContain('main.json: /nodes/e/currency: warning: "currency" is only used with "as": "money"');
  });

  it('rejects an unknown kind and unknown currency by schema', () => {
    const flow = { id: 'test', name: 'Test', defaultLanguage: 'pl', start: 'a', nodes: { a: { type: 'say', value: '1', as: 'roman', currency: 'XYZ', next: 'bye' }, bye: { type: 'hangup' } } };
    const issues = issuesOf(flow);
    expect(issues).toContain('main.json: /nodes/a/as: must be one of "number", "digits", "money", "date", "time", "datetime"');
    expect(issues).toContain('main.json: /nodes/a/currency: must be one of "PLN", "EUR", "USD", "GBP", "CHF"');
  });
});
