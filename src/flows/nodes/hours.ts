/**
 * `hours`: branches on business hours — weekly ranges in a time zone, with
 * holidays and special dates (src/util/business-hours.ts). Exits `open`,
 * `closed`, and optionally `holiday` (taken on a listed holiday; without it a
 * holiday goes to `closed`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit } from '../common.ts';
import { defineNode, standardExits } from '../node-definition.ts';
import { BusinessHoursSchema, scheduleProblems } from '../../util/business-hours.ts';

export const HoursNode = NodeSchema(
  'hours',
  {
    schedule: BusinessHoursSchema,
    open: Type.String({ pattern: Exit.pattern, description: 'Node taken when open now' }),
    closed: Type.String({ pattern: Exit.pattern, description: 'Node taken when closed now (and on holidays when there is no "holiday" exit)' }),
    holiday: Type.Optional(Type.String({ pattern: Exit.pattern, description: 'Node taken when today is one of the schedule\'s holidays' })),
  },
  'Branches on business hours in a time zone: "open", "closed", and optionally "holiday".',
);
export type HoursNode = Static<typeof HoursNode>;

export const hoursDefinition = defineNode({
  type: 'hours',
  schema: HoursNode,
  exits: (n) => standardExits(n, ['open', 'closed', 'holiday']),
  waitsForCaller: () => false,
  check: (n, ctx) => {
    for (const p of scheduleProblems(n.schedule)) ctx.report(`/schedule${p.pointer}`, p.message);
    if (n.holiday !== undefined && (n.schedule.holidays ?? []).length === 0) {
      ctx.report('/holiday', 'the schedule lists no holidays, so the "holiday" exit is never taken', 'warning');
    }
  },
});
