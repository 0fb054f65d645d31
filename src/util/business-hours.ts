/**
 * Business hours: a weekly schedule in an IANA time zone, with holidays
 * (closed dates) and special dates (other opening hours on a date). Pure:
 * every function takes the instant to ask about, so callers pass clock.now().
 *
 * Used by the `hours` flow node, and by the call-back service to offer slots
 * inside a queue's hours and to retry only inside them.
 *
 * Rules (documented in docs/flows/hours.md):
 * - Opening hours are wall-clock times in the schedule's time zone, so they
 *   follow daylight-saving changes: "08:00-16:00" is 08:00 local all year.
 * - A day may have several ranges ("08:00-12:00", "13:00-17:00"). A range
 *   never crosses midnight: write "22:00-24:00" and "00:00-06:00" on the next day.
 * - Dates are "YYYY-MM-DD" (that date) or "MM-DD" (that date every year).
 * - For a date, the first match wins: special date (exact), holiday (exact),
 *   special date (yearly), holiday (yearly), then the weekday.
 * - An opening time that does not exist (skipped by a spring-forward change)
 *   opens at the first instant after the change.
 */
import { isTimeZone, wallClock } from './time-zone.ts';
import { Type, type Static } from '@sinclair/typebox';

const HHMM = '(?:[01]\\d|2[0-3]):[0-5]\\d';

/** "HH:MM-HH:MM", end may be 24:00. */
export const TimeRangeSchema = Type.String({
  pattern: `^${HHMM}-(?:${HHMM}|24:00)$`,
  description: 'Opening hours "HH:MM-HH:MM" in 24-hour local time, e.g. "08:00-16:00"; the end may be "24:00"',
});

export const DayHoursSchema = Type.Array(TimeRangeSchema, {
  maxItems: 12,
  description: 'Ranges when open on that day, e.g. ["08:00-12:00", "13:00-17:00"]; [] or absent: closed all day',
});

const DateSchema = Type.String({
  pattern: '^(?:\\d{4}-)?\\d{2}-\\d{2}$',
  description: 'A date "YYYY-MM-DD", or "MM-DD" for that date every year',
});

const closed = { additionalProperties: false } as const;

export const HolidaySchema = Type.Object(
  {
    date: DateSchema,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Name of the holiday (reported by isOpen and logged)' })),
  },
  { ...closed, description: 'A date when the business is closed all day' },
);

export const SpecialDateSchema = Type.Object(
  {
    date: DateSchema,
    hours: DayHoursSchema,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Name of the day, e.g. "Christmas Eve"' })),
  },
  { ...closed, description: 'A date with other opening hours than its weekday, e.g. {"date": "12-24", "hours": ["08:00-13:00"]}' },
);

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WeeklyHoursSchema = Type.Object(
  {
    mon: Type.Optional(DayHoursSchema),
    tue: Type.Optional(DayHoursSchema),
    wed: Type.Optional(DayHoursSchema),
    thu: Type.Optional(DayHoursSchema),
    fri: Type.Optional(DayHoursSchema),
    sat: Type.Optional(DayHoursSchema),
    sun: Type.Optional(DayHoursSchema),
  },
  { ...closed, description: 'Opening hours per weekday (mon..sun); a day not listed is closed' },
);

/** A business-hours schedule (the `hours` node's `schedule`, and a queue's hours). */
export const BusinessHoursSchema = Type.Object(
  {
    timeZone: Type.String({ minLength: 1, description: 'IANA time zone of the opening hours, e.g. "Europe/Warsaw"' }),
    weekly: WeeklyHoursSchema,
    holidays: Type.Optional(Type.Array(HolidaySchema, { maxItems: 500, description: 'Dates closed all day' })),
    special: Type.Optional(Type.Array(SpecialDateSchema, { maxItems: 500, description: 'Dates with other opening hours (they win over holidays on the same date)' })),
  },
  { ...closed, description: 'Business hours: weekly opening hours in a time zone, holidays and special dates' },
);
export type BusinessHours = Static<typeof BusinessHoursSchema>;

export interface IsOpenResult {
  open: boolean;
  /** Set when the date is a holiday: its name, or its date when unnamed. */
  holiday?: string;
}

export interface TimeSlot {
  startMs: number;
  endMs: number;
}

/** A problem in a schedule, at a JSON pointer relative to the schedule. */
export interface ScheduleProblem {
  pointer: string;
  message: string;
}

export class BusinessHoursError extends Error {
  readonly code = 'INVALID_BUSINESS_HOURS';
  constructor(readonly problems: ScheduleProblem[]) {
    super(`invalid business hours: ${problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; ')}`);
    this.name = 'BusinessHoursError';
  }
}

// ---------------------------------------------------------------------------
// Time zones

/** True when `name` is a time zone this runtime knows (IANA names, "UTC"). */
export const isValidTimeZone = isTimeZone;

interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** 0 = Monday ... 6 = Sunday */
  weekday: number;
  /** Minutes since local midnight. */
  minute: number;
  /** The local wall time written as if it were UTC (ms), for offset arithmetic. */
  asUtc: number;
}

/** The last whole second computed per time zone: calls arriving together ask for the same second. */
const lastSecond = new Map<string, { second: number; time: LocalTime }>();

function localTime(timeZone: string, atMs: number): LocalTime {
  const second = Math.floor(atMs / 1000);
  const ms = Math.trunc(atMs - second * 1000);
  const hit = lastSecond.get(timeZone);
  if (hit && hit.second === second) {
    const t = hit.time;
    return { year: t.year, month: t.month, day: t.day, weekday: t.weekday, minute: t.minute, asUtc: t.asUtc + ms };
  }
  const time = localTimeOfSecond(timeZone, second * 1000);
  lastSecond.set(timeZone, { second, time });
  return { ...time, asUtc: time.asUtc + ms };
}

/** Local time of a whole second (`atMs` a multiple of 1000). */
function localTimeOfSecond(timeZone: string, atMs: number): LocalTime {
  const { year, month, day, hour, minute, second, weekday } = wallClock(timeZone, atMs);
  return { year, month, day, weekday, minute: hour * 60 + minute, asUtc: Date.UTC(year, month - 1, day, hour, minute, second) };
}

const DAY_MS = 86_400_000;

/**
 * The instant when the local wall clock in `timeZone` first shows the given
 * date and minute (`minute` may be 1440: the next midnight). Ambiguous times
 * (fall-back) give the earlier instant; skipped times (spring-forward) give
 * the instant of the change.
 */
export function localToInstant(timeZone: string, year: number, month: number, day: number, minute: number): number {
  const wall = Date.UTC(year, month - 1, day, 0, minute);
  const offsets = new Set<number>();
  for (const probe of [wall - DAY_MS, wall, wall + DAY_MS]) offsets.add(localTime(timeZone, probe).asUtc - probe);
  const exact = [...offsets].map((o) => wall - o).filter((t) => localTime(timeZone, t).asUtc === wall);
  if (exact.length > 0) return Math.min(...exact);
  // In a gap: find the first instant whose wall time is at or after `wall`.
  const candidates = [...offsets].map((o) => wall - o);
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  if (localTime(timeZone, lo).asUtc >= wall) return lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localTime(timeZone, mid).asUtc >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

// ---------------------------------------------------------------------------
// Parsing and validation

interface Range {
  start: number;
  end: number;
}

interface DayRule {
  ranges: Range[];
  holiday?: string;
}

interface Compiled {
  timeZone: string;
  weekly: Range[][];
  exactSpecial: Map<string, DayRule>;
  exactHoliday: Map<string, DayRule>;
  yearlySpecial: Map<string, DayRule>;
  yearlyHoliday: Map<string, DayRule>;
}

const RANGE = /^((?:[01]\d|2[0-3]):[0-5]\d)-((?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DATE = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/;

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function parseRanges(list: readonly string[], pointer: string, problems: ScheduleProblem[]): Range[] {
  const out: Range[] = [];
  list.forEach((s, i) => {
    const m = RANGE.exec(s);
    if (!m) {
      problems.push({ pointer: `${pointer}/${i}`, message: `"${s}" is not a range "HH:MM-HH:MM" (24-hour, e.g. "08:00-16:00")` });
      return;
    }
    const start = minutesOf(m[1]!);
    const end = minutesOf(m[2]!);
    if (end <= start) {
      problems.push({
        pointer: `${pointer}/${i}`,
        message: `"${s}" ends before it starts; a range cannot cross midnight (write "${m[1]}-24:00" and "00:00-${m[2]}" on the next day)`,
      });
      return;
    }
    out.push({ start, end });
  });
  const sorted = [...out].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start < sorted[i - 1]!.end) {
      problems.push({ pointer, message: `ranges overlap: ${fmt(sorted[i - 1]!)} and ${fmt(sorted[i]!)}` });
    }
  }
  return sorted;
}

function fmt(r: Range): string {
  const hm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${hm(r.start)}-${hm(r.end)}`;
}

/** Parses a date; returns the map key ("YYYY-MM-DD" or "MM-DD") and whether it is yearly. */
function parseDate(s: string, pointer: string, problems: ScheduleProblem[]): { key: string; yearly: boolean } | undefined {
  const m = DATE.exec(s);
  if (!m) {
    problems.push({ pointer, message: `"${s}" is not a date "YYYY-MM-DD" or "MM-DD"` });
    return undefined;
  }
  const year = m[1] === undefined ? 2024 /* a leap year: 02-29 is a valid yearly date */ : Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    problems.push({ pointer, message: `"${s}" is not a real date` });
    return undefined;
  }
  return { key: s, yearly: m[1] === undefined };
}

function compile(schedule: BusinessHours): { compiled: Compiled; problems: ScheduleProblem[] } {
  const problems: ScheduleProblem[] = [];
  if (!isValidTimeZone(schedule.timeZone)) {
    problems.push({ pointer: '/timeZone', message: `unknown time zone "${schedule.timeZone}" (use an IANA name such as "Europe/Warsaw")` });
  }
  const weekly = WEEKDAYS.map((d) => parseRanges(schedule.weekly[d] ?? [], `/weekly/${d}`, problems));
  const compiled: Compiled = {
    timeZone: schedule.timeZone,
    weekly,
    exactSpecial: new Map(),
    exactHoliday: new Map(),
    yearlySpecial: new Map(),
    yearlyHoliday: new Map(),
  };
  (schedule.special ?? []).forEach((s, i) => {
    const date = parseDate(s.date, `/special/${i}/date`, problems);
    const ranges = parseRanges(s.hours, `/special/${i}/hours`, problems);
    if (!date) return;
    const map = date.yearly ? compiled.yearlySpecial : compiled.exactSpecial;
    if (map.has(date.key)) problems.push({ pointer: `/special/${i}/date`, message: `special date ${date.key} is listed twice` });
    map.set(date.key, { ranges });
  });
  (schedule.holidays ?? []).forEach((h, i) => {
    const date = parseDate(h.date, `/holidays/${i}/date`, problems);
    if (!date) return;
    const map = date.yearly ? compiled.yearlyHoliday : compiled.exactHoliday;
    if (map.has(date.key)) problems.push({ pointer: `/holidays/${i}/date`, message: `holiday ${date.key} is listed twice` });
    map.set(date.key, { ranges: [], holiday: h.name ?? date.key });
  });
  return { compiled, problems };
}

/** Problems in a schedule (unknown time zone, bad or overlapping ranges, bad dates), with pointers relative to the schedule. */
export function scheduleProblems(schedule: BusinessHours): ScheduleProblem[] {
  return compile(schedule).problems;
}

const cache = new WeakMap<BusinessHours, Compiled>();

function compiled(schedule: BusinessHours): Compiled {
  let c = cache.get(schedule);
  if (!c) {
    const r = compile(schedule);
    if (r.problems.length > 0) throw new BusinessHoursError(r.problems);
    c = r.compiled;
    cache.set(schedule, c);
  }
  return c;
}

// ---------------------------------------------------------------------------
// Queries

const pad = (n: number): string => String(n).padStart(2, '0');

function ruleFor(c: Compiled, year: number, month: number, day: number, weekday: number): DayRule {
  const exact = `${year}-${pad(month)}-${pad(day)}`;
  const yearly = `${pad(month)}-${pad(day)}`;
  return (
    c.exactSpecial.get(exact) ??
    c.exactHoliday.get(exact) ??
    c.yearlySpecial.get(yearly) ??
    c.yearlyHoliday.get(yearly) ?? { ranges: c.weekly[weekday] ?? [] }
  );
}

/** Whether the business is open at `atMs`, and the holiday's name when that date is a holiday. Throws BusinessHoursError on an invalid schedule. */
export function isOpen(schedule: BusinessHours, atMs: number): IsOpenResult {
  const c = compiled(schedule);
  const t = localTime(c.timeZone, atMs);
  const rule = ruleFor(c, t.year, t.month, t.day, t.weekday);
  const open = rule.ranges.some((r) => t.minute >= r.start && t.minute < r.end);
  return rule.holiday !== undefined ? { open, holiday: rule.holiday } : { open };
}

/** The days from the local date of `fromMs` on: their open intervals as instants. */
function* openIntervals(c: Compiled, fromMs: number, maxDays: number): Generator<TimeSlot & { year: number; month: number; day: number; range: Range }> {
  const first = localTime(c.timeZone, fromMs);
  // Walk calendar dates with UTC date arithmetic (no DST involved).
  const base = Date.UTC(first.year, first.month - 1, first.day);
  for (let i = 0; i < maxDays; i++) {
    const d = new Date(base + i * DAY_MS);
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    const weekday = (d.getUTCDay() + 6) % 7;
    for (const range of ruleFor(c, year, month, day, weekday).ranges) {
      const startMs = localToInstant(c.timeZone, year, month, day, range.start);
      const endMs = localToInstant(c.timeZone, year, month, day, range.end);
      if (endMs > startMs) yield { startMs, endMs, year, month, day, range };
    }
  }
}

/** Yearly dates repeat, so a schedule that opens at all opens within this many days. */
const SEARCH_DAYS = 400;

/**
 * The instant the business next opens: `atMs` itself when open now, else the
 * start of the next opening, or undefined when the schedule never opens
 * (within a year). Throws BusinessHoursError on an invalid schedule.
 */
export function nextOpening(schedule: BusinessHours, atMs: number): number | undefined {
  const c = compiled(schedule);
  if (isOpen(schedule, atMs).open) return atMs;
  for (const iv of openIntervals(c, atMs, SEARCH_DAYS)) {
    if (iv.startMs > atMs) return iv.startMs;
    if (iv.endMs > atMs) return atMs;
  }
  return undefined;
}

/** Longest window openSlots accepts. */
export const MAX_SLOT_WINDOW_MS = 366 * DAY_MS;

/**
 * Slots of `slotMinutes` inside opening hours, starting at or after `fromMs`
 * and ending at or before `untilMs`, in order. Slots are aligned to the start
 * of each opening range in local time (08:00, 08:30, ...) and never straddle
 * a closing time. Throws RangeError on a bad window or slot length,
 * BusinessHoursError on an invalid schedule.
 */
export function openSlots(schedule: BusinessHours, fromMs: number, untilMs: number, slotMinutes: number): TimeSlot[] {
  if (!Number.isInteger(slotMinutes) || slotMinutes < 1 || slotMinutes > 1440) {
    throw new RangeError(`slotMinutes must be a whole number from 1 to 1440, got ${slotMinutes}`);
  }
  if (!(untilMs >= fromMs) || untilMs - fromMs > MAX_SLOT_WINDOW_MS) {
    throw new RangeError('openSlots window must end after it starts and span at most 366 days');
  }
  const c = compiled(schedule);
  const days = Math.ceil((untilMs - fromMs) / DAY_MS) + 2;
  const out: TimeSlot[] = [];
  for (const iv of openIntervals(c, fromMs, days)) {
    if (iv.startMs >= untilMs) break;
    // Without a clock change inside the range, local minutes map to instants linearly.
    const linear = iv.endMs - iv.startMs === (iv.range.end - iv.range.start) * 60_000;
    const at = (m: number): number =>
      linear ? iv.startMs + (m - iv.range.start) * 60_000 : localToInstant(c.timeZone, iv.year, iv.month, iv.day, m);
    for (let m = iv.range.start; m + slotMinutes <= iv.range.end; m += slotMinutes) {
      const startMs = at(m);
      const endMs = at(m + slotMinutes);
      if (startMs >= untilMs) break;
      if (startMs < fromMs || endMs > untilMs || endMs <= startMs) continue;
      out.push({ startMs, endMs });
    }
  }
  return out;
}
