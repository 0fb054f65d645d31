/**
 * Business hours of queues for call-backs (slots offered, retries), from a
 * JSON file named by CALLBACK_HOURS_FILE:
 *
 *   { "sales": { "timeZone": "Europe/Warsaw", "weekly": { "mon": ["08:00-16:00"], … } },
 *     "*":     { … hours of every queue not listed … } }
 *
 * A queue with no entry (and no "*") is always open.
 */
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { BusinessHoursSchema, scheduleProblems, type BusinessHours } from '../util/business-hours.ts';
import { ConfigError } from '../config/api.ts';

export type QueueHours = (queueId: string) => BusinessHours | undefined;

/** Validates the parsed file content; `where` names it in errors. */
export function parseQueueHours(input: unknown, where: string): QueueHours {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new ConfigError(where, 'must hold a JSON object: queue id (or "*") → business hours');
  const table = new Map<string, BusinessHours>();
  for (const [queueId, hours] of Object.entries(input as Record<string, unknown>)) {
    if (!Value.Check(BusinessHoursSchema, hours)) {
      const first = [...Value.Errors(BusinessHoursSchema, hours)][0];
      throw new ConfigError(where, `/${queueId}${first?.path ?? ''}: ${first?.message ?? 'invalid business hours'}`);
    }
    const problem = scheduleProblems(hours)[0];
    if (problem) throw new ConfigError(where, `/${queueId}${problem.pointer}: ${problem.message}`);
    table.set(queueId, hours);
  }
  return (queueId) => table.get(queueId) ?? table.get('*');
}

export function loadQueueHours(path: string | undefined): QueueHours {
  if (!path) return () => undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('CALLBACK_HOURS_FILE', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('CALLBACK_HOURS_FILE', `${path} is not valid JSON`);
  }
  return parseQueueHours(parsed, `CALLBACK_HOURS_FILE ${path}`);
}
