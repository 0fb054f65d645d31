/** Calendar days in a time zone, for "today" statistics. */
const formatters = new Map<string, Intl.DateTimeFormat>();

export class UnknownTimeZoneError extends Error {
  readonly code = 'UNKNOWN_TIME_ZONE';
  constructor(readonly timeZone: string) {
    super(`unknown time zone "${timeZone}"`);
    this.name = 'UnknownTimeZoneError';
  }
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      throw new UnknownTimeZoneError(timeZone);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** "yyyy-mm-dd" of the instant `ms` in `timeZone`. */
export function dayIn(timeZone: string, ms: number): string {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}
