import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import type { HoursNode } from '../../src/flows/nodes/hours.ts';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import type { SimulationResult } from '../../src/engine/simulate.ts';

const schedule: HoursNode['schedule'] = {
  timeZone: 'Europe/Warsaw',
  weekly: { mon: ['08:00-12:00', '13:00-17:00'], tue: ['08:00-12:00', '13:00-17:00'], sat: ['09:00-13:00'] },
  holidays: [{ date: '2026-01-06', name: 'Trzech Króli' }],
  special: [{ date: '2026-01-10', hours: [], name: 'Inwentaryzacja' }],
};

function hoursFlow(node: Partial<HoursNode> = {}): FlowDocument {
  return flowOf({
    check: { type: 'hours', schedule, open: 'open', closed: 'closed', holiday: 'holiday', ...node },
    open: { type: 'hangup', prompt: 'Zapraszamy' },
    closed: { type: 'hangup', prompt: 'Jesteśmy zamknięci' },
    holiday: { type: 'hangup', prompt: 'Dziś święto' },
  });
}

/** Runs the flow with the clock at `iso` (virtual time, auto-advancing). */
async function callAt(iso: string, flow: FlowDocument): Promise<SimulationResult> {
  const clock = new VirtualClock(Date.parse(iso));
  const stop = clock.startAuto();
  try {
    return await runScenario({ flow, clock });
  } finally {
    stop();
  }
}

describe('hours node', () => {
  it('takes open inside a range (10:00 Warsaw on a Monday)', async () => {
    const r = await callAt('2026-01-05T09:00:00Z', hoursFlow());
    expect(r.path).toEqual(['check', 'open']);
    expect(r.heard).toEqual(['tts[pl]: Zapraszamy']);
  });

  it('takes closed at lunch, at night and on a special closed day', async () => {
    for (const at of ['2026-01-05T11:30:00Z', '2026-01-05T20:00:00Z', '2026-01-10T10:00:00Z']) {
      const r = await callAt(at, hoursFlow());
      expect(r.heard, at).toEqual(['tts[pl]: Jesteśmy zamknięci']);
    }
  });

  it('keeps local hours in summer time', async () => {
    // Monday 2026-07-06 07:30 local = 05:30Z: closed; 08:30 local = 06:30Z: open
    expect((await callAt('2026-07-06T05:30:00Z', hoursFlow())).path).toEqual(['check', 'closed']);
    expect((await callAt('2026-07-06T06:30:00Z', hoursFlow())).path).toEqual(['check', 'open']);
  });

  it('takes holiday on a listed holiday', async () => {
    const r = await callAt('2026-01-06T09:00:00Z', hoursFlow());
    expect(r.path).toEqual(['check', 'holiday']);
    expect(r.heard).toEqual(['tts[pl]: Dziś święto']);
  });

  it('takes closed on a holiday when there is no holiday exit', async () => {
    const flow = flowOf({
      check: { type: 'hours', schedule, open: 'open', closed: 'closed' },
      open: { type: 'hangup', prompt: 'Zapraszamy' },
      closed: { type: 'hangup', prompt: 'Jesteśmy zamknięci' },
    });
    const r = await callAt('2026-01-06T09:00:00Z', flow);
    expect(r.path).toEqual(['check', 'closed']);
  });
});

describe('hours node: validation', () => {
  const check = (flow: FlowDocument): string[] =>
    validateFlowDocument(flow, { file: 'main.json', flowIds: new Set(), transferPolicy: denyAllDestinations, audioExists: () => true }).issues.map(formatIssue);

  it('reports an unknown time zone and bad ranges with pointers', () => {
    const issues = check(
      hoursFlow({
        schedule: { timeZone: 'Europe/Warszawa', weekly: { mon: ['16:00-08:00'], tue: ['08:00-12:00', '11:30-13:00'] }, holidays: [{ date: '12-25' }] },
      }),
    );
    expect(issues).toEqual([
      'main.json: /nodes/check/schedule/timeZone: unknown time zone "Europe/Warszawa" (use an IANA name such as "Europe/Warsaw")',
      'main.json: /nodes/check/schedule/weekly/mon/0: "16:00-08:00" ends before it starts; a range cannot cross midnight (write "16:00-24:00" and "00:00-08:00" on the next day)',
      'main.json: /nodes/check/schedule/weekly/tue: ranges overlap: 08:00-12:00 and 11:30-13:00',
    ]);
  });

  it('rejects a range that is not HH:MM-HH:MM in the schema', () => {
    const issues = check(hoursFlow({ schedule: { timeZone: 'Europe/Warsaw', weekly: { mon: ['8-16'] }, holidays: [{ date: '12-25' }] } }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^main\.json: \/nodes\/check\/schedule\/weekly\/mon\/0: /);
  });

  it('warns about a holiday exit that can never be taken', () => {
    expect(check(hoursFlow({ schedule: { timeZone: 'UTC', weekly: { mon: ['00:00-24:00'] } } }))).toEqual([
      'main.json: /nodes/check/holiday: warning: the schedule lists no holidays, so the "holiday" exit is never taken',
    ]);
  });

  it('reports an unknown exit target', () => {
    expect(check(hoursFlow({ holiday: 'swieto' }))).toContain('main.json: /nodes/check/holiday: unknown node "swieto"');
  });
});
