/**
 * What callers and agents hear during call-backs, in Polish and English
 * (other languages fall back to English). `{name}` placeholders are filled by `say()`.
 */
import type { NumberProblem } from './phone-number.ts';

const pl = {
  plus: 'plus',
  offer: 'Możemy oddzwonić, gdy konsultant będzie wolny. Naciśnij 1, aby zamówić oddzwonienie, lub 2, aby zrezygnować.',
  confirmCaller: 'Oddzwonimy na numer {number}. Naciśnij 1, aby potwierdzić, lub 2, aby podać inny numer.',
  enterNumber: 'Wprowadź numer telefonu, na który mamy oddzwonić, i zakończ krzyżykiem. Numer zagraniczny poprzedź dwoma zerami.',
  confirmKeyed: 'Wprowadzony numer to {number}. Naciśnij 1, aby potwierdzić, lub 2, aby wprowadzić go ponownie.',
  'problem:empty': 'Nie wprowadzono numeru.',
  'problem:invalid-characters': 'Numer może zawierać tylko cyfry.',
  'problem:too-short': 'Ten numer jest za krótki.',
  'problem:too-long': 'Ten numer jest za długi.',
  'problem:premium-rate': 'Nie oddzwaniamy na numery o podwyższonej opłacie.',
  'problem:international-not-allowed': 'Oddzwaniamy tylko na numery w Polsce.',
  notUnderstood: 'Nie rozpoznano wyboru.',
  noInput: 'Nie wybrano żadnej opcji.',
  chooseWhen: 'Naciśnij 1, abyśmy oddzwonili najszybciej, jak to możliwe, lub 2, aby wybrać godzinę.',
  slotOption: 'Naciśnij {key}: {time}.',
  confirmSlot: 'Wybrano {time}. Naciśnij 1, aby potwierdzić, lub 2, aby wybrać inną godzinę.',
  confirmedAsap: 'Dziękujemy. Oddzwonimy na numer {number}, gdy tylko konsultant będzie wolny. Zachowujesz swoje miejsce w kolejce.',
  confirmedAsapClosed: 'Dziękujemy. Oddzwonimy na numer {number} {time}, gdy rozpoczniemy pracę.',
  confirmedAt: 'Dziękujemy. Oddzwonimy na numer {number} {time}.',
  gaveUp: 'Niestety nie udało się przyjąć prośby o oddzwonienie.',
  storeFailed: 'Przepraszamy, nie udało się zapisać prośby o oddzwonienie.',
  today: 'dziś o {hm}',
  tomorrow: 'jutro o {hm}',
  onDate: '{weekday} {date} o {hm}',
  whisper: 'Oddzwonienie do numeru {number}, zamówione {time}. Łączymy z klientem.',
  customerUnavailable: 'Klient nie odebrał. Oddzwonienie zostanie ponowione później.',
  callbackWithdrawn: 'To oddzwonienie zostało anulowane lub przełożone.',
};

type TextKey = keyof typeof pl;

const en: Record<TextKey, string> = {
  plus: 'plus',
  offer: 'We can call you back when an agent is free. Press 1 to request a call-back, or 2 to keep waiting.',
  confirmCaller: 'We will call you back at {number}. Press 1 to confirm, or 2 to enter another number.',
  enterNumber: 'Please enter the phone number we should call back, followed by the hash key. For a number abroad, start with two zeros.',
  confirmKeyed: 'You entered {number}. Press 1 to confirm, or 2 to enter it again.',
  'problem:empty': 'No number was entered.',
  'problem:invalid-characters': 'The number may contain digits only.',
  'problem:too-short': 'That number is too short.',
  'problem:too-long': 'That number is too long.',
  'problem:premium-rate': 'We cannot call back premium-rate numbers.',
  'problem:international-not-allowed': 'We can only call back numbers in Poland.',
  notUnderstood: 'Sorry, that is not a valid choice.',
  noInput: 'Sorry, we did not receive your choice.',
  chooseWhen: 'Press 1 to be called back as soon as possible, or 2 to choose a time.',
  slotOption: 'Press {key} for {time}.',
  confirmSlot: 'You chose {time}. Press 1 to confirm, or 2 to choose another time.',
  confirmedAsap: 'Thank you. We will call you back at {number} as soon as an agent is free. You keep your place in the queue.',
  confirmedAsapClosed: 'Thank you. We will call you back at {number} {time}, when we open.',
  confirmedAt: 'Thank you. We will call you back at {number} {time}.',
  gaveUp: 'Sorry, we could not take your call-back request.',
  storeFailed: 'Sorry, we could not save your call-back request.',
  today: 'today at {hm}',
  tomorrow: 'tomorrow at {hm}',
  onDate: 'on {weekday}, {date} at {hm}',
  whisper: 'Call-back for {number}, requested {time}. Connecting the customer.',
  customerUnavailable: 'The customer did not answer. The call-back will be retried later.',
  callbackWithdrawn: 'This call-back was cancelled or rescheduled.',
};

const tables: Record<string, Record<TextKey, string>> = { pl, en };

export type { TextKey };

/** The base language ("pl" from "pl-PL") if we have texts for it, else "en". */
export function textLanguage(language: string): 'pl' | 'en' {
  const base = language.slice(0, 2).toLowerCase();
  return base === 'pl' ? 'pl' : 'en';
}

export function say(language: string, key: TextKey, params: Record<string, string> = {}): string {
  const table = tables[textLanguage(language)] ?? en;
  return table[key].replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? '');
}

export function problemKey(problem: NumberProblem): TextKey {
  return `problem:${problem}`;
}

function parts(at: number, timeZone: string, locale: string): Record<string, string> {
  const out: Record<string, string> = {};
  const fmt = new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (const p of fmt.formatToParts(new Date(at))) out[p.type] = p.value;
  return out;
}

function dayKey(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
}

/**
 * A time as spoken: "dziś o 14:30", "jutro o 09:00", "poniedziałek 12 stycznia o 09:00";
 * "today at 14:30", "tomorrow at 09:00", "on Monday, 12 January at 09:00".
 */
export function spokenTime(at: number, now: number, timeZone: string, language: string): string {
  const lang = textLanguage(language);
  const p = parts(at, timeZone, lang === 'pl' ? 'pl-PL' : 'en-GB');
  const hm = `${p.hour}:${p.minute}`;
  const d = dayKey(at, timeZone);
  if (d === dayKey(now, timeZone)) return say(lang, 'today', { hm });
  if (d === dayKey(now + 86_400_000, timeZone)) return say(lang, 'tomorrow', { hm });
  return say(lang, 'onDate', { weekday: p.weekday ?? '', date: `${p.day} ${p.month}`, hm });
}
