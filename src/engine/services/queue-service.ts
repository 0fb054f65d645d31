/**
 * What the `queue` node needs from the ACD. Implemented by src/acd/
 * (AcdQueueService); the engine only sees this interface (no Redis here).
 */
import type { Call } from '../../telephony/port.ts';
import type { Logger } from 'pino';

export interface QueueRequest {
  queueId: string;
  call: Call;
  /** 0..100, higher first. */
  priority: number;
  /** Required skills: name → minimum level. */
  skills: Record<string, number>;
  /** Call's language (announcements). */
  language: string;
  /** Data for the agent's whisper and screen pop (e.g. account number). */
  data: Record<string, string>;
  /** Keys that leave the queue (the node's `key:<k>` exits), one character each. */
  exitKeys: string[];
  /** Key that asks for a call-back (the node's `callback` exit). */
  callbackKey?: string;
  /** Whisper to the agent before bridging, already in one language and expanded; default: queue name + data. */
  whisper?: string;
  /** Overrides the queue's max wait (seconds; 0 = no limit). */
  maxWaitSeconds?: number;
  signal: AbortSignal;
  log: Logger;
  /**
   * Told who the caller is with: the agent's id once it answered (before the
   * whisper), undefined when the caller goes back to waiting. Live-call views
   * show it while the call lasts.
   */
  onAgent?: (agentId: string | undefined) => void;
}

export type QueueOutcome =
  /** Bridged to an agent; the bridge has ended. `callerStillThere`: the agent hung up first. */
  | { kind: 'served'; agentId: string; callerStillThere: boolean }
  | { kind: 'timeout' }
  | { kind: 'full' }
  | { kind: 'no-agents' }
  | { kind: 'key'; key: string }
  /** The caller pressed the call-back key; arrival and priority let a call-back keep the caller's place. */
  | { kind: 'callback-requested'; arrivedAt: number; priority: number }
  | { kind: 'hangup' };

export interface QueueService {
  /** Known queue ids (for flow validation). */
  queueIds(): ReadonlySet<string>;
  /** Waits in the queue until one of the outcomes. Throws (e.g. AcdError NO_QUEUE) on failure. */
  wait(request: QueueRequest): Promise<QueueOutcome>;
}
