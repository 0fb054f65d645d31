import { describe, expect, it } from 'vitest';
import {
  BusinessHoursError,
  isOpen,
  isValidTimeZone,
  localToInstant,
  nextOpening,
  openSlots,
  scheduleProblems,
  type BusinessHours,
} from '../src/util/business-hours.ts';

const Z = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

const office: BusinessHours = {
  timeZone: 'Europe/Warsaw',
  weekly: {
    mon: ['08:00-12:00', '13:00-17:00'],
    tue: ['08:00-12:00', '13:00-17:00'],
    wed: ['08:00-12:00', '13:00-17:00'],
    thu: ['08:00-12:00', '13:00-17:00'],
    fri: ['08:00-12:00', '13:00-17:00'],
  },
  holidays: [
    { date: '2026-01-06', name: 'Trzech Króli' },
    { date: '12-25', name: 'Boże Narodzenie' },
    { date: '12-24', name: 'Wigilia (overridden by the special date)' },
    { date: '2026-11-11' },
  ],
  special: [{ date: '12-24', hours: ['08:00-13:00'], name: 'Wigilia' }],
};

describe('isOpen', () => {
  it('follows several ranges a day in winter time (UTC+1)', () => {
    // Monday 2026-01-05
    expect(isOpen(office, Z('2026-01-05T06:59:00Z')).open).toBe(false); // 07:59 local
    expect(isOpen(office, Z('2026-01-05T07:00:00Z')).open).toBe(true); // 08:00
    expect(isOpen(office, Z('2026-01-05T10:59:59Z')).open).toBe(true); // 11:59:59
    expect(isOpen(office, Z('2026-01-05T11:30:00Z')).open).toBe(false); // 12:30 lunch
    expect(isOpen(office, Z('2026-01-05T12:00:00Z')).open).toBe(true); // 13:00
    expect(isOpen(office, Z('2026-01-05T16:00:00Z')).open).toBe(false); // 17:00 closed
    expect(isOpen(office, Z('2026-01-10T09:00:00Z')).open).toBe(false); // Saturday
  });

  it('keeps local opening hours in summer time (UTC+2)', () => {
    // Monday 2026-07-06: 08:00 local is 06:00Z
    expect(isOpen(office, Z('2026-07-06T05:59:00Z')).open).toBe(false);
    expect(isOpen(office, Z('2026-07-06T06:00:00Z')).open).toBe(true);
    expect(isOpen(office, Z('2026-07-06T14:59:00Z')).open).toBe(true); // 16:59
    expect(isOpen(office, Z('2026-07-06T15:00:00Z')).open).toBe(false); // 17:00
  });

  it('is correct on the days the clocks change', () => {
    const night: BusinessHours = { timeZone: 'Europe/Warsaw', weekly: { sun: ['01:00-04:00'] } };
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z
    expect(isOpen(night, Z('2026-03-28T23:59:00Z')).open).toBe(false); // 00:59 CET
    expect(isOpen(night, Z('2026-03-29T00:30:00Z')).open).toBe(true); // 01:30 CET
    expect(isOpen(night, Z('2026-03-29T01:30:00Z')).open).toBe(true); // 03:30 CEST
    expect(isOpen(night, Z('2026-03-29T02:00:00Z')).open).toBe(false); // 04:00 CEST
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00Z; 03:00 local is 02:00Z
    expect(isOpen(night, Z('2026-10-25T01:59:00Z')).open).toBe(true); // 02:59 CET
    expect(isOpen(night, Z('2026-10-25T03:00:00Z')).open).toBe(false); // 04:00 CET
  });

  it('reports holidays (exact and yearly) as closed with their name', () => {
    expect(isOpen(office, Z('2026-01-06T09:00:00Z'))).toEqual({ open: false, holiday: 'Trzech Króli' });
    expect(isOpen(office, Z('2027-12-25T09:00:00Z'))).toEqual({ open: false, holiday: 'Boże Narodzenie' });
    expect(isOpen(office, Z('2026-11-11T09:00:00Z'))).toEqual({ open: false, holiday: '2026-11-11' });
    // A holiday on a weekend is still a holiday
    expect(isOpen(office, Z('2027-12-25T09:00:00Z')).holiday).toBe('Boże Narodzenie');
    expect(isOpen(office, Z('2026-01-07T09:00:00Z'))).toEqual({ open: true });
  });

  it('uses special hours on special dates, over a holiday on the same date', () => {
    // Thursday 2026-12-24, 08:00-13:00 local (UTC+1)
    expect(isOpen(office, Z('2026-12-24T11:59:00Z'))).toEqual({ open: true });
    expect(isOpen(office, Z('2026-12-24T12:00:00Z'))).toEqual({ open: false });
  });

  it('works in other zones and with a whole-day range', () => {
    const ny: BusinessHours = { timeZone: 'America/New_York', weekly: { sat: ['00:00-24:00'] } };
    expect(isOpen(ny, Z('2026-01-10T04:59:00Z')).open).toBe(false); // Fri 23:59 EST
    expect(isOpen(ny, Z('2026-01-10T05:00:00Z')).open).toBe(true); // Sat 00:00
    expect(isOpen(ny, Z('2026-01-11T04:59:59Z')).open).toBe(true); // Sat 23:59:59
    expect(isOpen(ny, Z('2026-01-11T05:00:00Z')).open).toBe(false); // Sun 00:00
  });

  it('throws BusinessHoursError on an invalid schedule', () => {
    expect(() => isOpen({ timeZone: 'Europe/Warsa', weekly: {} }, 0)).toThrow(BusinessHoursError);
  });
});

describe('nextOpening', () => {
  it('is now when open, else the next opening across nights, weekends and holidays', () => {
    expect(iso(nextOpening(office, Z('2026-01-05T09:00:00Z')))).toBe('2026-01-05T09:00:00.000Z');
    expect(iso(nextOpening(office, Z('2026-01-05T11:15:00Z')))).toBe('2026-01-05T12:00:00.000Z'); // lunch → 13:00
    expect(iso(nextOpening(office, Z('2026-01-09T16:30:00Z')))).toBe('2026-01-12T07:00:00.000Z'); // Fri evening → Mon 08:00
    expect(iso(nextOpening(office, Z('2026-01-05T17:00:00Z')))).toBe('2026-01-07T07:00:00.000Z'); // Mon evening → Wed (Tue is a holiday)
  });

  it('crosses the spring-forward change, opening at the change when the time is skipped', () => {
    const gap: BusinessHours = { timeZone: 'Europe/Warsaw', weekly: { sun: ['02:30-05:00'] } };
    expect(iso(nextOpening(gap, Z('2026-03-28T12:00:00Z')))).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    expect(iso(nextOpening(office, Z('2026-03-27T17:00:00Z')))).toBe('2026-03-30T06:00:00.000Z'); // Mon 08:00 CEST
  });

  it('picks the first of two identical local times on the fall-back day', () => {
    const twice: BusinessHours = { timeZone: 'Europe/Warsaw', weekly: { sun: ['02:30-02:45'] } };
    expect(iso(nextOpening(twice, Z('2026-10-24T12:00:00Z')))).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
  });

  it('is undefined for a schedule that never opens', () => {
    expect(nextOpening({ timeZone: 'UTC', weekly: {} }, 0)).toBeUndefined();
  });
});

describe('openSlots', () => {
  it('offers aligned slots inside the opening ranges and the window', () => {
    const slots = openSlots(office, Z('2026-01-05T10:00:00Z'), Z('2026-01-05T13:00:00Z'), 30);
    expect(slots.map((s) => [iso(s.startMs), iso(s.endMs)])).toEqual([
      ['2026-01-05T10:00:00.000Z', '2026-01-05T10:30:00.000Z'],
      ['2026-01-05T10:30:00.000Z', '2026-01-05T11:00:00.000Z'],
      ['2026-01-05T12:00:00.000Z', '2026-01-05T12:30:00.000Z'],
      ['2026-01-05T12:30:00.000Z', '2026-01-05T13:00:00.000Z'],
    ]);
  });

  it('skips closed days and keeps local times across a DST change', () => {
    const slots = openSlots(office, Z('2026-03-27T15:00:00Z'), Z('2026-03-30T08:00:00Z'), 60);
    expect(slots.map((s) => iso(s.startMs))).toEqual([
      '2026-03-27T15:00:00.000Z', // Fri 16:00 CET
      '2026-03-30T06:00:00.000Z', // Mon 08:00 CEST
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('drops the slot that the spring-forward change skips', () => {
    const night: BusinessHours = { timeZone: 'Europe/Warsaw', weekly: { sun: ['01:00-04:00'] } };
    const slots = openSlots(night, Z('2026-03-28T12:00:00Z'), Z('2026-03-30T00:00:00Z'), 60);
    expect(slots.map((s) => [iso(s.startMs), iso(s.endMs)])).toEqual([
      ['2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000Z'], // 01:00-02:00 CET
      ['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z'], // 03:00-04:00 CEST
    ]);
  });

  it('rejects bad arguments', () => {
    expect(() => openSlots(office, 0, 1000, 0)).toThrow(RangeError);
    expect(() => openSlots(office, 1000, 0, 15)).toThrow(RangeError);
    expect(() => openSlots(office, 0, 400 * 86_400_000, 15)).toThrow(RangeError);
  });
});

describe('scheduleProblems', () => {
  it('accepts a good schedule', () => {
    expect(scheduleProblems(office)).toEqual([]);
  });

  it('names each problem with a pointer', () => {
    const problems = scheduleProblems({
      timeZone: 'Europe/Warsow',
      weekly: { mon: ['17:00-08:00'], tue: ['08:00-12:00', '11:00-13:00'], wed: ['8:00-12:00'] },
      holidays: [{ date: '2026-02-30' }, { date: '12-25' }, { date: '12-25' }],
      special: [{ date: '13-01', hours: [] }],
    });
    expect(problems).toEqual([
      { pointer: '/timeZone', message: 'unknown time zone "Europe/Warsow" (use an IANA name such as "Europe/Warsaw")' },
      {
        pointer: '/weekly/mon/0',
        message: '"17:00-08:00" ends before it starts; a range cannot cross midnight (write "17:00-24:00" and "00:00-08:00" on the next day)',
      },
      { pointer: '/weekly/tue', message: 'ranges overlap: 08:00-12:00 and 11:00-13:00' },
      { pointer: '/weekly/wed/0', message: '"8:00-12:00" is not a range "HH:MM-HH:MM" (24-hour, e.g. "08:00-16:00")' },
      { pointer: '/special/0/date', message: '"13-01" is not a real date' },
      { pointer: '/holidays/0/date', message: '"2026-02-30" is not a real date' },
      { pointer: '/holidays/2/date', message: 'holiday 12-25 is listed twice' },
    ]);
  });

  it('knows IANA zone names', () => {
    expect(isValidTimeZone('Europe/Warsaw')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone(' Europe/Warsaw')).toBe(false);
  });

  it('converts local times to instants', () => {
    expect(iso(localToInstant('Europe/Warsaw', 2026, 1, 5, 8 * 60))).toBe('2026-01-05T07:00:00.000Z');
    expect(iso(localToInstant('Europe/Warsaw', 2026, 1, 5, 1440))).toBe('2026-01-05T23:00:00.000Z');
  });
});
