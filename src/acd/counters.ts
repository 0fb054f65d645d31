/**
 * The statistics counters of the ACD and where each lives in a counter key.
 *
 * A counter key (`st:q:<queue>:d:<day>`, `st:q:<queue>:m:<minute>`, and the
 * same per agent; see keys.ts) is a Redis string of signed 64-bit big-endian
 * integers, one per counter at the index below, written with `BITFIELD …
 * INCRBY i64 #<index> <by>`. One BITFIELD call increments every counter an
 * operation touches in that key, where a hash would need one HINCRBY per field
 * (the scripts collect a run's increments and write each key once at the end).
 * Index 0 counts writes in its first byte (BITFIELD u8 at bit 0, wrapping):
 * when it comes back as 1 the key is new and gets its TTL (again every 256th write).
 *
 * This table is the single source: `luaCounterIndex()` generates the Lua table
 * `CI` (name → BITFIELD offset `#<index>`) that the script loader prepends to every script, and
 * `decodeCounters()` reads a key back.
 */
import { AGENT_STATES } from './model.ts';

export const COUNTERS = [
  'writes',
  // queue
  'offered',
  'callbacksQueued',
  'rejectedNoAgents',
  'rejectedFull',
  'answered',
  'answerWaitMs',
  'answeredInSl',
  'callbacksAnswered',
  'handled',
  'talkMs',
  'acwMs',
  'acwCount',
  'abandoned',
  'abandonWaitMs',
  'shortAbandoned',
  'timedOut',
  'exitedByKey',
  'callbackRequested',
  'callbacksCancelled',
  'lost',
  // agent (also: answered, handled, talkMs, acwMs)
  'missed',
  ...AGENT_STATES.map((s) => `ms:${s}` as const),
  // added later: new counters go last, so stored keys keep their meaning
  'leftNoAgents',
] as const;

export type CounterName = (typeof COUNTERS)[number];

/** Lua source defining `CI`, counter name → BITFIELD offset ("#<index>", ready to pass to BITFIELD). */
export function luaCounterIndex(): string {
  return `local CI = {${COUNTERS.map((n, i) => `[${JSON.stringify(n)}] = '#${i}'`).join(', ')}}`;
}

/** Counters of one key (null/empty: none); `writes` is left out. */
export function decodeCounters(raw: Buffer | null | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!raw) return out;
  const n = Math.min(COUNTERS.length, Math.floor(raw.length / 8));
  for (let i = 1; i < n; i++) {
    const v = Number(raw.readBigInt64BE(i * 8));
    if (v !== 0) out[COUNTERS[i]!] = v;
  }
  return out;
}
