/**
 * What the `queue` node needs from the ACD. Filled in by the ACD issue
 * (src/acd/); the engine only sees this interface.
 */
import type { Call } from '../../telephony/port.ts';
import type { Logger } from 'pino';

export interface QueueRequest {
  queueId: string;
  call: Call;
  priority: number;
  /** Required skills: name → minimum level. */
  skills: Record<string, number>;
  /** Call's language (announcements). */
  language: string;
  /** Data for the agent's whisper and screen pop (e.g. account number). */
  data: Record<string, string>;
  /** Keys that leave the queue, mapped to exit names ("key:1"). */
  exitKeys: string[];
  signal: AbortSignal;
  log: Logger;
}

export type QueueOutcome =
  /** Bridged to an agent; the bridge has ended; the caller is still on the line. */
  | { kind: 'served'; agentId: string; callerStillThere: boolean }
  | { kind: 'timeout' }
  | { kind: 'full' }
  | { kind: 'no-agents' }
  | { kind: 'key'; key: string }
  | { kind: 'callback-requested' }
  | { kind: 'hangup' };

export interface QueueService {
  /** Known queue ids (for flow validation). */
  queueIds(): ReadonlySet<string>;
  /** Waits in the queue until one of the outcomes. */
  wait(request: QueueRequest): Promise<QueueOutcome>;
}
