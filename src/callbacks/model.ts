/** The shapes of call-backs as stored and as returned by the service layer. */

/**
 * - `pending`: waiting to be due (as soon as possible, a scheduled time, or a retry time);
 * - `queued`: an instance holds a lease and has put it in the ACD queue (waiting for an agent);
 * - `dialing`: an agent was reached and the customer is being dialed / talking;
 * - `completed`, `failed`, `cancelled`: final.
 */
export type CallbackStatus = 'pending' | 'queued' | 'dialing' | 'completed' | 'failed' | 'cancelled';

export const FINAL_STATUSES: ReadonlySet<CallbackStatus> = new Set(['completed', 'failed', 'cancelled']);

export interface CallbackRecord {
  id: string;
  queueId: string;
  /** E.164. */
  number: string;
  language: string;
  /** Caller priority in the queue (0..100). */
  priority: number;
  /** When the caller first arrived (virtual hold keeps this place), epoch ms. */
  arrivedAt: number;
  /** When the (latest) request was made. */
  requestedAt: number;
  /** A time the caller picked; undefined: as soon as possible. */
  scheduledAt?: number;
  /** When it is (next) due to be dialed. */
  dueAt: number;
  status: CallbackStatus;
  /** Customer dials made so far. */
  attempts: number;
  maxAttempts: number;
  /** Outcome of the last attempt or transition (e.g. "busy", "no-answer", "answered", "cancelled"). */
  lastOutcome?: string;
  /** Agent of the current or last attempt. */
  agentId?: string;
  /** ACD entry standing for it in its queue (queued/dialing). */
  entryId?: string;
  /** Instance holding the lease (queued/dialing). */
  owner?: string;
  /** Requests merged into this one (a second request for the same number and queue). */
  merged: number;
  /** Data collected in the IVR (whisper, screen pop). */
  data: Record<string, string>;
  updatedAt: number;
  finishedAt?: number;
}

export interface CallbackEvent {
  at: number;
  /** created, merged, queued, attempt, customer-answered, agent-no-answer, outcome, retry, completed (outcome interrupted: the instance died during the conversation), failed, cancelled, rescheduled, lease-expired, released */
  type: string;
  /** Attempt number, for attempt/outcome. */
  attempt?: number;
  agentId?: string;
  /** Dial outcome (answered, busy, no-answer, rejected, failed) or a note. */
  outcome?: string;
  instance?: string;
  dueAt?: number;
}

export type CallbackErrorCode =
  | 'CALLBACK_NOT_FOUND'
  | 'CALLBACK_FINISHED'
  | 'CALLBACK_IN_PROGRESS'
  | 'CALLBACK_INVALID_NUMBER'
  | 'CALLBACK_INVALID_TIME'
  | 'CALLBACK_LEASE_LOST'
  | 'CALLBACK_STORE_FAILED';

export class CallbackError extends Error {
  constructor(
    readonly code: CallbackErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CallbackError';
  }
}

export interface CallbackStats {
  queueId: string;
  /** Not yet finished: pending, queued or being dialed. */
  pending: number;
  /** Totals since the counters began. */
  completed: number;
  failed: number;
  cancelled: number;
  /** Today (CALLBACK_TIME_ZONE): new requests (merged ones not counted again), and call-backs that ended each way. */
  today: { requested: number; completed: number; failed: number; cancelled: number };
}
