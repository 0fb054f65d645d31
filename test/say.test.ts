import { describe, expect, it } from 'vitest';
import { sayAs, SayError, supportsSayLanguage, type SayKind } from '../src/lang/say/index.ts';
import type { JsonValue } from '../src/lang/expr/index.ts';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SayError) return err.code;
    throw err;
  }
  throw new Error('expected a SayError');
}

describe('Polish numbers', () => {
  it.each<[number | string, string]>([
    [0, 'zero'],
    [1, 'jeden'],
    [2, 'dwa'],
    [4, 'cztery'],
    [5, 'pięć'],
    [11, 'jedenaście'],
    [12, 'dwanaście'],
    [14, 'czternaście'],
    [19, 'dziewiętnaście'],
    [20, 'dwadzieścia'],
    [21, 'dwadzieścia jeden'],
    [22, 'dwadzieścia dwa'],
    [25, 'dwadzieścia pięć'],
    [99, 'dziewięćdziesiąt dziewięć'],
    [100, 'sto'],
    [101, 'sto jeden'],
    [112, 'sto dwanaście'],
    [200, 'dwieście'],
    [345, 'trzysta czterdzieści pięć'],
    [999, 'dziewięćset dziewięćdziesiąt dziewięć'],
    [1000, 'tysiąc'],
    [1001, 'tysiąc jeden'],
    [2000, 'dwa tysiące'],
    [4000, 'cztery tysiące'],
    [5000, 'pięć tysięcy'],
    [12000, 'dwanaście tysięcy'],
    [21000, 'dwadzieścia jeden tysięcy'],
    [22000, 'dwadzieścia dwa tysiące'],
    [112000, 'sto dwanaście tysięcy'],
    [1_000_000, 'milion'],
    [1_001_000, 'milion tysiąc'],
    [2_000_000, 'dwa miliony'],
    [5_000_000, 'pięć milionów'],
    [13_000_000, 'trzynaście milionów'],
    [1_000_000_000, 'miliard'],
    [3_000_000_001, 'trzy miliardy jeden'],
    [25_000_000_000, 'dwadzieścia pięć miliardów'],
    [1_000_000_000_000, 'bilion'],
    [-5, 'minus pięć'],
    [-21, 'minus dwadzieścia jeden'],
    [12.5, 'dwanaście przecinek pięć'],
    ['3,14', 'trzy przecinek jeden cztery'],
    ['-0,05', 'minus zero przecinek zero pięć'],
    ['1 234 567', 'milion dwieście trzydzieści cztery tysiące pięćset sześćdziesiąt siedem'],
    ['007', 'siedem'],
  ])('%s → %s', (n, words) => expect(sayAs('number', n, 'pl')).toBe(words));
});

describe('Polish money', () => {
  it.each<[JsonValue, string]>([
    [1, 'jeden złoty'],
    [2, 'dwa złote'],
    [4, 'cztery złote'],
    [5, 'pięć złotych'],
    [11, 'jedenaście złotych'],
    [12, 'dwanaście złotych'],
    [13, 'trzynaście złotych'],
    [14, 'czternaście złotych'],
    [21, 'dwadzieścia jeden złotych'],
    [22, 'dwadzieścia dwa złote'],
    [25, 'dwadzieścia pięć złotych'],
    [101, 'sto jeden złotych'],
    [102, 'sto dwa złote'],
    [112, 'sto dwanaście złotych'],
    [1000, 'tysiąc złotych'],
    [1001, 'tysiąc jeden złotych'],
    [2000, 'dwa tysiące złotych'],
    [5000, 'pięć tysięcy złotych'],
    [1_000_000, 'milion złotych'],
    [2_000_000, 'dwa miliony złotych'],
    [0, 'zero złotych'],
    ['0.01', 'jeden grosz'],
    ['0.02', 'dwa grosze'],
    ['0.05', 'pięć groszy'],
    ['0.12', 'dwanaście groszy'],
    ['0.22', 'dwadzieścia dwa grosze'],
    ['21.50', 'dwadzieścia jeden złotych i pięćdziesiąt groszy'],
    ['1,01', 'jeden złoty i jeden grosz'],
    ['2.04', 'dwa złote i cztery grosze'],
    [-15.2, 'minus piętnaście złotych i dwadzieścia groszy'],
    ['1 234,99', 'tysiąc dwieście trzydzieści cztery złote i dziewięćdziesiąt dziewięć groszy'],
    ['9.999', 'dziesięć złotych'],
    ['0.004', 'zero złotych'],
    [0.1 + 0.2, 'trzydzieści groszy'],
  ])('%s PLN → %s', (v, words) => expect(sayAs('money', v, 'pl')).toBe(words));

  it.each<[string, JsonValue, string]>([
    ['EUR', 1, 'jedno euro'],
    ['EUR', 21, 'dwadzieścia jeden euro'],
    ['EUR', '2.02', 'dwa euro i dwa centy'],
    ['USD', 5, 'pięć dolarów'],
    ['USD', 3, 'trzy dolary'],
    ['GBP', '1.05', 'jeden funt i pięć pensów'],
    ['CHF', 2, 'dwa franki'],
  ])('%s %s → %s', (currency, v, words) => expect(sayAs('money', v, 'pl', { currency })).toBe(words));
});

describe('English numbers and money', () => {
  it.each<[JsonValue, string]>([
    [0, 'zero'],
    [13, 'thirteen'],
    [21, 'twenty-one'],
    [101, 'one hundred one'],
    [1000, 'one thousand'],
    [2_000_001, 'two million one'],
    [3_400_000_000, 'three billion four hundred million'],
    [-7, 'minus seven'],
    ['12.05', 'twelve point zero five'],
  ])('%s → %s', (n, words) => expect(sayAs('number', n, 'en')).toBe(words));

  it.each<[string, JsonValue, string]>([
    ['GBP', 21, 'twenty-one pounds'],
    ['PLN', 21, 'twenty-one zlotys'],
    ['PLN', '0.02', 'two groszy'],
    ['USD', '1.05', 'one dollar and five cents'],
    ['USD', '1.01', 'one dollar and one cent'],
    ['USD', 0.99, 'ninety-nine cents'],
    ['GBP', '0.01', 'one penny'],
    ['EUR', '-3.5', 'minus three euros and fifty cents'],
  ])('%s %s → %s', (currency, v, words) => expect(sayAs('money', v, 'en', { currency })).toBe(words));
});

describe('digits', () => {
  it('reads keys one by one, skipping phone punctuation', () => {
    expect(sayAs('digits', '+48 (22) 123-45', 'pl')).toBe('plus cztery osiem dwa dwa jeden dwa trzy cztery pięć');
    expect(sayAs('digits', '0070*#', 'en')).toBe('zero zero seven zero star hash');
    expect(sayAs('digits', 905, 'en')).toBe('nine zero five');
  });
});

describe('dates and times', () => {
  it.each<[string, string, string]>([
    ['2026-01-05', 'piątego stycznia dwa tysiące dwudziestego szóstego roku', 'January fifth, twenty twenty-six'],
    ['2000-02-29', 'dwudziestego dziewiątego lutego dwutysięcznego roku', 'February twenty-ninth, two thousand'],
    ['2001-03-01', 'pierwszego marca dwa tysiące pierwszego roku', 'March first, two thousand one'],
    ['1999-12-31', 'trzydziestego pierwszego grudnia tysiąc dziewięćset dziewięćdziesiątego dziewiątego roku', 'December thirty-first, nineteen ninety-nine'],
    ['1900-11-11', 'jedenastego listopada tysiąc dziewięćsetnego roku', 'November eleventh, nineteen hundred'],
    ['2010-05-22', 'dwudziestego drugiego maja dwa tysiące dziesiątego roku', 'May twenty-second, twenty ten'],
    ['1905-09-03', 'trzeciego września tysiąc dziewięćset piątego roku', 'September third, nineteen oh five'],
    ['2100-10-12', 'dwunastego października dwa tysiące setnego roku', 'October twelfth, twenty-one hundred'],
  ])('%s', (d, pl, en) => {
    expect(sayAs('date', d, 'pl')).toBe(pl);
    expect(sayAs('date', d, 'en')).toBe(en);
  });

  it.each<[string, string, string]>([
    ['9:15', 'dziewiąta piętnaście', 'nine fifteen a.m.'],
    ['09:05:59', 'dziewiąta zero pięć', 'nine oh five a.m.'],
    ['00:30', 'zero trzydzieści', 'twelve thirty a.m.'],
    ['12:00', 'dwunasta', 'twelve p.m.'],
    ['13:45', 'trzynasta czterdzieści pięć', 'one forty-five p.m.'],
    ['21:21', 'dwudziesta pierwsza dwadzieścia jeden', 'nine twenty-one p.m.'],
  ])('%s', (t, pl, en) => {
    expect(sayAs('time', t, 'pl')).toBe(pl);
    expect(sayAs('time', t, 'en')).toBe(en);
  });

  it('reads a date and time', () => {
    expect(sayAs('datetime', '2026-01-05T09:15', 'pl')).toBe('piątego stycznia dwa tysiące dwudziestego szóstego roku o godzinie dziewiątej piętnaście');
    expect(sayAs('datetime', '2026-01-05 21:00', 'en')).toBe('January fifth, twenty twenty-six at nine p.m.');
  });

  it('shows instants on the wall clock of the time zone', () => {
    const instant = '2026-07-01T22:30:00Z';
    expect(sayAs('datetime', instant, 'pl', { timeZone: 'Europe/Warsaw' })).toBe('drugiego lipca dwa tysiące dwudziestego szóstego roku o godzinie zero trzydzieści');
    expect(sayAs('time', instant, 'en')).toBe('ten thirty p.m.');
    expect(sayAs('time', '2026-07-01T10:30:00+02:00', 'en', { timeZone: 'UTC' })).toBe('eight thirty a.m.');
    expect(sayAs('date', Date.UTC(2026, 0, 5, 23, 30), 'pl', { timeZone: 'Europe/Warsaw' })).toBe('szóstego stycznia dwa tysiące dwudziestego szóstego roku');
  });

  it('reads regional language codes with the base language', () => {
    expect(sayAs('time', '9:15', 'en-GB')).toBe('nine fifteen a.m.');
    expect(sayAs('number', 2, 'pl-PL')).toBe('dwa');
  });
});

describe('values that cannot be read', () => {
  it.each<[SayKind, JsonValue, string]>([
    ['number', 'abc', 'SAY_INVALID_VALUE'],
    ['number', '', 'SAY_INVALID_VALUE'],
    ['number', null, 'SAY_INVALID_VALUE'],
    ['number', true, 'SAY_INVALID_VALUE'],
    ['number', '1.2.3', 'SAY_INVALID_VALUE'],
    ['number', 1e15, 'SAY_OUT_OF_RANGE'],
    ['number', '1000000000000000', 'SAY_OUT_OF_RANGE'],
    ['money', '12,5 zł', 'SAY_INVALID_VALUE'],
    ['money', [1], 'SAY_INVALID_VALUE'],
    ['digits', '12a4', 'SAY_INVALID_VALUE'],
    ['digits', '#', 'SAY_INVALID_VALUE'],
    ['digits', -5, 'SAY_INVALID_VALUE'],
    ['date', '2026-02-30', 'SAY_INVALID_VALUE'],
    ['date', '2025-02-29', 'SAY_INVALID_VALUE'],
    ['date', '05.01.2026', 'SAY_INVALID_VALUE'],
    ['date', '2026-13-01', 'SAY_INVALID_VALUE'],
    ['time', '24:00', 'SAY_INVALID_VALUE'],
    ['time', '9:60', 'SAY_INVALID_VALUE'],
    ['time', '2026-01-05', 'SAY_INVALID_VALUE'],
    ['datetime', '2026-01-05', 'SAY_INVALID_VALUE'],
  ])('%s %j → %s', (kind, v, code) => expect(codeOf(() => sayAs(kind, v, 'pl'))).toBe(code));

  it('refuses a language without wording, and unknown currencies and zones', () => {
    expect(codeOf(() => sayAs('number', 1, 'de'))).toBe('SAY_UNSUPPORTED_LANGUAGE');
    expect(supportsSayLanguage('de')).toBe(false);
    expect(supportsSayLanguage('en-US')).toBe(true);
    expect(codeOf(() => sayAs('money', 1, 'pl', { currency: 'JPY' }))).toBe('SAY_UNSUPPORTED_CURRENCY');
    expect(codeOf(() => sayAs('date', 0, 'pl', { timeZone: 'Mars/Olympus' }))).toBe('SAY_INVALID_TIME_ZONE');
  });
});
