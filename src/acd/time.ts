/** Calendar days in a time zone, for "today" statistics. */
import { wallClock } from '../util/time-zone.ts';

const pad = (n: number): string => String(n).padStart(2, '0');
const MINUTE_MS = 60_000;

/**
 * Last answer per zone, valid for its whole minute: every ACD operation needs
 * the day label, and an Intl formatting costs more than the rest of the call's
 * Node-side work. Exact, because zone offsets only change on whole minutes.
 */
const lastDay = new Map<string, { minute: number; day: string }>();

/** "yyyy-mm-dd" of the instant `ms` in `timeZone`. Throws UnknownTimeZoneError. */
export function dayIn(timeZone: string, ms: number): string {
  const minute = Math.floor(ms / MINUTE_MS);
  const hit = lastDay.get(timeZone);
  if (hit && hit.minute === minute) return hit.day;
  const w = wallClock(timeZone, ms);
  const day = `${String(w.year).padStart(4, '0')}-${pad(w.month)}-${pad(w.day)}`;
  lastDay.set(timeZone, { minute, day });
  return day;
}
