/**
 * Polish wording. Numbers agree with the noun after them:
 *   1 → singular ("jeden złoty"), 2–4 but not 12–14 (22, 103, 1004) → nominative plural ("dwa złote"),
 *   everything else (0, 5–21, 25, 111–114) → genitive plural ("pięć złotych", "dwanaście złotych").
 * Dates use genitive ordinals: "piątego stycznia dwa tysiące dwudziestego szóstego roku".
 * Times use feminine ordinals for the hour (godzina): "dziewiąta piętnaście".
 */
import type { Currency, Wording } from './wording.ts';
import type { DateValue, DecimalValue, MoneyValue, TimeValue } from './values.ts';

const UNITS = ['zero', 'jeden', 'dwa', 'trzy', 'cztery', 'pięć', 'sześć', 'siedem', 'osiem', 'dziewięć'];
const TEENS = ['dziesięć', 'jedenaście', 'dwanaście', 'trzynaście', 'czternaście', 'piętnaście', 'szesnaście', 'siedemnaście', 'osiemnaście', 'dziewiętnaście'];
const TENS = ['', '', 'dwadzieścia', 'trzydzieści', 'czterdzieści', 'pięćdziesiąt', 'sześćdziesiąt', 'siedemdziesiąt', 'osiemdziesiąt', 'dziewięćdziesiąt'];
const HUNDREDS = ['', 'sto', 'dwieście', 'trzysta', 'czterysta', 'pięćset', 'sześćset', 'siedemset', 'osiemset', 'dziewięćset'];

/** [singular, nominative plural (2–4), genitive plural (5+)] */
type Forms = readonly [string, string, string];
const SCALES: readonly Forms[] = [
  ['', '', ''],
  ['tysiąc', 'tysiące', 'tysięcy'],
  ['milion', 'miliony', 'milionów'],
  ['miliard', 'miliardy', 'miliardów'],
  ['bilion', 'biliony', 'bilionów'],
];

/** Index into Forms for a count. */
export function pluralIndex(n: number): 0 | 1 | 2 {
  if (n === 1) return 0;
  const last = n % 10;
  const lastTwo = n % 100;
  if (last >= 2 && last <= 4 && !(lastTwo >= 12 && lastTwo <= 14)) return 1;
  return 2;
}

function below1000(n: number): string[] {
  const words: string[] = [];
  const h = Math.floor(n / 100);
  const r = n % 100;
  if (h > 0) words.push(HUNDREDS[h] as string);
  if (r >= 10 && r < 20) words.push(TEENS[r - 10] as string);
  else {
    if (r >= 20) words.push(TENS[Math.floor(r / 10)] as string);
    if (r % 10 > 0) words.push(UNITS[r % 10] as string);
  }
  return words;
}

/** Cardinal number, masculine non-personal nominative (the form for money and counts). */
export function cardinal(n: number): string {
  if (n === 0) return 'zero';
  const words: string[] = [];
  let scale = 0;
  const groups: string[][] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 1000), scale++) {
    const g = rest % 1000;
    if (g === 0) continue;
    const forms = SCALES[scale] as Forms;
    if (scale === 0) groups.unshift(below1000(g));
    else if (g === 1) groups.unshift([forms[0]]);
    else groups.unshift([...below1000(g), forms[pluralIndex(g)]]);
  }
  for (const g of groups) words.push(...g);
  return words.join(' ');
}

/** "<count> <noun in the agreeing form>"; the count's words may be replaced for 1 (neuter "jedno euro"). */
function counted(n: number, forms: Forms, one = 'jeden'): string {
  return `${n === 1 ? one : cardinal(n)} ${forms[pluralIndex(n)]}`;
}

const DIGIT_NAMES: Record<string, string> = { '+': 'plus', '*': 'gwiazdka', '#': 'krzyżyk' };

interface CurrencyWords {
  major: Forms;
  minor: Forms;
  /** Word for exactly one major unit when the noun is not masculine. */
  one?: string;
}

const CURRENCY: Record<Currency, CurrencyWords> = {
  PLN: { major: ['złoty', 'złote', 'złotych'], minor: ['grosz', 'grosze', 'groszy'] },
  EUR: { major: ['euro', 'euro', 'euro'], minor: ['cent', 'centy', 'centów'], one: 'jedno' },
  USD: { major: ['dolar', 'dolary', 'dolarów'], minor: ['cent', 'centy', 'centów'] },
  GBP: { major: ['funt', 'funty', 'funtów'], minor: ['pens', 'pensy', 'pensów'] },
  CHF: { major: ['frank', 'franki', 'franków'], minor: ['centym', 'centymy', 'centymów'] },
};

// Genitive masculine ordinals (dnia, roku): "piątego", "dwudziestego pierwszego".
const ORD_UNITS_GEN = ['', 'pierwszego', 'drugiego', 'trzeciego', 'czwartego', 'piątego', 'szóstego', 'siódmego', 'ósmego', 'dziewiątego'];
const ORD_TEENS_GEN = ['dziesiątego', 'jedenastego', 'dwunastego', 'trzynastego', 'czternastego', 'piętnastego', 'szesnastego', 'siedemnastego', 'osiemnastego', 'dziewiętnastego'];
const ORD_TENS_GEN = ['', '', 'dwudziestego', 'trzydziestego', 'czterdziestego', 'pięćdziesiątego', 'sześćdziesiątego', 'siedemdziesiątego', 'osiemdziesiątego', 'dziewięćdziesiątego'];
const ORD_HUNDREDS_GEN = ['', 'setnego', 'dwusetnego', 'trzechsetnego', 'czterechsetnego', 'pięćsetnego', 'sześćsetnego', 'siedemsetnego', 'osiemsetnego', 'dziewięćsetnego'];
const ORD_THOUSANDS_GEN = ['', 'tysięcznego', 'dwutysięcznego', 'trzytysięcznego', 'czterotysięcznego', 'pięciotysięcznego', 'sześciotysięcznego', 'siedmiotysięcznego', 'ośmiotysięcznego', 'dziewięciotysięcznego'];

const MONTHS_GEN = ['stycznia', 'lutego', 'marca', 'kwietnia', 'maja', 'czerwca', 'lipca', 'sierpnia', 'września', 'października', 'listopada', 'grudnia'];

/** Genitive ordinal for 1–99. */
function ordinalGen99(n: number): string {
  if (n < 10) return ORD_UNITS_GEN[n] as string;
  if (n < 20) return ORD_TEENS_GEN[n - 10] as string;
  const u = n % 10;
  return u === 0 ? (ORD_TENS_GEN[n / 10] as string) : `${ORD_TENS_GEN[Math.floor(n / 10)]} ${ORD_UNITS_GEN[u]}`;
}

/**
 * Genitive ordinal of a year 1–9999: only the last non-zero part is ordinal,
 * "dwa tysiące dwudziestego szóstego", "tysiąc dziewięćsetnego", "dwutysięcznego".
 */
export function yearGen(y: number): string {
  const thousands = Math.floor(y / 1000);
  const hundreds = Math.floor((y % 1000) / 100);
  const rest = y % 100;
  if (rest > 0) {
    const head = y - rest;
    return head > 0 ? `${cardinal(head)} ${ordinalGen99(rest)}` : ordinalGen99(rest);
  }
  if (hundreds > 0) {
    const head = thousands * 1000;
    return head > 0 ? `${cardinal(head)} ${ORD_HUNDREDS_GEN[hundreds]}` : (ORD_HUNDREDS_GEN[hundreds] as string);
  }
  return ORD_THOUSANDS_GEN[thousands] as string;
}

// Feminine ordinals for hours (godzina): nominative "dziewiąta", locative "(o) dziewiątej".
const HOUR_NOM = ['zero', 'pierwsza', 'druga', 'trzecia', 'czwarta', 'piąta', 'szósta', 'siódma', 'ósma', 'dziewiąta', 'dziesiąta', 'jedenasta', 'dwunasta', 'trzynasta', 'czternasta', 'piętnasta', 'szesnasta', 'siedemnasta', 'osiemnasta', 'dziewiętnasta', 'dwudziesta', 'dwudziesta pierwsza', 'dwudziesta druga', 'dwudziesta trzecia'];
const HOUR_LOC = ['zero', 'pierwszej', 'drugiej', 'trzeciej', 'czwartej', 'piątej', 'szóstej', 'siódmej', 'ósmej', 'dziewiątej', 'dziesiątej', 'jedenastej', 'dwunastej', 'trzynastej', 'czternastej', 'piętnastej', 'szesnastej', 'siedemnastej', 'osiemnastej', 'dziewiętnastej', 'dwudziestej', 'dwudziestej pierwszej', 'dwudziestej drugiej', 'dwudziestej trzeciej'];

function minutes(m: number): string {
  if (m === 0) return '';
  return m < 10 ? ` zero ${UNITS[m]}` : ` ${cardinal(m)}`;
}

function date(d: DateValue): string {
  return `${ordinalGen99(d.day)} ${MONTHS_GEN[d.month - 1]} ${yearGen(d.year)} roku`;
}

export const polish: Wording = {
  number(d: DecimalValue): string {
    const sign = d.negative ? 'minus ' : '';
    const fraction = d.fraction === '' ? '' : ` przecinek ${[...d.fraction].map((c) => UNITS[Number(c)]).join(' ')}`;
    return `${sign}${cardinal(d.integer)}${fraction}`;
  },
  digits: (keys) => keys.map((k) => DIGIT_NAMES[k] ?? UNITS[Number(k)]).join(' '),
  money(m: MoneyValue, currency: Currency): string {
    const c = CURRENCY[currency];
    const sign = m.negative ? 'minus ' : '';
    if (m.minor === 0) return `${sign}${counted(m.major, c.major, c.one)}`;
    if (m.major === 0) return `${sign}${counted(m.minor, c.minor)}`;
    return `${sign}${counted(m.major, c.major, c.one)} i ${counted(m.minor, c.minor)}`;
  },
  date,
  time: (t: TimeValue) => `${HOUR_NOM[t.hour]}${minutes(t.minute)}`,
  dateTime: (d: DateValue, t: TimeValue) => `${date(d)} o godzinie ${HOUR_LOC[t.hour]}${minutes(t.minute)}`,
};
