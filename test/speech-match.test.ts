import { describe, expect, it } from 'vitest';
import { matchChoice, normalizeSpeech } from '../src/engine/speech-match.ts';

const polishMenu = [
  ['rozliczenia', 'faktury', 'płatności'],
  ['pomoc techniczna', 'awaria'],
  ['sprzedaż', 'nowa umowa'],
];

const englishMenu = [['billing', 'invoices'], ['technical support', 'outage'], ['sales', 'new contract']];

describe('normalizeSpeech', () => {
  it('lower-cases and strips Polish diacritics, ł included', () => {
    expect(normalizeSpeech('Zażółć GĘŚLĄ jaźń')).toBe('zazolc gesla jazn');
    expect(normalizeSpeech('ŁÓDŹ, ćma; Ńń')).toBe('lodz cma nn');
  });

  it('drops punctuation and collapses white space', () => {
    expect(normalizeSpeech('  Rozliczenia?!  -- proszę...  ')).toBe('rozliczenia prosze');
    expect(normalizeSpeech("I'd like BILLING, please.")).toBe('id like billing please');
  });

  it('keeps digits and gives an empty string for nothing but punctuation', () => {
    expect(normalizeSpeech('numer 1234')).toBe('numer 1234');
    expect(normalizeSpeech(' ?! ')).toBe('');
  });
});

describe('matchChoice', () => {
  it('matches a phrase said exactly, ignoring case, punctuation and diacritics', () => {
    expect(matchChoice('Rozliczenia.', polishMenu, { language: 'pl' })).toEqual({ index: 0, score: 1 });
    expect(matchChoice('SPRZEDAZ', polishMenu, { language: 'pl' })).toEqual({ index: 2, score: 1 });
    expect(matchChoice('platnosci', polishMenu, { language: 'pl' })?.index).toBe(0);
  });

  it('tolerates Polish inflection', () => {
    expect(matchChoice('w sprawie rozliczeń', polishMenu, { language: 'pl' })?.index).toBe(0);
    expect(matchChoice('potrzebuję pomocy technicznej', polishMenu, { language: 'pl' })?.index).toBe(1);
    expect(matchChoice('chodzi o sprzedaży', polishMenu, { language: 'pl' })?.index).toBe(2);
    expect(matchChoice('Techniczną', [['rozliczenia'], ['techniczna']], { language: 'pl' })?.index).toBe(1);
  });

  it('scores an inflected form below an exact one but above the threshold', () => {
    const m = matchChoice('rozliczeń', polishMenu, { language: 'pl' });
    expect(m?.index).toBe(0);
    expect(m!.score).toBeLessThan(1);
    expect(m!.score).toBeGreaterThan(0.85);
  });

  it('tolerates English inflection', () => {
    expect(matchChoice('a question about my bill', englishMenu, { language: 'en' })?.index).toBe(0);
    expect(matchChoice('Invoice', englishMenu, { language: 'en' })?.index).toBe(0);
    expect(matchChoice('billing', [['bill'], ['sales']], { language: 'en' })?.index).toBe(0);
    expect(matchChoice('I want to talk to sales, please!', englishMenu, { language: 'en' })?.index).toBe(2);
  });

  it('matches multi-word phrases, the whole phrase scoring above a part of it', () => {
    const choices = [['nowa umowa'], ['umowa']];
    expect(matchChoice('nowa umowa', choices, { language: 'pl', ambiguityMargin: 0 })?.index).toBe(0);
    const whole = matchChoice('technical support', englishMenu, { language: 'en' });
    const part = matchChoice('technical', englishMenu, { language: 'en' });
    expect(whole).toEqual({ index: 1, score: 1 });
    expect(part?.index).toBe(1);
    expect(part!.score).toBeLessThan(whole!.score);
  });

  it('does not match a word that only shares a prefix', () => {
    expect(matchChoice('kontakt', [['konto'], ['rozliczenia']], { language: 'pl' })).toBeUndefined();
  });

  it('gives no match below the threshold', () => {
    expect(matchChoice('pogoda na jutro', polishMenu, { language: 'pl' })).toBeUndefined();
    expect(matchChoice('technical', englishMenu, { language: 'en', minScore: 0.8 })).toBeUndefined();
  });

  it('treats two equally good choices as no match', () => {
    expect(matchChoice('rozliczenia i sprzedaż', polishMenu, { language: 'pl' })).toBeUndefined();
    expect(matchChoice('billing or sales', englishMenu, { language: 'en' })).toBeUndefined();
  });

  it('lets the best choice win when another matches clearly worse', () => {
    // "pomoc" alone is half of "pomoc techniczna"; "awaria" is a whole phrase of the same choice.
    expect(matchChoice('awaria i pomoc', polishMenu, { language: 'pl' })?.index).toBe(1);
    const choices = [['konto'], ['nowe konto osobiste']];
    expect(matchChoice('konto', choices, { language: 'pl' })?.index).toBe(0);
  });

  it('gives no match for empty or filler-only speech against content phrases', () => {
    expect(matchChoice('', polishMenu)).toBeUndefined();
    expect(matchChoice('...', polishMenu)).toBeUndefined();
    expect(matchChoice('proszę', polishMenu, { language: 'pl' })).toBeUndefined();
  });

  it('works without a language, using every known language rule', () => {
    expect(matchChoice('rozliczeń', polishMenu)?.index).toBe(0);
    expect(matchChoice('billing', [['bill'], ['sales']])?.index).toBe(0);
  });

  it('handles choices without phrases (DTMF-only choices)', () => {
    expect(matchChoice('sprzedaż', [[], ['sprzedaż']], { language: 'pl' })).toEqual({ index: 1, score: 1 });
    expect(matchChoice('sprzedaż', [])).toBeUndefined();
  });
});
