/**
 * What the API needs from the layers below, as small interfaces. The
 * composition root adapts the real services (flow engine, ACD, call-backs)
 * to them; tests can give their own implementations.
 */
import type { AgentConfig, AgentState, QueueConfig } from '../acd/model.ts';
import type { CallbackRecord, CallbackStats, CallbackStatus } from '../callbacks/model.ts';
import type { FlowDocument } from '../flows/flow-schema.ts';
import type { CallerAction } from '../telephony/sim/caller-script.ts';
import type { JsonValue } from '../engine/context.ts';
import type { ActiveCallView } from '../engine/engine.ts';

/** A call this instance runs, as the flow engine reports it. */
export type ActiveCall = ActiveCallView;

/** Calls run by this instance (the flow engine). */
export interface CallsApi {
  activeCalls(): ActiveCall[];
  /** Hangs up a call of this instance; false when there is no such call here. */
  hangup(callId: string): Promise<boolean>;
}

/** A call in progress on some service instance. */
export interface LiveCall extends ActiveCall {
  /** INSTANCE_ID of the instance running it. */
  instance: string;
}

export type HangupOutcome =
  /** The call ran on this instance and was hung up. */
  | { outcome: 'ended' }
  /** The call runs on another live instance; the request was delivered to it. */
  | { outcome: 'forwarded'; instance: string }
  /** No live instance lists the call. */
  | { outcome: 'not-found' };

/** Calls of every live instance sharing the Redis (src/calls/live-calls.ts). */
export interface LiveCallsApi {
  list(): Promise<LiveCall[]>;
  /** `by` names who asked (token name), for the owner's log. */
  hangup(callId: string, by?: string): Promise<HangupOutcome>;
}

export interface SimulationRequest {
  flow: FlowDocument;
  /** Other flows (subflow/goto targets). */
  flows: FlowDocument[];
  input: CallerAction[];
  language?: string;
  from?: string;
  to?: string;
}

export interface SimulationOutcome {
  heard: string[];
  path: string[];
  ended: string;
  vars: Record<string, JsonValue>;
  durationMs: number;
}

export type FlowSimulator = (request: SimulationRequest) => Promise<SimulationOutcome>;

export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: Record<string, string> }>;
}

export type AgentCommand =
  | { op: 'login' }
  | { op: 'logout' }
  | { op: 'pause'; reason: string }
  | { op: 'ready' }
  | { op: 'end-wrapup' }
  | { op: 'extend-wrapup'; seconds: number };

export interface AgentLive {
  agentId: string;
  state: AgentState;
  /** Epoch ms the agent entered this state. */
  since?: number;
  pauseReason?: string;
  /** Epoch ms the wrap-up ends (state wrap-up). */
  wrapUntil?: number;
  queueId?: string;
  callId?: string;
}

/** Figures of a period; null where there is nothing to measure (e.g. ASA with no answered call). */
export type PeriodFigures = Record<string, number | null>;

export interface QueueStatsView {
  queueId: string;
  waiting: number;
  /** Seconds the longest-waiting caller has waited. */
  longestWaitSeconds: number;
  /** Estimated wait for a caller arriving now; null when nobody is staffed. */
  ewtSeconds: number | null;
  agents: Record<string, number>;
  today: PeriodFigures;
  last15Minutes: PeriodFigures;
}

export interface AgentStatsView {
  agentId: string;
  state?: AgentState;
  today: PeriodFigures;
  last15Minutes: PeriodFigures;
}

/** Queue and agent configuration, agent state control, statistics (the ACD). */
export interface AcdApi {
  listQueues(): Promise<QueueConfig[]>;
  getQueue(queueId: string): Promise<QueueConfig | undefined>;
  /** Validates and stores; throws AcdConfigError when invalid. */
  putQueue(queue: unknown): Promise<{ queue: QueueConfig; created: boolean }>;
  deleteQueue(queueId: string): Promise<boolean>;
  listAgents(): Promise<AgentConfig[]>;
  getAgent(agentId: string): Promise<AgentConfig | undefined>;
  putAgent(agent: unknown): Promise<{ agent: AgentConfig; created: boolean }>;
  deleteAgent(agentId: string): Promise<boolean>;
  agentStates(): Promise<AgentLive[]>;
  agentState(agentId: string): Promise<AgentLive | undefined>;
  /** Throws AcdError (e.g. INVALID_TRANSITION) when the agent cannot do that now. */
  controlAgent(agentId: string, command: AgentCommand): Promise<AgentLive>;
  queueStats(queueId: string): Promise<QueueStatsView | undefined>;
  agentStats(agentId: string): Promise<AgentStatsView | undefined>;
}

export interface CallbacksApi {
  list(filter: { status?: CallbackStatus; queueId?: string; limit: number }): Promise<CallbackRecord[]>;
  get(callbackId: string): Promise<CallbackRecord | undefined>;
  /** Throws CallbackError (CALLBACK_NOT_FOUND, CALLBACK_FINISHED, CALLBACK_IN_PROGRESS). */
  cancel(callbackId: string): Promise<CallbackRecord>;
  /** Throws CallbackError (… CALLBACK_INVALID_TIME). */
  reschedule(callbackId: string, at: number): Promise<CallbackRecord>;
  /** Backlog per queue: pending (not finished), completed, failed, cancelled. */
  stats(queueIds?: readonly string[]): Promise<CallbackStats[]>;
}
