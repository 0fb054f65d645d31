/**
 * What the `callback` node (and the queue node's call-back offer) needs from
 * the call-back service (src/callbacks/). The engine only sees this interface:
 * no Redis here.
 */
import type { Call, Prompt } from '../../telephony/port.ts';
import type { Logger } from 'pino';

export interface CallbackOfferRequest {
  queueId: string;
  call: Call;
  language: string;
  /** Keep the caller's original place (virtual hold) when known: when they entered the queue (epoch ms). Default: now. */
  arrivedAt?: number;
  priority: number;
  /** Data for the agent (whisper, screen pop). */
  data: Record<string, string>;
  /** Offer scheduled times in addition to "as soon as possible". */
  allowScheduled: boolean;
  /**
   * Prompts offering a call-back, played first: 1 accepts, 2 (or silence)
   * declines. Omitted: the caller already asked for one (e.g. a queue exit key).
   */
  offer?: Prompt[];
  /** Only offer when the queue's estimated wait is above this (ms); otherwise `not-offered` without a word. */
  offerWhenWaitAboveMs?: number;
  signal: AbortSignal;
  log: Logger;
}

export type CallbackOfferOutcome =
  /** Stored (before the caller heard the confirmation). `merged`: joined an earlier request for the same number and queue. */
  | { kind: 'accepted'; callbackId: string; number: string; scheduledAt?: number; merged?: boolean }
  /** The caller said no to the offer. */
  | { kind: 'declined' }
  /** The estimated wait was not above `offerWhenWaitAboveMs` (null: unknown, nobody staffed counts as long): nothing was played. */
  | { kind: 'not-offered'; ewtMs: number | null }
  /**
   * No call-back: `gave-up` (too many bad or missing answers; the caller heard
   * an apology) or `store-failed` (Redis refused; the caller heard an apology).
   */
  | { kind: 'failed'; reason: 'gave-up' | 'store-failed' | string }
  | { kind: 'hangup' };

export interface CallbackService {
  /** Runs the call-back dialog with the caller (offer, number, time), stores the request, then confirms it to the caller. */
  offer(request: CallbackOfferRequest): Promise<CallbackOfferOutcome>;
}
