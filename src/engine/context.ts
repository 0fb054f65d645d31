/**
 * The contract between the engine and node handlers. A handler gets the
 * node's validated config and a NodeContext, uses only the Call port and the
 * services given here, and returns an outcome; the engine moves on.
 */
import type { Logger } from 'pino';
import type { Call, Prompt } from '../telephony/port.ts';
import type { Clock } from '../util/clock.ts';
import type { FlowDocument } from '../flows/flow-schema.ts';
import type { LocalizedText, Prompts } from '../flows/common.ts';
import type { DestinationPolicy } from '../flows/node-definition.ts';
import type { QueueService } from './services/queue-service.ts';
import type { CallbackService } from './services/callback-service.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** What a node handler returns. */
export type NodeOutcome =
  /** Take the named exit (as listed by the node definition's exits()). */
  | { exit: string }
  /** The node failed: take its `error` exit, else the flow's onError node, else the engine's apology + hang-up. */
  | { error: unknown }
  /** The call is over (hung up, transferred away). */
  | { end: 'hangup' | 'transferred' }
  /** Continue in another flow (goto): its start node or the given node. No return. */
  | { goto: { flowId: string; nodeId?: string } }
  /** Leave the current flow now; a subflow returns to its caller, the main flow ends (hang-up). */
  | { return: true };

export interface TraceEntry {
  flowId: string;
  nodeId: string;
  type: string;
  /** Virtual or real epoch ms. */
  at: number;
  durationMs: number;
  /** Exit name taken, or "end", "error", "goto", "return", "hangup" (caller left during the node). */
  outcome: string;
  detail?: string;
}

/** Everything the engine keeps about one call: the call record. */
export interface CallState {
  vars: Record<string, JsonValue>;
  language: string;
  trace: TraceEntry[];
  /** Recordings made during the call (voicemail), locations as the driver reported them. */
  recordings: Array<{ nodeId: string; location: string; durationMs: number }>;
  /** Prompts in the order the engine asked for them (the sim driver also records what was heard). */
  currentFlowId: string;
  currentNodeId: string | null;
  /** Set when the call reached an agent or queue; filled by the queue node. */
  queue?: { queueId: string; agentId?: string };
}

export interface HttpClient {
  /** fetch-compatible. The engine passes an AbortSignal that fires at the node's timeout or hang-up. */
  (input: string, init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal }): Promise<{
    status: number;
    text(): Promise<string>;
  }>;
  /** True for in-process clients (canned answers): no real I/O, so a virtual clock need not wait for it. */
  readonly inProcess?: boolean;
}

export interface EngineServices {
  /** Published flows by id (for subflow/goto). */
  flows: { get(flowId: string): FlowDocument | undefined };
  http: HttpClient;
  transferPolicy: DestinationPolicy;
  /**
   * Prefix for relative audio paths handed to the driver; '' passes them as
   * written, for the media server to resolve in its own audio folder (the
   * drachtio driver prefixes AUDIO_PATH). Absolute paths are never changed.
   */
  audioDir: string;
  /** Directory where recordings go (drivers may store elsewhere and report the location). */
  recordingsDir: string;
  /** ACD: present when the service runs with Redis (queue node). */
  queues?: QueueService;
  /** Call-backs: present when the service runs with Redis (callback node). */
  callbacks?: CallbackService;
}

export interface NodeContext {
  readonly call: Call;
  readonly clock: Clock;
  /** Child logger with callId, flowId and nodeId bound. */
  readonly log: Logger;
  /** Aborted when the caller hangs up or the engine stops the call. Pass to every long operation. */
  readonly signal: AbortSignal;
  readonly flow: FlowDocument;
  readonly nodeId: string;
  readonly state: CallState;
  readonly services: EngineServices;
  /** Picks the call language's text and expands templates. */
  text(t: LocalizedText): string;
  /** Expands templates in a plain string ({{vars.x}}, {{caller.number}}, ...). */
  template(s: string): string;
  /** Turns flow prompt specs into port prompts in the call's language. */
  prompts(p: Prompts | undefined): Prompt[];
  /** Runs another flow on this call and comes back; resolves when it returns (or rejects if the caller hung up). */
  runSubflow(flowId: string): Promise<'returned' | 'ended'>;
}

export type NodeHandler<N> = (node: N, ctx: NodeContext) => Promise<NodeOutcome>;
