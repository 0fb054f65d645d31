/**
 * What a waiting caller hears about their position and expected wait, in the
 * call's language (pl, en; other languages fall back to en). Pure.
 */

/** Polish noun form after a number: 1 minuta, 2–4 minuty (not 12–14), 5+ minut. */
export function polishPlural(n: number, one: string, few: string, many: string): string {
  if (n === 1) return one;
  const d = n % 10;
  const dd = n % 100;
  if (d >= 2 && d <= 4 && !(dd >= 12 && dd <= 14)) return few;
  return many;
}

export function minutesPhrase(language: string, minutes: number): string {
  if (language.startsWith('pl')) return `${minutes} ${polishPlural(minutes, 'minuta', 'minuty', 'minut')}`;
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

export interface AnnouncementInput {
  language: string;
  /** 1-based; omitted: not announced. */
  position?: number;
  /** ms; omitted or null: not announced. */
  ewtMs?: number | null;
  /** The key that asks for a call-back, offered at the end; omitted: no offer. */
  callbackKey?: string;
}

/** Sentences to speak (empty when there is nothing to say). */
export function announcementText(input: AnnouncementInput): string[] {
  const pl = input.language.startsWith('pl');
  const out: string[] = [];
  if (input.position !== undefined && input.position > 0) {
    out.push(pl ? `Twoje miejsce w kolejce: ${input.position}.` : `You are number ${input.position} in the queue.`);
  }
  if (input.ewtMs !== undefined && input.ewtMs !== null) {
    const minutes = Math.ceil(input.ewtMs / 60_000);
    if (minutes <= 1 && input.ewtMs < 60_000) {
      out.push(pl ? 'Szacowany czas oczekiwania: mniej niż minuta.' : 'The estimated waiting time is less than a minute.');
    } else {
      out.push(
        pl
          ? `Szacowany czas oczekiwania: ${minutesPhrase('pl', minutes)}.`
          : `The estimated waiting time is ${minutesPhrase('en', minutes)}.`,
      );
    }
  }
  if (input.callbackKey !== undefined) {
    out.push(
      pl
        ? `Jeśli nie chcesz czekać, naciśnij ${input.callbackKey}, a oddzwonimy.`
        : `If you would rather not wait, press ${input.callbackKey} and we will call you back.`,
    );
  }
  return out;
}

/** "name: value" of each data item that has a value (an item the IVR did not collect is not read out as "account: ."). */
function dataItems(data: Record<string, string>): string[] {
  return Object.entries(data)
    .filter(([, v]) => v.trim() !== '')
    .map(([k, v]) => `${k}: ${v}`);
}

/** Default whisper to the agent: queue name and the data collected in the IVR. */
export function defaultWhisper(language: string, queueName: string, data: Record<string, string>): string {
  const pl = language.startsWith('pl');
  const items = dataItems(data);
  const head = pl ? `Połączenie z kolejki ${queueName}.` : `Call from queue ${queueName}.`;
  return items.length > 0 ? `${head} ${items.join(', ')}.` : head;
}

/** The queue's configured whisper (a text or texts by language) followed by the IVR data. */
export function configuredWhisper(whisper: string | Record<string, string>, language: string, data: Record<string, string>): string {
  const text =
    typeof whisper === 'string'
      ? whisper
      : (whisper[language] ?? whisper[language.slice(0, 2)] ?? Object.values(whisper)[0] ?? '');
  const items = dataItems(data);
  return items.length > 0 ? `${text}. ${items.join(', ')}.` : text;
}
