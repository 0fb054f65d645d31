/**
 * What the `callback` node needs from the call-back service. Filled in by the
 * call-back issue (src/callbacks/); the engine only sees this interface.
 */
import type { Call } from '../../telephony/port.ts';
import type { Logger } from 'pino';

export interface CallbackOfferRequest {
  queueId: string;
  call: Call;
  language: string;
  /** Keep the caller's original place (virtual hold) when known. */
  arrivedAt?: number;
  priority: number;
  data: Record<string, string>;
  /** Offer scheduled times in addition to "as soon as possible". */
  allowScheduled: boolean;
  signal: AbortSignal;
  log: Logger;
}

export type CallbackOfferOutcome =
  | { kind: 'accepted'; callbackId: string; number: string; scheduledAt?: number }
  | { kind: 'declined' }
  | { kind: 'failed'; reason: string }
  | { kind: 'hangup' };

export interface CallbackService {
  /** Runs the call-back dialog with the caller (number, time, confirmation) and stores the request. */
  offer(request: CallbackOfferRequest): Promise<CallbackOfferOutcome>;
}
