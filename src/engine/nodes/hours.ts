/** `hours` handler: open / closed / holiday by the schedule at the clock's now. */
import type { NodeHandler } from '../context.ts';
import type { HoursNode } from '../../flows/nodes/hours.ts';
import { isOpen } from '../../util/business-hours.ts';

export const runHours: NodeHandler<HoursNode> = async (node, ctx) => {
  const r = isOpen(node.schedule, ctx.clock.now());
  if (r.holiday !== undefined) {
    ctx.log.debug({ holiday: r.holiday }, 'holiday');
    if (node.holiday !== undefined) return { exit: 'holiday' };
  }
  return { exit: r.open ? 'open' : 'closed' };
};
