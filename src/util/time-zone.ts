/**
 * Wall-clock time in an IANA time zone, through one cached Intl formatter per
 * zone: used by business hours, the `say` node and the ACD's "today".
 */

export class UnknownTimeZoneError extends Error {
  readonly code = 'UNKNOWN_TIME_ZONE';
  constructor(readonly timeZone: string) {
    super(`unknown time zone "${timeZone}"`);
    this.name = 'UnknownTimeZoneError';
  }
}

export interface WallClock {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  /** 0..23 */
  hour: number;
  minute: number;
  second: number;
  /** 0 = Monday ... 6 = Sunday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        weekday: 'short',
      });
    } catch {
      throw new UnknownTimeZoneError(timeZone);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `name` is a time zone this runtime knows (IANA names, "UTC"). */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '' || name !== name.trim()) return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `timeZone` at the instant `ms`. Throws UnknownTimeZoneError. */
export function wallClock(timeZone: string, ms: number): WallClock {
  const w: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    switch (p.type) {
      case 'year': w.year = Number(p.value); break;
      case 'month': w.month = Number(p.value); break;
      case 'day': w.day = Number(p.value); break;
      case 'hour': w.hour = Number(p.value) % 24; break;
      case 'minute': w.minute = Number(p.value); break;
      case 'second': w.second = Number(p.value); break;
      case 'weekday': w.weekday = WEEKDAY_INDEX[p.value] ?? 0; break;
      default: break;
    }
  }
  return w;
}
