/**
 * `record` handler: optional prompt, then the port's record (beep, terminator,
 * silence, max length). A recording goes into the call record and optionally
 * a variable, then `next`; an empty one takes `noinput` (else `next`).
 */
import { join } from 'node:path';
import type { NodeHandler } from '../context.ts';
import type { RecordNode } from '../../flows/nodes/record.ts';
import { abortReason } from '../../util/clock.ts';

export const runRecord: NodeHandler<RecordNode> = async (node, ctx) => {
  if (node.prompt !== undefined) {
    const r = await ctx.call.play(ctx.prompts(node.prompt), { signal: ctx.signal });
    if (r.kind === 'aborted') throw abortReason(ctx.signal);
  }
  const dir = ctx.services.recordingsDir;
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_');
  const path = dir ? join(dir, `${safe(ctx.call.info.id)}-${safe(ctx.nodeId)}-${ctx.clock.now()}.wav`) : undefined;
  const r = await ctx.call.record({
    maxSeconds: node.maxSeconds ?? 120,
    beep: node.beep ?? true,
    terminators: node.terminators ?? '#',
    silenceSeconds: node.silenceSeconds ?? 5,
    ...(path !== undefined ? { path } : {}),
    signal: ctx.signal,
  });
  if (r.kind === 'aborted') throw abortReason(ctx.signal);
  if (r.kind === 'empty') {
    ctx.log.info('recording empty');
    return { exit: node.noinput !== undefined ? 'noinput' : 'next' };
  }
  ctx.state.recordings.push({ nodeId: ctx.nodeId, location: r.location, durationMs: r.durationMs });
  if (node.variable !== undefined) ctx.state.vars[node.variable] = r.location;
  ctx.log.info({ location: r.location, durationMs: r.durationMs }, 'recording saved');
  return { exit: 'next' };
};
