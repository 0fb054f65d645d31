import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';

const main: FlowDocument = flowOf(
  {
    sub: { type: 'subflow', flowId: 'identify', next: 'after', error: 'failed' },
    after: { type: 'hangup', prompt: { say: { pl: 'Klient {{vars.customer}}', en: 'Customer {{vars.customer}}' } } },
    failed: { type: 'hangup', prompt: { say: { pl: 'Błąd', en: 'Error' } } },
  },
  { id: 'main', languages: ['pl', 'en'] },
);

const identify: FlowDocument = {
  id: 'identify',
  name: 'Identify the caller',
  defaultLanguage: 'pl',
  languages: ['pl', 'en'],
  start: 'hello',
  nodes: {
    hello: { type: 'play', prompt: { say: { pl: 'Witamy {{vars.greeting}}', en: 'Welcome {{vars.greeting}}' } }, next: 'remember' },
    remember: { type: 'set', assign: { customer: 'C-{{caller.number}}' }, next: 'back' },
    back: { type: 'goto', return: true },
  },
};

describe('subflow node', () => {
  it('runs the other flow with the same variables and language, then takes next', async () => {
    const r = await runScenario({ flow: main, flows: [identify], language: 'en', vars: { greeting: 'back' }, from: '+48600100200' });
    expect(r.heard).toEqual(['tts[en]: Welcome back', 'tts[en]: Customer C-+48600100200']);
    expect(r.path).toEqual(['identify#hello', 'identify#remember', 'identify#back', 'sub', 'after']);
    expect(r.vars.customer).toBe('C-+48600100200');
  });

  it('ends the call when the call ends inside the subflow', async () => {
    const bye: FlowDocument = { ...identify, start: 'bye', nodes: { bye: { type: 'hangup', prompt: { say: { pl: 'Do widzenia', en: 'Goodbye' } } } } };
    const r = await runScenario({ flow: main, flows: [bye] });
    expect(r.heard).toEqual(['tts[pl]: Do widzenia']);
    expect(r.path).toEqual(['identify#bye', 'sub']);
    expect(r.ended).toBe('hangup');
  });

  it('takes the error exit when the flow is not published', async () => {
    const r = await runScenario({ flow: main, skipValidation: true });
    expect(r.path).toEqual(['sub', 'failed']);
    expect(r.heard).toEqual(['tts[pl]: Błąd']);
  });

  it('takes the error exit when subflows nest too deep (a flow calling itself)', async () => {
    const loop = flowOf(
      {
        sub: { type: 'subflow', flowId: 'loop', next: 'done', error: 'failed' },
        done: { type: 'hangup', prompt: 'Koniec' },
        failed: { type: 'hangup', prompt: 'Błąd' },
      },
      { id: 'loop' },
    );
    const r = await runScenario({ flow: loop });
    expect(r.heard).toEqual(['tts[pl]: Błąd']);
    expect(r.ended).toBe('hangup');
  });
});

describe('subflow node: validation', () => {
  it('reports an unknown flow id with a suggestion', () => {
    const { issues } = validateFlowDocument(main, {
      file: 'main.json',
      flowIds: new Set(['identity', 'billing']),
      transferPolicy: denyAllDestinations,
      audioExists: () => true,
    });
    expect(issues.map(formatIssue)).toEqual(['main.json: /nodes/sub/flowId: unknown flow "identify" (did you mean "identity"?); known flows: billing, identity, main']);
  });
});
