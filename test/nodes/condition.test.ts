import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';
import { APOLOGY } from '../../src/engine/engine.ts';

function issuesOf(flow: unknown): string[] {
  const { issues } = validateFlowDocument(flow, { file: 'main.json', flowIds: new Set(['test']), transferPolicy: denyAllDestinations, audioExists: () => true });
  return issues.map(formatIssue);
}

const routing = flowOf(
  {
    route: {
      type: 'condition',
      conditions: [
        { when: "headers.x-vip == 'yes'", next: 'vip' },
        { when: 'vars.balance < 0 && startsWith(caller.number, "+48")', next: 'debt' },
        { when: "call.language == 'en' or matches(call.dialed, '^800')", next: 'english' },
      ],
      else: 'normal',
      error: 'broken',
    },
    vip: { type: 'hangup', prompt: 'VIP' },
    debt: { type: 'hangup', prompt: 'Zadłużenie' },
    english: { type: 'hangup', prompt: { say: { pl: 'Angielski', en: 'English' } } },
    normal: { type: 'hangup', prompt: { say: { pl: 'Zwykły', en: 'Normal' } } },
    broken: { type: 'hangup', prompt: 'Błąd' },
  },
  { languages: ['pl', 'en'] },
);

describe('condition node', () => {
  it('takes the first true condition', async () => {
    const r = await runScenario({ flow: routing, headers: { 'x-vip': 'yes' }, vars: { balance: -5 } });
    expect(r.path).toEqual(['route', 'vip']);
    expect(r.trace[0]?.outcome).toBe('when:0');
    expect(r.heard).toEqual(['tts[pl]: VIP']);
  });

  it('reads variables and the caller number', async () => {
    const r = await runScenario({ flow: routing, from: '+48600100200', vars: { balance: '-12.50' } });
    expect(r.path).toEqual(['route', 'debt']);
    expect(r.trace[0]?.outcome).toBe('when:1');
  });

  it('reads the call language and the dialed number', async () => {
    expect((await runScenario({ flow: routing, language: 'en', vars: { balance: 3 } })).heard).toEqual(['tts[en]: English']);
    expect((await runScenario({ flow: routing, to: '800123', vars: { balance: 3 } })).path).toEqual(['route', 'english']);
  });

  it('takes else when nothing is true', async () => {
    const r = await runScenario({ flow: routing, from: '+44207', vars: { balance: -1 } });
    expect(r.path).toEqual(['route', 'normal']);
    expect(r.trace[0]?.outcome).toBe('else');
    expect(r.heard).toEqual(['tts[pl]: Zwykły']);
  });

  it('takes the error exit when an expression fails at run time', async () => {
    const r = await runScenario({ flow: routing, vars: { balance: 'n/a' } });
    expect(r.path).toEqual(['route', 'broken']);
    expect(r.heard).toEqual(['tts[pl]: Błąd']);
  });

  it('without an error exit, uses the flow onError node', async () => {
    const r = await runScenario({
      flow: flowOf(
        {
          c: { type: 'condition', conditions: [{ when: 'vars.x / 0 > 1', next: 'a' }], else: 'a' },
          a: { type: 'hangup' },
          fail: { type: 'hangup', prompt: 'Awaria' },
        },
        { onError: 'fail', variables: { x: 1 } },
      ),
    });
    expect(r.path).toEqual(['c', 'fail']);
    expect(r.heard).toEqual(['tts[pl]: Awaria']);
  });

  it('without any error handler, the caller hears an apology', async () => {
    const r = await runScenario({
      flow: flowOf({ c: { type: 'condition', conditions: [{ when: 'lower(vars.missing) == "x"', next: 'a' }], else: 'a' }, a: { type: 'hangup' } }),
    });
    expect(r.ended).toBe('error');
    expect(r.heard).toEqual([`tts[pl]: ${APOLOGY.pl}`]);
  });

  it('is checked at load time: syntax with position, unknown names, regex, unknown targets', () => {
    const issues = issuesOf(
      flowOf({
        c: {
          type: 'condition',
          conditions: [
            { when: 'vars.a == 1', next: 'nowhere' },
            { when: 'vars.a == (1', next: 'a' },
            { when: 'balance > 1', next: 'a' },
            { when: "matches(caller.number, '([0-9]+)+$')", next: 'a' },
            { when: 'size(vars.a) > 1', next: 'a' },
          ],
          else: 'a',
        },
        a: { type: 'hangup' },
      }),
    );
    expect(issues).toEqual([
      'main.json: /nodes/c/conditions/0/next: unknown node "nowhere"',
      'main.json: /nodes/c/conditions/1/when: expression error at character 13: unexpected end of expression, expected ")" in "vars.a == (1"',
      expect.stringMatching(/^main\.json: \/nodes\/c\/conditions\/2\/when: expression error at character 1: unknown name "balance"/),
      expect.stringMatching(/^main\.json: \/nodes\/c\/conditions\/3\/when: expression error at character 24: unsafe regular expression/),
      expect.stringMatching(/^main\.json: \/nodes\/c\/conditions\/4\/when: expression error at character 1: unknown function "size"/),
    ]);
  });

  it('requires else and at least one condition', () => {
    const noElse = { id: 'test', name: 'T', defaultLanguage: 'pl', start: 'c', nodes: { c: { type: 'condition', conditions: [{ when: 'true', next: 'a' }] }, a: { type: 'hangup' } } };
    expect(issuesOf(noElse)).toEqual(['main.json: /nodes/c: missing required property "else"']);
    const empty = { id: 'test', name: 'T', defaultLanguage: 'pl', start: 'c', nodes: { c: { type: 'condition', conditions: [], else: 'a' }, a: { type: 'hangup' } } };
    expect(issuesOf(empty)).toEqual(['main.json: /nodes/c/conditions: must NOT have fewer than 1 items']);
  });
});
