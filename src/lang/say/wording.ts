/** What a language module provides: words for each kind of value. */
import type { DateValue, DecimalValue, MoneyValue, TimeValue } from './values.ts';

export const CURRENCIES = ['PLN', 'EUR', 'USD', 'GBP', 'CHF'] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface Wording {
  /** Integer or decimal number, with sign. */
  number(d: DecimalValue): string;
  /** Keys one by one: digits, "+", "*", "#". */
  digits(keys: readonly string[]): string;
  money(m: MoneyValue, currency: Currency): string;
  date(d: DateValue): string;
  time(t: TimeValue): string;
  dateTime(d: DateValue, t: TimeValue): string;
}
