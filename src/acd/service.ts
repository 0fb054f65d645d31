/**
 * AcdService: the ACD of one service instance. It owns the instance's lease
 * (heartbeat), runs the reaper, receives assignments for its entries (a
 * blocking read on its Redis inbox, on a dedicated connection), runs wrap-up
 * timers, and offers the typed operations the admin API exposes (queue and
 * agent configuration, agent state control, live states, statistics, EWT).
 *
 * All decisions are made in Redis by the Lua scripts (store.ts); this class
 * only routes their results. See docs/acd.md.
 */
import type { Logger } from 'pino';
import { readFile } from 'node:fs/promises';
import type { Clock, TimerHandle } from '../util/clock.ts';
import type { BusinessHours } from '../util/business-hours.ts';
import type { AcdConfig } from '../config/acd.ts';
import type { RedisClient } from './scripts.ts';
import { AcdStore, type AgentStateRecord, type EnqueueResult, type EntryKind, type LeaveReason } from './store.ts';
import { AcdError } from './errors.ts';
import {
  parseAgentConfig,
  parseAgentsFile,
  parseQueueConfig,
  parseQueuesFile,
  type AgentConfig,
  type AgentState,
  type QueueConfig,
  type ReleaseReason,
  AGENT_STATES,
  pauseReasonProblem,
} from './model.ts';
import { agentPeriodStats, queuePeriodStats, type AgentPeriodStats, type PeriodStats } from './stats.ts';
import { estimateWaitMs, recentAhtMs } from './ewt.ts';
import { dayIn } from './time.ts';

/** The queue's part of an EWT: members logged in and not paused, those free now, the recent AHT. */
type EwtBasis = { staffed: number; available: number; ahtMs: number | null };

/** How long the queue's part of an EWT (staffed, available, AHT) is reused by the callers of one instance. */
const EWT_BASIS_MS = 2_000;

/** An assignment delivered to this instance: entry `entryId` is being offered to `agentIds` (several for ring-all). */
export interface Assignment {
  entryId: string;
  queueId: string;
  kind: EntryKind;
  agentIds: string[];
  /** Epoch ms when Redis decided it. */
  decidedAt: number;
}

/**
 * An assignment of a call-back entry, handed to the registered call-back
 * handler. The handler dials the agent first, then the customer, and reports
 * back through these methods (each one Lua script).
 */
export interface CallbackAssignment extends Assignment {
  kind: 'callback';
  /** The agent answered: agent on-call, other rung agents released, answer counted. Throws AcdError ENTRY_GONE when cancelled meanwhile. */
  connect(agentId: string): Promise<void>;
  /** The agent did not take it: 'missed' (no answer/busy: counts toward maxMissed) or 'cancelled'. The entry keeps its place. */
  release(agentId: string, reason: ReleaseReason): Promise<void>;
  /** The call with the agent is over: agent to wrap-up, entry removed. */
  complete(agentId: string): Promise<void>;
  /** Give up on the entry (e.g. customer unreachable for good): agents released, entry removed. */
  cancel(): Promise<void>;
}

export type CallbackAssignmentHandler = (assignment: CallbackAssignment) => Promise<void>;

export interface AgentStatus extends AgentStateRecord {
  name: string;
  queues: AgentConfig['queues'];
}

export interface QueueStatus {
  queueId: string;
  name: string;
  waiting: number;
  /** ms the head caller has waited (0 when nobody waits). */
  longestWaitMs: number;
  agents: Record<AgentState, number>;
  /** EWT for a caller arriving now, ms (null: nobody staffed). */
  ewtMs: number | null;
  today: PeriodStats;
  last15Minutes: PeriodStats;
  day: string;
}

export interface AgentStats {
  agentId: string;
  day: string;
  today: AgentPeriodStats;
  last15Minutes: AgentPeriodStats;
}

export interface EnqueueOptions {
  queueId: string;
  kind: EntryKind;
  priority: number;
  skills: Record<string, number>;
  data: Record<string, string>;
  /** Original arrival (virtual hold keeps the caller's place). Default: now. */
  arrivedAt?: number;
  /** Pre-allocated entry id (from `newEntryId`), so a waiter can be registered before the assignment can arrive. */
  entryId?: string;
}

export interface AcdServiceOptions {
  /** ioredis client: standalone, Sentinel (`sentinels` option) or Cluster. */
  redis: RedisClient;
  /** Dedicated connection for the blocking inbox read; default: redis.duplicate(). */
  blockingRedis?: RedisClient;
  config: AcdConfig;
  clock: Clock;
  log: Logger;
  random?: () => number;
  /**
   * Run the ACD's Lua operations as a Redis function library (FCALL, Redis ≥ 7)
   * instead of EVALSHA scripts: ≈ 20 µs less Redis time per operation (see
   * docs/performance-acd.md). Default true. Falls back to scripts on a Redis
   * without functions or whose ACL user may not load them.
   */
  redisFunctions?: boolean;
}

export class AcdService {
  readonly store: AcdStore;
  readonly instanceId: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly config: AcdConfig;
  private readonly waiters = new Map<string, (a: Assignment) => void>();
  private readonly wrapTimers = new Map<string, TimerHandle>();
  private readonly tierTimers = new Map<string, TimerHandle[]>();
  private callbackHandler: CallbackAssignmentHandler | undefined;
  private heartbeatTimer: TimerHandle | undefined;
  private reapTimer: TimerHandle | undefined;
  private blocking: RedisClient | undefined;
  private running = false;
  private inboxDone: Promise<void> = Promise.resolve();
  private readonly ownsBlocking: boolean;
  private readonly assignmentListeners = new Set<(a: Assignment) => void>();
  private readonly noAgentListeners = new Map<string, Set<() => void>>();
  private readonly ewtBasisCache = new Map<string, { until: number; basis: Promise<EwtBasis> }>();
  private queueIdCache = new Set<string>();
  private queueCache = new Map<string, QueueConfig>();

  constructor(private readonly options: AcdServiceOptions) {
    this.config = options.config;
    this.clock = options.clock;
    this.instanceId = options.config.instanceId;
    this.log = options.log.child({ component: 'acd', acdInstance: this.instanceId });
    this.store = new AcdStore(options.redis, {
      prefix: options.config.keyPrefix,
      timeZone: options.config.timeZone,
      clock: options.clock,
      ...(options.random ? { random: options.random } : {}),
      ...(options.redisFunctions !== undefined ? { redisFunctions: options.redisFunctions } : {}),
    });
    this.ownsBlocking = !options.blockingRedis;
    this.blocking = options.blockingRedis;
  }

  // ---------- lifecycle ----------

  /**
   * Reclaims what an earlier process with the same instance id left, takes
   * the lease, starts the heartbeat, the reaper and the inbox reader.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const left = await this.store.reap(this.instanceId, { restart: true });
    if (left.entriesReclaimed > 0) this.log.warn({ entries: left.entriesReclaimed }, 'reclaimed entries an earlier process with this instance id left');
    await this.store.heartbeat(this.instanceId, this.config.leaseMs);
    await this.refreshQueueIds();
    this.blocking ??= this.options.redis.duplicate();
    this.scheduleHeartbeat();
    this.scheduleReap();
    this.inboxDone = this.readInbox(this.blocking);
  }

  /**
   * Clean stop: timers and the inbox reader end; the lease is dropped so that
   * any live instance reclaims what this one still held at its next reaper run.
   */
  async stop(): Promise<void> {
    await this.halt();
    await this.store.dropLease(this.instanceId);
  }

  /** Stops without telling Redis anything, as if the process died (fail-over drills and tests). */
  async halt(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.heartbeatTimer?.cancel();
    this.reapTimer?.cancel();
    for (const t of this.wrapTimers.values()) t.cancel();
    this.wrapTimers.clear();
    if (this.blocking) {
      this.blocking.disconnect();
      await this.inboxDone;
      if (this.ownsBlocking) this.blocking = undefined;
    }
  }

  /** Fixed-rate timers: the next run is scheduled when one fires (a slow Redis never stretches the period); runs never overlap. */
  private scheduleHeartbeat(): void {
    let busy = false;
    const tick = (): void => {
      if (!this.running) return;
      this.heartbeatTimer = this.clock.setTimer(this.config.heartbeatMs, tick);
      if (busy) return;
      busy = true;
      this.store
        .heartbeat(this.instanceId, this.config.leaseMs)
        .catch((err: unknown) => this.log.error({ err }, 'ACD heartbeat failed'))
        .finally(() => (busy = false));
    };
    this.heartbeatTimer = this.clock.setTimer(this.config.heartbeatMs, tick);
  }

  private scheduleReap(): void {
    let busy = false;
    let again = false;
    const run = (): void => {
      busy = true;
      this.reapNow()
        .catch((err: unknown) => this.log.error({ err }, 'ACD reaper failed'))
        .finally(() => {
          busy = false;
          // A tick that came while a run was in flight is not lost: run once more with the time now.
          if (again && this.running) {
            again = false;
            run();
          }
        });
    };
    const tick = (): void => {
      if (!this.running) return;
      this.reapTimer = this.clock.setTimer(this.config.reapIntervalMs, tick);
      if (busy) again = true;
      else run();
    };
    this.reapTimer = this.clock.setTimer(this.config.reapIntervalMs, tick);
  }

  /** Runs the reaper once (also re-runs the assignment of every queue). */
  async reapNow(): Promise<{ deadInstances: number; entriesReclaimed: number; wrapupsEnded: number }> {
    const r = await this.store.reap(this.instanceId);
    await this.refreshQueueIds();
    if (r.entriesReclaimed > 0 || r.deadInstances > 0) this.log.warn(r, 'reclaimed entries of dead ACD instances');
    return r;
  }

  private async readInbox(conn: RedisClient): Promise<void> {
    while (this.running) {
      let raw: string[];
      try {
        raw = await this.store.popInbox(conn, this.instanceId, 0);
      } catch (err) {
        if (!this.running) return;
        this.log.error({ err }, 'ACD inbox read failed; retrying');
        await this.clock.sleep(100).catch(() => undefined);
        continue;
      }
      for (const m of raw) this.dispatch(m);
    }
  }

  private dispatch(raw: string): void {
    let a: Assignment;
    try {
      const m = JSON.parse(raw) as { t: string; entry: string; queue: string; kind: EntryKind; agents: string[]; at: number };
      if (m.t === 'no-agents') {
        for (const l of this.noAgentListeners.get(m.queue) ?? []) l();
        return;
      }
      a = { entryId: m.entry, queueId: m.queue, kind: m.kind, agentIds: Array.isArray(m.agents) ? m.agents : [], decidedAt: m.at };
    } catch (err) {
      this.log.error({ err }, 'bad ACD inbox message dropped');
      return;
    }
    for (const l of this.assignmentListeners) l(a);
    const waiter = this.waiters.get(a.entryId);
    if (waiter) {
      waiter(a);
      return;
    }
    if (a.kind === 'callback' && this.callbackHandler) {
      const handler = this.callbackHandler;
      handler(this.callbackAssignment(a)).catch((err: unknown) => {
        this.log.error({ err, entryId: a.entryId }, 'call-back assignment handler failed; releasing agents');
        void this.releaseAll(a);
      });
      return;
    }
    // Nobody here waits for it any more (the caller left meanwhile): give the agents back.
    void this.releaseAll(a);
  }

  private async releaseAll(a: Assignment): Promise<void> {
    for (const agentId of a.agentIds) {
      await this.store.release(a.entryId, agentId, 'cancelled').catch((err: unknown) => this.log.error({ err }, 'release failed'));
    }
  }

  /**
   * An offered agent did not take the entry: 'missed' (no answer, busy, rejected,
   * the dial failed), 'cancelled', or 'unreachable' (no device to ring: not
   * registered and no static URI; the agent is paused with that reason, not
   * counted as a miss). The entry keeps its place and is re-offered at once; a
   * missed agent rests `missedRetrySeconds`, after which this instance re-runs
   * the assignment. Returns the agent's state (undefined: it was not reserved
   * for this entry any more).
   */
  async releaseOffer(entryId: string, agentId: string, reason: ReleaseReason): Promise<AgentState | undefined> {
    const r = await this.store.release(entryId, agentId, reason);
    if (r) this.afterRest(r);
    return r?.state;
  }

  /**
   * The agent hung up during the whisper, before talking to the caller: the
   * answer is not counted, the caller waits again at the same place and the
   * agent is handled as a ring-no-answer. Returns the agent's state
   * (undefined: the entry was not connected to that agent).
   */
  async requeueAfterWhisper(entryId: string, agentId: string): Promise<AgentState | undefined> {
    const r = await this.store.requeue(entryId, agentId);
    if (r) this.afterRest(r);
    return r?.state;
  }

  /** A missed agent rests `retryMs`; then this instance re-runs the assignment. */
  private afterRest(r: { state: AgentState; retryMs: number }): void {
    if (r.retryMs > 0 && r.state === 'available' && this.running) {
      this.clock.setTimer(r.retryMs, () => {
        if (this.running) void this.reapNow().catch((err: unknown) => this.log.error({ err }, 'assignment after a rest failed'));
      });
    }
  }

  private callbackAssignment(a: Assignment): CallbackAssignment {
    return {
      ...a,
      kind: 'callback',
      connect: async (agentId) => {
        await this.store.connect(a.entryId, agentId);
      },
      release: async (agentId, reason) => {
        await this.releaseOffer(a.entryId, agentId, reason);
      },
      complete: async (agentId) => {
        await this.completeCall(a.entryId, agentId);
      },
      cancel: async () => {
        await this.store.leave(a.entryId, 'cancel', 0);
      },
    };
  }

  /** Test/metrics hook: called for every assignment this instance receives. Returns an unsubscribe function. */
  onAssignment(listener: (a: Assignment) => void): () => void {
    this.assignmentListeners.add(listener);
    return () => this.assignmentListeners.delete(listener);
  }

  // ---------- entries (queue node, call-backs) ----------

  newEntryId(): Promise<string> {
    return this.store.nextEntryId();
  }

  /** Receives the assignments of `entryId` (register before enqueueing). Returns the unregister function. */
  awaitAssignments(entryId: string, onAssignment: (a: Assignment) => void): () => void {
    this.waiters.set(entryId, onAssignment);
    return () => {
      this.waiters.delete(entryId);
      for (const t of this.tierTimers.get(entryId) ?? []) t.cancel();
      this.tierTimers.delete(entryId);
    };
  }

  /**
   * Calls `listener` when the last logged-in member of `queueId` logs out (or
   * is removed) while callers wait in it, on every instance. Returns the
   * unsubscribe function. The listener decides what to do: `leave(…,
   * 'no-agents')` refuses (returns undefined) when an agent is back by then.
   */
  onNoAgents(queueId: string, listener: () => void): () => void {
    let set = this.noAgentListeners.get(queueId);
    if (!set) {
      set = new Set();
      this.noAgentListeners.set(queueId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.noAgentListeners.get(queueId) === set) this.noAgentListeners.delete(queueId);
    };
  }

  /** Puts an entry in a queue owned by this instance; the assignment runs at once (one round trip). Throws AcdError NO_QUEUE. */
  async enqueue(options: EnqueueOptions): Promise<EnqueueResult & { entryId: string }> {
    const entryId = options.entryId ?? (await this.newEntryId());
    const arrivedAt = options.arrivedAt ?? this.clock.now();
    const { result, tierWaitSeconds } = await this.store.enqueue({
      queueId: options.queueId,
      entryId,
      instanceId: this.instanceId,
      kind: options.kind,
      priority: options.priority,
      arrivedAt,
      skills: options.skills,
      data: options.data,
    });
    if (result.kind === 'queued' && result.position > 0 && tierWaitSeconds > 0 && this.waiters.has(entryId)) {
      this.scheduleTierWakeups(entryId, arrivedAt, tierWaitSeconds * 1000);
    }
    return { ...result, entryId };
  }

  /** Re-runs the assignment when the entry's wait crosses each tier threshold (tiers 2..9); cancelled when the waiter goes. */
  private scheduleTierWakeups(entryId: string, arrivedAt: number, tierWaitMs: number): void {
    const timers: TimerHandle[] = [];
    for (let tier = 2; tier <= 9; tier++) {
      const at = arrivedAt + (tier - 1) * tierWaitMs;
      timers.push(
        this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
          if (this.waiters.has(entryId)) void this.reapNow().catch((err: unknown) => this.log.error({ err }, 'tier wake-up failed'));
        }),
      );
    }
    this.tierTimers.set(entryId, timers);
  }

  /**
   * A call-back waits in a queue as a virtual entry at the caller's original
   * arrival time and priority. Its assignment goes to the handler registered
   * with `onCallbackAssignment` on the instance owning it (this one; after a
   * crash, the reaping instance).
   */
  async enqueueCallback(options: Omit<EnqueueOptions, 'kind'>): Promise<{ entryId: string; position: number }> {
    const r = await this.enqueue({ ...options, kind: 'callback' });
    if (r.kind !== 'queued') throw new AcdError('BAD_REPLY', `call-back entry refused: ${r.kind}`);
    return { entryId: r.entryId, position: r.position };
  }

  /** Removes a call-back entry (cancelled by the customer or an operator). False when it was not waiting. */
  async cancelCallback(entryId: string): Promise<boolean> {
    return (await this.store.leave(entryId, 'cancel', 0)) !== undefined;
  }

  onCallbackAssignment(handler: CallbackAssignmentHandler): void {
    this.callbackHandler = handler;
  }

  /** The call of an entry ended: agent to wrap-up (timer on this instance; the reaper is the safety net). */
  async completeCall(entryId: string, agentId: string): Promise<{ state: AgentState; wrapUntil?: number }> {
    const r = await this.store.complete(entryId, agentId);
    if (r.wrapUntil !== undefined) this.scheduleWrapUpEnd(agentId, r.wrapUntil);
    return r;
  }

  private scheduleWrapUpEnd(agentId: string, at: number): void {
    this.wrapTimers.get(agentId)?.cancel();
    const t = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      this.wrapTimers.delete(agentId);
      this.store.agentOp(agentId, 'auto-end-wrapup').then(
        (r) => {
          if (!r.due && r.wrapUntil !== undefined && this.running) this.scheduleWrapUpEnd(agentId, r.wrapUntil);
        },
        (err: unknown) => {
          if (!(err instanceof AcdError && err.code === 'INVALID_TRANSITION')) this.log.error({ err, agentId }, 'wrap-up end failed');
        },
      );
    });
    this.wrapTimers.set(agentId, t);
  }

  // ---------- configuration ----------

  /** Queue ids as last seen (refreshed at start, on this instance's changes and at every reaper run). */
  knownQueueIds(): ReadonlySet<string> {
    return this.queueIdCache;
  }

  /** Queue configurations as last seen, by id (refreshed like knownQueueIds), e.g. for flow checks. */
  knownQueues(): ReadonlyMap<string, QueueConfig> {
    return this.queueCache;
  }

  /**
   * A queue's hours of operation (`hours` of its config) as last seen: read
   * with the queue ids (at start, on this instance's changes, at every reaper
   * run), so a change made on another instance is seen here within
   * `reapIntervalMs`. For call-backs, which need the answer synchronously.
   */
  queueHours(queueId: string): BusinessHours | undefined {
    return this.queueCache.get(queueId)?.hours;
  }

  private async refreshQueueIds(): Promise<void> {
    const ids = await this.store.queueIds();
    const queues = new Map<string, QueueConfig>();
    for (const q of await this.store.getQueues(ids)) queues.set(q.id, q);
    this.queueIdCache = new Set(ids);
    this.queueCache = queues;
  }

  async listQueues(): Promise<QueueConfig[]> {
    const ids = await this.store.queueIds();
    const out: QueueConfig[] = [];
    for (const id of ids) {
      const q = await this.store.getQueue(id);
      if (q) out.push(q);
    }
    return out;
  }

  getQueue(queueId: string): Promise<QueueConfig | undefined> {
    return this.store.getQueue(queueId);
  }

  private async requireQueue(queueId: string): Promise<QueueConfig> {
    const q = await this.store.getQueue(queueId);
    if (!q) throw new AcdError('NO_QUEUE', `unknown queue "${queueId}"`);
    return q;
  }

  /** Validates and stores a queue (create or replace), live. Throws AcdConfigError on bad input. */
  async putQueue(input: unknown): Promise<{ queue: QueueConfig; created: boolean }> {
    const queue = parseQueueConfig(input, `queue ${describeId(input)}`);
    const r = await this.store.setQueue(queue);
    this.queueIdCache.add(queue.id);
    this.queueCache.set(queue.id, queue);
    return { queue, created: r === 'created' };
  }

  /** Deletes a queue; refused (AcdError QUEUE_BUSY) while callers wait; memberships are removed. */
  async deleteQueue(queueId: string): Promise<void> {
    await this.store.deleteQueue(queueId);
    this.queueIdCache.delete(queueId);
    this.queueCache.delete(queueId);
  }

  async listAgents(): Promise<AgentConfig[]> {
    const ids = await this.store.agentIds();
    const out: AgentConfig[] = [];
    for (const id of ids) {
      const a = await this.store.getAgentConfig(id);
      if (a) out.push(a);
    }
    return out;
  }

  getAgent(agentId: string): Promise<AgentConfig | undefined> {
    return this.store.getAgentConfig(agentId);
  }

  /** Validates and stores an agent (create or replace), live: the agent's state is kept. Throws AcdError UNKNOWN_QUEUE. */
  async putAgent(input: unknown): Promise<{ agent: AgentConfig; created: boolean }> {
    const agent = parseAgentConfig(input, `agent ${describeId(input)}`);
    const r = await this.store.setAgent(agent);
    return { agent, created: r === 'created' };
  }

  /** Deletes an agent; refused (AcdError AGENT_BUSY) while it rings or talks. */
  async deleteAgent(agentId: string): Promise<void> {
    await this.store.deleteAgent(agentId);
  }

  /**
   * Applies whole queue and agent lists (the configuration files): creates and
   * replaces them live; with `prune`, deletes queues and agents not listed
   * (refusals of busy ones are reported, not thrown).
   */
  async applyConfig(queues: QueueConfig[], agents: AgentConfig[], options: { prune?: boolean } = {}): Promise<{ refused: string[] }> {
    for (const q of queues) await this.store.setQueue(q);
    for (const a of agents) await this.store.setAgent(a);
    const refused: string[] = [];
    if (options.prune) {
      const wantA = new Set(agents.map((a) => a.id));
      for (const id of await this.store.agentIds()) {
        if (!wantA.has(id)) await this.store.deleteAgent(id).catch((e: unknown) => refused.push(`agent ${id}: ${String(e)}`));
      }
      const wantQ = new Set(queues.map((q) => q.id));
      for (const id of await this.store.queueIds()) {
        if (!wantQ.has(id)) await this.store.deleteQueue(id).catch((e: unknown) => refused.push(`queue ${id}: ${String(e)}`));
      }
    }
    // Flow validation reads the known queue ids: they must include these at once.
    await this.refreshQueueIds();
    return { refused };
  }

  /** Reads ivr-flows/acd/queues.json and agents.json (paths from the config) and applies them. */
  async loadFiles(files: { queuesFile: string; agentsFile: string }, options: { prune?: boolean } = {}): Promise<{ queues: number; agents: number; refused: string[] }> {
    const queues = parseQueuesFile(JSON.parse(await readFile(files.queuesFile, 'utf8')) as unknown, files.queuesFile);
    const agents = parseAgentsFile(JSON.parse(await readFile(files.agentsFile, 'utf8')) as unknown, files.agentsFile);
    const { refused } = await this.applyConfig(queues, agents, options);
    return { queues: queues.length, agents: agents.length, refused };
  }

  // ---------- agent state ----------

  /** offline → available (or → paused with `pausedReason`). */
  async login(agentId: string, options: { pausedReason?: string } = {}): Promise<AgentState> {
    const problem = options.pausedReason === undefined ? undefined : pauseReasonProblem(options.pausedReason);
    if (problem !== undefined) throw new AcdError('BAD_OP', problem);
    return (await this.store.agentOp(agentId, 'login', options.pausedReason ?? '')).state;
  }

  /** available | paused | wrap-up → offline. Refused (INVALID_TRANSITION) while reserved or on a call. */
  async logout(agentId: string): Promise<AgentState> {
    this.wrapTimers.get(agentId)?.cancel();
    return (await this.store.agentOp(agentId, 'logout')).state;
  }

  /**
   * available | wrap-up | paused → paused(reason), e.g. "break", "training",
   * "back-office". The reasons the ACD sets itself (SYSTEM_PAUSE_REASONS) are
   * refused (BAD_OP).
   */
  async pause(agentId: string, reason: string): Promise<AgentState> {
    const problem = pauseReasonProblem(reason);
    if (problem !== undefined) throw new AcdError('BAD_OP', problem);
    return (await this.store.agentOp(agentId, 'pause', reason)).state;
  }

  /** paused | wrap-up → available (gets the head caller at once). */
  async ready(agentId: string): Promise<AgentState> {
    return (await this.store.agentOp(agentId, 'ready')).state;
  }

  /**
   * paused for `reason` → available, atomically; in any other state (or paused
   * for another reason, e.g. a break the agent chose) nothing changes. E.g. an
   * agent paused as 'unreachable' whose softphone registers again. `state` is
   * the agent's state after the call: `reserved` when it was given a waiting
   * caller at once.
   */
  async resumeIfPausedFor(agentId: string, reason: string): Promise<{ resumed: boolean; state: AgentState }> {
    const r = await this.store.agentOp(agentId, 'resume', reason);
    return { resumed: r.previous === 'paused' && r.state !== 'paused', state: r.state };
  }

  /** wrap-up → available now. */
  async endWrapUp(agentId: string): Promise<AgentState> {
    return (await this.store.agentOp(agentId, 'end-wrapup')).state;
  }

  /** Extends the current wrap-up by `seconds`; returns the new end (epoch ms). */
  async extendWrapUp(agentId: string, seconds: number): Promise<number> {
    if (!(seconds > 0 && seconds <= 3600)) throw new AcdError('BAD_OP', `wrap-up extension must be 1..3600 seconds, got ${seconds}`);
    const r = await this.store.agentOp(agentId, 'extend-wrapup', String(Math.round(seconds * 1000)));
    if (r.wrapUntil !== undefined) this.scheduleWrapUpEnd(agentId, r.wrapUntil);
    return r.wrapUntil ?? this.clock.now();
  }

  async agentStatus(agentId: string): Promise<AgentStatus | undefined> {
    const [cfg, st] = await Promise.all([this.store.getAgentConfig(agentId), this.store.agentState(agentId)]);
    if (!cfg || !st) return undefined;
    return { ...st, name: cfg.name, queues: cfg.queues };
  }

  async agentStatuses(): Promise<AgentStatus[]> {
    const out: AgentStatus[] = [];
    for (const id of await this.store.agentIds()) {
      const s = await this.agentStatus(id);
      if (s) out.push(s);
    }
    return out;
  }

  // ---------- statistics ----------

  /** Agents of a queue per state and its figures for today and the last 15 minutes (members, their hashes, the counters). */
  private async queueFigures(queueId: string, cfg: QueueConfig | undefined, now: number) {
    const day = this.store.queueDay(cfg, now);
    const [members, counters] = await Promise.all([this.store.members(queueId), this.store.counters('queue', queueId, day, now)]);
    const states = await this.store.agentStates(Object.keys(members));
    const agents = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentState, number>;
    for (const s of states) agents[s.state]++;
    const periods = { today: queuePeriodStats(counters.today), last15Minutes: queuePeriodStats(counters.last15) };
    // What EWT needs: members logged in and not paused, those free now, the recent AHT.
    const basis = { staffed: states.length - agents.offline - agents.paused, available: agents.available, ahtMs: recentAhtMs(periods) };
    return { day, agents, periods, basis };
  }

  async queueStatus(queueId: string): Promise<QueueStatus> {
    const cfg = await this.requireQueue(queueId);
    const now = this.clock.now();
    const [waiting, { day, agents, periods, basis }] = await Promise.all([this.store.waiting(queueId), this.queueFigures(queueId, cfg, now)]);
    return {
      queueId,
      name: cfg.name,
      waiting: waiting.length,
      longestWaitMs: waiting.length > 0 ? Math.max(0, now - Math.min(...waiting.map((w) => w.arrivedAt))) : 0,
      agents,
      ewtMs: estimateWaitMs({ position: waiting.length + 1, ...basis, defaultHandleMs: this.config.defaultHandleSeconds * 1000 }),
      ...periods,
      day,
    };
  }

  /**
   * EWT for the caller at `position` (default: a caller arriving now), ms; null
   * when nobody is staffed. Every waiting caller asks at each announcement, so
   * the queue's part (agents staffed and free, recent AHT: ≈ 20 + members
   * commands) is shared for EWT_BASIS_MS between the callers of this instance.
   */
  async estimateWait(queueId: string, position?: number): Promise<number | null> {
    const [basis, waiting] = await Promise.all([
      this.ewtBasis(queueId),
      position === undefined ? this.store.waitingCount(queueId) : Promise.resolve(0),
    ]);
    return estimateWaitMs({ position: position ?? waiting + 1, ...basis, defaultHandleMs: this.config.defaultHandleSeconds * 1000 });
  }

  private ewtBasis(queueId: string): Promise<EwtBasis> {
    const now = this.clock.now();
    const hit = this.ewtBasisCache.get(queueId);
    if (hit && hit.until > now) return hit.basis;
    const basis = this.store.getQueue(queueId).then(async (cfg) => (await this.queueFigures(queueId, cfg, now)).basis);
    this.ewtBasisCache.set(queueId, { until: now + EWT_BASIS_MS, basis });
    basis.catch(() => {
      if (this.ewtBasisCache.get(queueId)?.basis === basis) this.ewtBasisCache.delete(queueId);
    });
    return basis;
  }

  async agentStats(agentId: string): Promise<AgentStats> {
    const now = this.clock.now();
    const day = dayIn(this.config.timeZone, now);
    const c = await this.store.counters('agent', agentId, day, now);
    return { agentId, day, today: agentPeriodStats(c.today), last15Minutes: agentPeriodStats(c.last15) };
  }

  /**
   * Ends an entry that leaves without an agent (hang-up, timeout, key,
   * call-back, no agents). Undefined when it is gone already or, for
   * 'no-agents', when a member of the queue is logged in again.
   */
  leave(entryId: string, reason: LeaveReason, shortAbandonMs: number): ReturnType<AcdStore['leave']> {
    return this.store.leave(entryId, reason, shortAbandonMs);
  }
}

function describeId(input: unknown): string {
  if (typeof input === 'object' && input !== null && 'id' in input && typeof input.id === 'string') return `"${input.id}"`;
  return '(no id)';
}
