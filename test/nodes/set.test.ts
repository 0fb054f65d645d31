import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';

function issuesOf(flow: FlowDocument): string[] {
  const { issues } = validateFlowDocument(flow, { file: 'main.json', flowIds: new Set([flow.id]), transferPolicy: denyAllDestinations, audioExists: () => true });
  return issues.map(formatIssue);
}

describe('set node', () => {
  it('assigns literals, templates and expressions in order, then a condition reads them', async () => {
    const r = await runScenario({
      flow: flowOf(
        {
          init: {
            type: 'set',
            assign: {
              attempts: { expr: 'vars.attempts + 1' },
              tier: 'gold',
              vip: true,
              note: null,
              greeting: 'Hello {{caller.number}}, try {{vars.attempts}}',
              limit: { expr: 'vars.attempts * 100' },
              lang: { expr: 'upper(call.language)' },
            },
            next: 'check',
          },
          check: {
            type: 'condition',
            conditions: [{ when: 'vars.vip and vars.limit >= 200', next: 'high' }],
            else: 'low',
          },
          high: { type: 'hangup', prompt: 'Wysoki limit' },
          low: { type: 'hangup', prompt: 'Niski limit' },
        },
        { variables: { attempts: 1 } },
      ),
      from: '+48600',
    });
    expect(r.vars).toMatchObject({ attempts: 2, tier: 'gold', vip: true, note: null, greeting: 'Hello +48600, try 2', limit: 200, lang: 'PL' });
    expect(r.path).toEqual(['init', 'check', 'high']);
    expect(r.heard).toEqual(['tts[pl]: Wysoki limit']);
  });

  it('counts in a loop: set, condition and say read a list back', async () => {
    const r = await runScenario({
      flow: flowOf({
        start: { type: 'set', assign: { i: 0 }, next: 'more' },
        more: { type: 'condition', conditions: [{ when: 'vars.i < len(vars.items)', next: 'read' }], else: 'bye' },
        read: { type: 'say', value: 'vars.items[vars.i]', as: 'money', next: 'inc' },
        inc: { type: 'set', assign: { i: { expr: 'vars.i + 1' } }, next: 'more' },
        bye: { type: 'hangup' },
      }),
      vars: { items: [1, 2, 5] },
    });
    expect(r.heard).toEqual(['tts[pl]: jeden złoty', 'tts[pl]: dwa złote', 'tts[pl]: pięć złotych']);
    expect(r.vars.i).toBe(3);
  });

  it('changes nothing and takes the error exit when an expression fails', async () => {
    const r = await runScenario({
      flow: flowOf(
        {
          calc: { type: 'set', assign: { tier: 'silver', total: { expr: 'vars.amount * 2' } }, next: 'ok', error: 'oops' },
          ok: { type: 'hangup' },
          oops: { type: 'hangup', prompt: 'Błąd danych' },
        },
        { variables: { amount: 'abc', tier: 'none' } },
      ),
    });
    expect(r.path).toEqual(['calc', 'oops']);
    expect(r.heard).toEqual(['tts[pl]: Błąd danych']);
    expect(r.vars).toEqual({ amount: 'abc', tier: 'none' });
  });

  it('treats a variable named __proto__ as a plain variable', async () => {
    const r = await runScenario({
      flow: flowOf({ s: { type: 'set', assign: { ['__proto__']: { expr: "['x']" }, after: { expr: 'vars.__proto__[0]' } }, next: 'bye' }, bye: { type: 'hangup' } }),
    });
    expect(Object.getPrototypeOf(r.vars)).toBe(Object.prototype);
    expect(r.vars.after).toBe('x');
  });

  it('is checked at load time with a pointer to the bad expression', () => {
    const issues = issuesOf(
      flowOf({
        s: { type: 'set', assign: { ok: { expr: 'vars.a + 1' }, total: { expr: 'vars.a +* 2' }, who: { expr: 'customer.id' }, t: '{{bad path}}' }, next: 'bye' },
        bye: { type: 'hangup' },
      }),
    );
    expect(issues).toEqual([
      'main.json: /nodes/s/assign/total/expr: expression error at character 9: unexpected "*" in "vars.a +* 2"',
      expect.stringMatching(/^main\.json: \/nodes\/s\/assign\/who\/expr: expression error at character 1: unknown name "customer"/),
      expect.stringMatching(/^main\.json: \/nodes\/s\/assign\/t: template "\{\{bad path\}\}"/),
    ]);
  });

  it('rejects bad variable names and empty assignments by schema', () => {
    expect(issuesOf(flowOf({ s: { type: 'set', assign: { 'bad-name': 1 }, next: 'bye' }, bye: { type: 'hangup' } }))).toEqual([
      'main.json: /nodes/s/assign: invalid name "bad-name" (names must match ^[A-Za-z_][A-Za-z0-9_]*$)',
    ]);
    expect(issuesOf(flowOf({ s: { type: 'set', assign: {}, next: 'bye' }, bye: { type: 'hangup' } }))).toEqual([
      'main.json: /nodes/s/assign: must NOT have fewer than 1 properties',
    ]);
  });

  it('a loop of set and condition alone is refused: it would spin without the caller', () => {
    const issues = issuesOf(
      flowOf({
        a: { type: 'set', assign: { i: { expr: 'vars.i + 1' } }, next: 'b' },
        b: { type: 'condition', conditions: [{ when: 'vars.i < 10', next: 'a' }], else: 'bye' },
        bye: { type: 'hangup' },
      }),
    );
    expect(issues).toContainEqual(expect.stringContaining('never waits for the caller'));
  });
});
