/**
 * When call-backs happen: due times inside a queue's business hours, the
 * slots offered to the caller, and the back-off between attempts. Pure.
 * A queue without business hours is always open.
 */
import { isOpen, nextOpening, openSlots, type BusinessHours } from '../util/business-hours.ts';

export interface SchedulePolicy {
  retryBackoffSeconds: readonly number[];
  slotMinutes: number;
  slotsOffered: number;
  slotLeadMinutes: number;
}

const WEEK_MS = 7 * 86_400_000;

/** `at` when open, else the next opening (undefined: the queue never opens). */
export function nextOpen(hours: BusinessHours | undefined, at: number): number | undefined {
  if (!hours) return at;
  return nextOpening(hours, at);
}

export function openAt(hours: BusinessHours | undefined, at: number): boolean {
  return !hours || isOpen(hours, at).open;
}

/** Slot start times offered to the caller: inside business hours, at least the lead time ahead, within a week. */
export function offeredSlots(hours: BusinessHours | undefined, now: number, policy: SchedulePolicy): number[] {
  const from = now + policy.slotLeadMinutes * 60_000;
  if (!hours) {
    // Always open: round up to the slot grid.
    const step = policy.slotMinutes * 60_000;
    const first = Math.ceil(from / step) * step;
    return Array.from({ length: policy.slotsOffered }, (_, i) => first + i * step);
  }
  return openSlots(hours, from, from + WEEK_MS, policy.slotMinutes)
    .slice(0, policy.slotsOffered)
    .map((s) => s.startMs);
}

/** Wait before the retry after attempt `attempt` (1-based); the last back-off value repeats. */
export function backoffMs(policy: Pick<SchedulePolicy, 'retryBackoffSeconds'>, attempt: number): number {
  const list = policy.retryBackoffSeconds;
  const i = Math.min(Math.max(attempt, 1), list.length) - 1;
  return (list[i] ?? 300) * 1000;
}

/** When to retry after attempt `attempt` failed: after the back-off, moved to the next opening. */
export function retryAt(hours: BusinessHours | undefined, now: number, attempt: number, policy: Pick<SchedulePolicy, 'retryBackoffSeconds'>): number {
  const at = now + backoffMs(policy, attempt);
  return nextOpen(hours, at) ?? at;
}
