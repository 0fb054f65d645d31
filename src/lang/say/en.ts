/**
 * English wording (no regional variants yet): "twenty-one", "one hundred five",
 * "one dollar and five cents", "January fifth, twenty twenty-six", "nine fifteen a.m.".
 */
import type { Currency, Wording } from './wording.ts';
import type { DateValue, DecimalValue, MoneyValue, TimeValue } from './values.ts';

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion'];

function below100(n: number): string {
  if (n < 20) return UNITS[n] as string;
  const u = n % 10;
  return u === 0 ? (TENS[n / 10] as string) : `${TENS[Math.floor(n / 10)]}-${UNITS[u]}`;
}

function below1000(n: number): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  if (h === 0) return below100(r);
  return r === 0 ? `${UNITS[h]} hundred` : `${UNITS[h]} hundred ${below100(r)}`;
}

export function cardinal(n: number): string {
  if (n === 0) return 'zero';
  const groups: string[] = [];
  for (let rest = n, scale = 0; rest > 0; rest = Math.floor(rest / 1000), scale++) {
    const g = rest % 1000;
    if (g > 0) groups.unshift(scale === 0 ? below1000(g) : `${below1000(g)} ${SCALES[scale]}`);
  }
  return groups.join(' ');
}

const IRREGULAR_ORDINALS: Record<string, string> = { one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth' };

export function ordinal(n: number): string {
  const words = cardinal(n);
  const m = /([a-z]+)$/.exec(words) as RegExpExecArray;
  const last = m[1] as string;
  const ord = IRREGULAR_ORDINALS[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return words.slice(0, m.index) + ord;
}

/** Years the way they are said: "nineteen ninety-nine", "two thousand five", "twenty twenty-six", "nineteen oh five". */
export function year(y: number): string {
  if (y < 1000 || y >= 10000 || (y >= 2000 && y < 2010)) return cardinal(y);
  const hi = Math.floor(y / 100);
  const lo = y % 100;
  if (lo === 0) return y % 1000 === 0 ? cardinal(y) : `${below100(hi)} hundred`;
  return lo < 10 ? `${below100(hi)} oh ${UNITS[lo]}` : `${below100(hi)} ${below100(lo)}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const CURRENCY: Record<Currency, { major: [string, string]; minor: [string, string] }> = {
  PLN: { major: ['zloty', 'zlotys'], minor: ['grosz', 'groszy'] },
  EUR: { major: ['euro', 'euros'], minor: ['cent', 'cents'] },
  USD: { major: ['dollar', 'dollars'], minor: ['cent', 'cents'] },
  GBP: { major: ['pound', 'pounds'], minor: ['penny', 'pence'] },
  CHF: { major: ['franc', 'francs'], minor: ['centime', 'centimes'] },
};

const DIGIT_NAMES: Record<string, string> = { '+': 'plus', '*': 'star', '#': 'hash' };

const counted = (n: number, forms: [string, string]) => `${cardinal(n)} ${n === 1 ? forms[0] : forms[1]}`;

function time(t: TimeValue): string {
  const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  const m = t.minute === 0 ? '' : t.minute < 10 ? ` oh ${UNITS[t.minute]}` : ` ${below100(t.minute)}`;
  return `${cardinal(h12)}${m} ${t.hour < 12 ? 'a.m.' : 'p.m.'}`;
}

function date(d: DateValue): string {
  return `${MONTHS[d.month - 1]} ${ordinal(d.day)}, ${year(d.year)}`;
}

export const english: Wording = {
  number(d: DecimalValue): string {
    const fraction = d.fraction === '' ? '' : ` point ${[...d.fraction].map((c) => UNITS[Number(c)]).join(' ')}`;
    return `${d.negative ? 'minus ' : ''}${cardinal(d.integer)}${fraction}`;
  },
  digits: (keys) => keys.map((k) => DIGIT_NAMES[k] ?? UNITS[Number(k)]).join(' '),
  money(m: MoneyValue, currency: Currency): string {
    const c = CURRENCY[currency];
    const sign = m.negative ? 'minus ' : '';
    if (m.minor === 0) return `${sign}${counted(m.major, c.major)}`;
    if (m.major === 0) return `${sign}${counted(m.minor, c.minor)}`;
    return `${sign}${counted(m.major, c.major)} and ${counted(m.minor, c.minor)}`;
  },
  date,
  time,
  dateTime: (d, t) => `${date(d)} at ${time(t)}`,
};
