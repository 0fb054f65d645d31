/** Calendar days in a time zone, for "today" statistics. */
import { wallClock } from '../util/time-zone.ts';

const pad = (n: number): string => String(n).padStart(2, '0');

/** "yyyy-mm-dd" of the instant `ms` in `timeZone`. Throws UnknownTimeZoneError. */
export function dayIn(timeZone: string, ms: number): string {
  const w = wallClock(timeZone, ms);
  return `${String(w.year).padStart(4, '0')}-${pad(w.month)}-${pad(w.day)}`;
}
