import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import type { LanguageNode } from '../../src/flows/nodes/language.ts';
import { validateFlowDocument } from '../../src/flows/validate.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';
import { APOLOGY } from '../../src/engine/engine.ts';
import { resolveLanguage } from '../../src/engine/nodes/language.ts';

function languageFlow(node: Omit<LanguageNode, 'type' | 'next'>, extra: Partial<FlowDocument> = {}): FlowDocument {
  return flowOf(
    {
      switch: { type: 'language', next: 'hello', ...node },
      hello: { type: 'hangup', prompt: { say: { pl: 'Dzień dobry', en: 'Good morning' } } },
      ...(node.error ? { [node.error]: { type: 'hangup', prompt: { say: { pl: 'Nie znam tego języka', en: 'Unknown language' } } } } : {}),
    },
    { languages: ['pl', 'en'], ...extra },
  );
}

describe('language', () => {
  it('switches to a fixed language: prompts after it are spoken in it', async () => {
    const r = await runScenario({ flow: languageFlow({ language: 'en' }) });
    expect(r.heard).toEqual(['tts[en]: Good morning']);
    expect(r.state.language).toBe('en');
    expect(r.trace[0]!.outcome).toBe('next');
  });

  it('switches to the language held by a variable, ignoring case and region', async () => {
    const a = await runScenario({ flow: languageFlow({ variable: 'lang' }), vars: { lang: 'EN' } });
    expect(a.heard).toEqual(['tts[en]: Good morning']);
    const b = await runScenario({ flow: languageFlow({ variable: 'lang' }), vars: { lang: 'en-US' } });
    expect(b.state.language).toBe('en');
  });

  it('takes the error exit when the variable holds a language the flow does not declare', async () => {
    const r = await runScenario({ flow: languageFlow({ variable: 'lang', error: 'unknown' }), vars: { lang: 'de' } });
    expect(r.heard).toEqual(['tts[pl]: Nie znam tego języka']);
    expect(r.state.language).toBe('pl');
    expect(r.trace[0]).toMatchObject({ outcome: 'error', detail: expect.stringContaining('"de"') });
  });

  it('takes the error exit when the variable is unset', async () => {
    const r = await runScenario({ flow: languageFlow({ variable: 'lang', error: 'unknown' }) });
    expect(r.path).toEqual(['switch', 'unknown']);
  });

  it('apologises and hangs up when there is no error exit', async () => {
    const r = await runScenario({ flow: languageFlow({ variable: 'lang' }), vars: { lang: 'xx' } });
    expect(r.heard).toEqual([`tts[pl]: ${APOLOGY.pl}`]);
    expect(r.ended).toBe('error');
  });

  it('lets a menu choose the language', async () => {
    const flow = flowOf(
      {
        main: {
          type: 'menu',
          prompt: { say: { pl: 'Dla języka angielskiego wciśnij 9', en: 'Main menu' } },
          choices: [
            { key: '9', next: 'english' },
            { key: '1', next: 'hello' },
          ],
          fallback: 'hello',
        },
        english: { type: 'language', language: 'en', next: 'main' },
        hello: { type: 'hangup', prompt: { say: { pl: 'Dzień dobry', en: 'Good morning' } } },
      },
      { languages: ['pl', 'en'] },
    );
    const r = await runScenario({ flow, input: [{ digits: '9' }, { digits: '1' }] });
    expect(r.heard).toEqual(['tts[pl]: Dla języka angielskiego wciśnij 9', 'tts[en]: Main menu', 'tts[en]: Good morning']);
  });
});

describe('language: validation', () => {
  const check = (flow: FlowDocument) =>
    validateFlowDocument(flow, { file: 'main.json', flowIds: new Set(), transferPolicy: denyAllDestinations, audioExists: () => true }).issues.map(
      (i) => `${i.severity} ${i.pointer}: ${i.message}`,
    );

  it('reports a fixed language the flow does not declare', () => {
    expect(check(languageFlow({ language: 'de' }))).toContain('error /nodes/switch/language: language "de" is not one of the flow\'s languages (pl, en)');
  });

  it('needs exactly one of language and variable', () => {
    const msg = 'error /nodes/switch: give exactly one of "language" (a fixed language) or "variable" (a variable holding it)';
    expect(check(languageFlow({}))).toContain(msg);
    expect(check(languageFlow({ language: 'en', variable: 'lang' }))).toContain(msg);
  });
});

describe('resolveLanguage', () => {
  it('matches exactly, ignoring case, then by base language', () => {
    expect(resolveLanguage('pl', ['pl', 'en'])).toBe('pl');
    expect(resolveLanguage('EN', ['pl', 'en'])).toBe('en');
    expect(resolveLanguage('en_GB', ['pl', 'en'])).toBe('en');
    expect(resolveLanguage('en', ['pl', 'en-GB'])).toBe('en-GB');
    expect(resolveLanguage('de', ['pl', 'en'])).toBeUndefined();
    expect(resolveLanguage('', ['pl'])).toBeUndefined();
  });
});
