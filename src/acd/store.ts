/**
 * Typed access to the ACD's Redis state: every change is one Lua script call
 * (scripts.ts); reads are plain commands or pipelines. No Node-side
 * read-modify-write. This module knows keys and replies, not calls or timers.
 */
import type { Clock } from '../util/clock.ts';
import { acdKeys, type KeyBuilders } from './keys.ts';
import { decodeCounters } from './counters.ts';
import { scriptRunner, type RedisClient, type ScriptName, type ScriptReply, type ScriptRunner } from './scripts.ts';
import { AcdError, isAcdErrorCode } from './errors.ts';
import { dayIn } from './time.ts';
import { parseQueueConfig, type AgentConfig, type AgentState, type QueueConfig, type ReleaseReason, AGENT_STATES } from './model.ts';

export type EntryKind = 'call' | 'callback';
export type AgentOp = 'login' | 'logout' | 'pause' | 'ready' | 'resume' | 'end-wrapup' | 'auto-end-wrapup' | 'extend-wrapup';
export type LeaveReason = 'abandon' | 'timeout' | 'key' | 'callback' | 'cancel' | 'no-agents';

export interface EnqueueInput {
  queueId: string;
  entryId: string;
  instanceId: string;
  kind: EntryKind;
  priority: number;
  arrivedAt: number;
  skills: Record<string, number>;
  data: Record<string, string>;
}

export type EnqueueResult = { kind: 'queued'; position: number } | { kind: 'full' } | { kind: 'no-agents' };

export interface AgentStateRecord {
  id: string;
  state: AgentState;
  /** Pause reason (paused only), e.g. "break", "missed". */
  reason?: string;
  /** Epoch ms of the last state change. */
  since: number;
  /** Entry the agent is reserved for / on a call with. */
  entryId?: string;
  /** Wrap-up end (wrap-up only). */
  wrapUntil?: number;
  /** Ring-no-answers in a row. */
  missed: number;
}

export interface StoreOptions {
  prefix: string;
  /** ACD time zone (agent counters, default for queues). */
  timeZone: string;
  clock: Clock;
  /** Random source for the `random` strategy (tests pass a fixed one). */
  random?: () => number;
  /** Run the Lua operations as a Redis function library (FCALL, Redis ≥ 7; the default) or, false, as EVALSHA scripts (scripts.ts). */
  redisFunctions?: boolean;
}

/** A waiting entry's score is (100 − priority) × this + arrival ms (enqueue.lua). */
const SCORE_PRIORITY_STEP = 10_000_000_000_000;

/** Entry ids taken from Redis at a time (see nextEntryId). */
const ENTRY_ID_BLOCK = 64;

function str(v: string | number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

export class AcdStore {
  readonly keys: KeyBuilders & { prefix: string };
  private readonly run: ScriptRunner;
  private readonly random: () => number;
  /** Entry ids reserved from `seq` and not used yet: next..end-1. */
  private ids = { next: 0, end: 0 };
  private idsLoading: Promise<void> | undefined;
  /** Time zone last seen per queue ('' = the ACD's), for the day label of enqueue. */
  private readonly zones = new Map<string, string>();

  constructor(
    readonly redis: RedisClient,
    private readonly options: StoreOptions,
  ) {
    this.keys = acdKeys(options.prefix);
    this.run = scriptRunner(redis, { functions: options.redisFunctions ?? true });
    this.random = options.random ?? Math.random;
  }

  get timeZone(): string {
    return this.options.timeZone;
  }

  /** Day label of `now` for a queue (its time zone or the ACD's). */
  queueDay(cfg: Pick<QueueConfig, 'timeZone'> | undefined, now = this.options.clock.now()): string {
    return dayIn(cfg?.timeZone ?? this.options.timeZone, now);
  }

  private async call(name: ScriptName, args: Array<string | number>, now = this.options.clock.now()): Promise<ScriptReply> {
    const argv = [
      this.keys.prefix,
      now,
      dayIn(this.options.timeZone, now),
      Math.floor(this.random() * 1_000_000),
      ...args,
    ];
    return this.options.clock.external(this.run(name, this.keys.anchor(), argv));
  }

  private static fail(name: string, reply: ScriptReply, context: string): never {
    const code = str(reply[0]);
    if (isAcdErrorCode(code)) throw new AcdError(code, `${name}: ${code} (${context})`, str(reply[1]) || undefined);
    throw new AcdError('BAD_REPLY', `${name}: unexpected reply ${JSON.stringify(reply)} (${context})`);
  }

  /**
   * A new entry id, `e` + a zero-padded counter. Ids are taken from Redis
   * (`seq`) in blocks of ENTRY_ID_BLOCK, so most entries cost no round trip;
   * ids are unique across instances and increase within one instance (they
   * only break ties between entries of the same priority arriving in the same
   * millisecond).
   */
  async nextEntryId(): Promise<string> {
    while (this.ids.next >= this.ids.end) {
      this.idsLoading ??= this.options.clock
        .external(this.redis.incrby(this.keys.seq(), ENTRY_ID_BLOCK))
        .then((last) => {
          this.ids = { next: last - ENTRY_ID_BLOCK + 1, end: last + 1 };
        })
        .finally(() => {
          this.idsLoading = undefined;
        });
      await this.idsLoading;
    }
    const n = this.ids.next++;
    return `e${String(n).padStart(12, '0')}`;
  }

  /**
   * Puts an entry in a queue (one round trip). The queue's day label needs its
   * time zone: the zone last seen for the queue is sent with the call and the
   * script refuses a wrong one (ZONE, with the right one), so a queue whose
   * zone changed costs one more round trip, once. `queue` (when the caller has
   * the configuration) skips the guess.
   */
  async enqueue(input: EnqueueInput, queue?: Pick<QueueConfig, 'timeZone'>): Promise<{ result: EnqueueResult; tierWaitSeconds: number }> {
    let zone = queue ? (queue.timeZone ?? '') : (this.zones.get(input.queueId) ?? '');
    for (let attempt = 0; ; attempt++) {
      const now = this.options.clock.now();
      const reply = await this.call(
        'enqueue',
        [
          input.queueId,
          input.entryId,
          input.instanceId,
          input.kind,
          Math.max(0, Math.min(100, Math.round(input.priority))),
          input.arrivedAt,
          JSON.stringify(input.skills),
          JSON.stringify(input.data),
          dayIn(zone || this.options.timeZone, now),
          skillProfile(input.skills),
          zone,
        ],
        now,
      );
      switch (reply[0]) {
        case 'OK':
          this.zones.set(input.queueId, zone);
          return { result: { kind: 'queued', position: Number(reply[1]) }, tierWaitSeconds: Number(reply[2] ?? 0) };
        case 'FULL':
          return { result: { kind: 'full' }, tierWaitSeconds: 0 };
        case 'NO_AGENTS':
          return { result: { kind: 'no-agents' }, tierWaitSeconds: 0 };
        case 'NO_QUEUE':
          throw new AcdError('NO_QUEUE', `unknown queue "${input.queueId}"`);
        case 'ZONE':
          if (attempt === 0) {
            zone = str(reply[1]);
            this.zones.set(input.queueId, zone);
            continue;
          }
          return AcdStore.fail('enqueue', reply, `queue ${input.queueId}: time zone changed twice`);
        default:
          return AcdStore.fail('enqueue', reply, `queue ${input.queueId}`);
      }
    }
  }

  /** A validated agent transition. Returns the new state (and wrap-up end when relevant). */
  async agentOp(agentId: string, op: AgentOp, arg = ''): Promise<{ state: AgentState; previous: AgentState; wrapUntil?: number; due: boolean }> {
    const reply = await this.call('agent-state', [agentId, op, arg]);
    if (reply[0] === 'OK' || reply[0] === 'NOT_DUE') {
      const wrap = Number(reply[3]);
      return {
        state: str(reply[1]) as AgentState,
        previous: str(reply[2]) as AgentState,
        ...(wrap > 0 ? { wrapUntil: wrap } : {}),
        due: reply[0] === 'OK',
      };
    }
    return AcdStore.fail('agent-state', reply, `agent ${agentId}, ${op}`);
  }

  async connect(entryId: string, agentId: string): Promise<{ waitedMs: number }> {
    const reply = await this.call('connect', [entryId, agentId]);
    if (reply[0] === 'OK') return { waitedMs: Number(reply[1]) };
    return AcdStore.fail('connect', reply, `entry ${entryId}, agent ${agentId}`);
  }

  /** The agent's new state and, after a miss, how long it rests (ms); undefined when it was not reserved for the entry. */
  async release(entryId: string, agentId: string, reason: ReleaseReason): Promise<{ state: AgentState; retryMs: number } | undefined> {
    const reply = await this.call('release', [entryId, agentId, reason]);
    if (reply[0] === 'OK') return { state: str(reply[1]) as AgentState, retryMs: Number(reply[2] ?? 0) };
    if (reply[0] === 'NOT_RESERVED') return undefined;
    return AcdStore.fail('release', reply, `entry ${entryId}, agent ${agentId}`);
  }

  async complete(entryId: string, agentId: string): Promise<{ state: AgentState; wrapUntil?: number }> {
    const reply = await this.call('complete', [entryId, agentId]);
    if (reply[0] === 'OK') {
      const wrap = Number(reply[2]);
      return { state: str(reply[1]) as AgentState, ...(wrap > 0 ? { wrapUntil: wrap } : {}) };
    }
    return AcdStore.fail('complete', reply, `entry ${entryId}, agent ${agentId}`);
  }

  /**
   * The agent hung up during the whisper: the answer is taken back, the entry
   * waits again at its place, the agent is handled as a ring-no-answer
   * (requeue.lua). Undefined when the entry is not connected to that agent.
   */
  async requeue(entryId: string, agentId: string): Promise<{ state: AgentState; retryMs: number } | undefined> {
    const reply = await this.call('requeue', [entryId, agentId]);
    if (reply[0] === 'OK') return { state: str(reply[1]) as AgentState, retryMs: Number(reply[2]) };
    if (reply[0] === 'ENTRY_GONE' || reply[0] === 'NOT_ON_CALL') return undefined;
    return AcdStore.fail('requeue', reply, `entry ${entryId}, agent ${agentId}`);
  }

  async leave(
    entryId: string,
    reason: LeaveReason,
    shortAbandonMs: number,
  ): Promise<{ previous: string; arrivedAt: number; priority: number; queueId: string } | undefined> {
    const reply = await this.call('leave', [entryId, reason, Math.round(shortAbandonMs)]);
    if (reply[0] === 'OK') {
      return { previous: str(reply[1]), arrivedAt: Number(reply[2]), priority: Number(reply[3]), queueId: str(reply[4]) };
    }
    if (reply[0] === 'ENTRY_GONE' || reply[0] === 'AGENTS_BACK') return undefined;
    return AcdStore.fail('leave', reply, `entry ${entryId}`);
  }

  async setQueue(cfg: QueueConfig): Promise<'created' | 'updated'> {
    const reply = await this.call('config-queue', ['set', cfg.id, JSON.stringify(cfg)]);
    if (reply[0] === 'OK') return reply[1] === 'created' ? 'created' : 'updated';
    return AcdStore.fail('config-queue', reply, `queue ${cfg.id}`);
  }

  async deleteQueue(queueId: string): Promise<void> {
    const reply = await this.call('config-queue', ['delete', queueId, '']);
    if (reply[0] !== 'OK') AcdStore.fail('config-queue', reply, `queue ${queueId}`);
  }

  async setAgent(cfg: AgentConfig): Promise<'created' | 'updated'> {
    const { queues, skills, ...rest } = cfg;
    const reply = await this.call('config-agent', [
      'set',
      cfg.id,
      JSON.stringify(rest),
      JSON.stringify(skills),
      JSON.stringify(queues.map((m) => [m.queue, m.tier, m.position])),
    ]);
    if (reply[0] === 'OK') return reply[1] === 'created' ? 'created' : 'updated';
    return AcdStore.fail('config-agent', reply, `agent ${cfg.id}`);
  }

  async deleteAgent(agentId: string): Promise<void> {
    const reply = await this.call('config-agent', ['delete', agentId, '', '', '']);
    if (reply[0] !== 'OK') AcdStore.fail('config-agent', reply, `agent ${agentId}`);
  }

  /** Reclaims what dead instances held; `restart`: also what an earlier process with this id left (see reap.lua). */
  async reap(selfId: string, options: { restart?: boolean } = {}): Promise<{ deadInstances: number; entriesReclaimed: number; wrapupsEnded: number }> {
    const reply = await this.call('reap', [selfId, options.restart ? '1' : '0']);
    if (reply[0] !== 'OK') return AcdStore.fail('reap', reply, `instance ${selfId}`);
    return { deadInstances: Number(reply[1]), entriesReclaimed: Number(reply[2]), wrapupsEnded: Number(reply[3]) };
  }

  async heartbeat(instanceId: string, leaseMs: number): Promise<void> {
    await this.options.clock.external(this.redis.zadd(this.keys.instances(), this.options.clock.now() + leaseMs, instanceId));
  }

  /** Removes the instance's lease (clean shutdown: what it still owns is reclaimed by the next reaper run). */
  async dropLease(instanceId: string): Promise<void> {
    await this.options.clock.external(this.redis.zadd(this.keys.instances(), 0, instanceId));
  }

  // ---- reads ----

  async getQueue(queueId: string): Promise<QueueConfig | undefined> {
    const s = await this.options.clock.external(this.redis.get(this.keys.queue(queueId)));
    return s === null ? undefined : parseQueueConfig(JSON.parse(s), `redis queue ${queueId}`);
  }

  /** The configs of `queueIds` (one MGET: the keys share the prefix's slot); ids without a config are left out. */
  async getQueues(queueIds: readonly string[]): Promise<QueueConfig[]> {
    if (queueIds.length === 0) return [];
    const raw = await this.options.clock.external(this.redis.mget(queueIds.map((id) => this.keys.queue(id))));
    return raw.flatMap((s, i) => (s === null ? [] : [parseQueueConfig(JSON.parse(s), `redis queue ${queueIds[i]!}`)]));
  }

  async queueIds(): Promise<string[]> {
    return (await this.options.clock.external(this.redis.smembers(this.keys.queues()))).sort();
  }

  async agentIds(): Promise<string[]> {
    return (await this.options.clock.external(this.redis.smembers(this.keys.agents()))).sort();
  }

  async getAgentConfig(agentId: string): Promise<AgentConfig | undefined> {
    const [cfg, skills, queues] = await this.options.clock.external(
      Promise.all([
        this.redis.hget(this.keys.agent(agentId), 'cfg'),
        this.redis.hget(this.keys.agent(agentId), 'skills'),
        this.redis.smembers(this.keys.agentQueues(agentId)),
      ]),
    );
    if (cfg === null) return undefined;
    const rest = JSON.parse(cfg) as Omit<AgentConfig, 'skills' | 'queues'>;
    const memberships = await Promise.all(
      queues.sort().map(async (q) => {
        const v = (await this.redis.hget(this.keys.members(q), agentId)) ?? '1,0';
        const [tier, position] = v.split(',').map(Number);
        return { queue: q, tier: tier ?? 1, position: position ?? 0 };
      }),
    );
    return { ...rest, skills: JSON.parse(skills ?? '{}') as Record<string, number>, queues: memberships };
  }

  async agentState(agentId: string): Promise<AgentStateRecord | undefined> {
    const h = await this.options.clock.external(this.redis.hgetall(this.keys.agent(agentId)));
    if (!h.state) return undefined;
    return toStateRecord(agentId, h);
  }

  async agentStates(ids: string[]): Promise<AgentStateRecord[]> {
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.keys.agent(id));
    const res = (await this.options.clock.external(pipe.exec())) ?? [];
    const out: AgentStateRecord[] = [];
    res.forEach(([err, h], i) => {
      if (err) throw err;
      const rec = h as Record<string, string>;
      if (rec.state) out.push(toStateRecord(ids[i]!, rec));
    });
    return out;
  }

  async members(queueId: string): Promise<Record<string, { tier: number; position: number }>> {
    const h = await this.options.clock.external(this.redis.hgetall(this.keys.members(queueId)));
    const out: Record<string, { tier: number; position: number }> = {};
    for (const [id, v] of Object.entries(h)) {
      const [tier, position] = v.split(',').map(Number);
      out[id] = { tier: tier ?? 1, position: position ?? 0 };
    }
    return out;
  }

  /**
   * Waiting entries, head first: ids with arrival time, in one command (the
   * score is (100 − priority)·1e13 + arrival ms, see enqueue.lua; exact in a double).
   */
  async waiting(queueId: string): Promise<Array<{ entryId: string; arrivedAt: number }>> {
    const flat = await this.options.clock.external(this.redis.zrange(this.keys.waiting(queueId), 0, -1, 'WITHSCORES'));
    const out: Array<{ entryId: string; arrivedAt: number }> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ entryId: flat[i]!, arrivedAt: Number(flat[i + 1]) % SCORE_PRIORITY_STEP });
    return out;
  }

  /** How many entries wait in a queue (offered ones not counted). */
  async waitingCount(queueId: string): Promise<number> {
    return this.options.clock.external(this.redis.zcard(this.keys.waiting(queueId)));
  }

  /** 1-based position of a waiting entry; undefined when it is not waiting (offered or gone). */
  async position(queueId: string, entryId: string): Promise<number | undefined> {
    const r = await this.options.clock.external(this.redis.zrank(this.keys.waiting(queueId), entryId));
    return r === null ? undefined : r + 1;
  }

  /** Raw counters: the day key and the sum of the last 15 one-minute keys (current minute included); see counters.ts. */
  async counters(kind: 'queue' | 'agent', id: string, day: string, now = this.options.clock.now()): Promise<{ today: Record<string, number>; last15: Record<string, number> }> {
    const minute = Math.floor(now / 60_000);
    const pipe = this.redis.pipeline();
    pipe.getBuffer(kind === 'queue' ? this.keys.queueDay(id, day) : this.keys.agentDay(id, day));
    for (let m = minute - 14; m <= minute; m++) {
      pipe.getBuffer(kind === 'queue' ? this.keys.queueMinute(id, String(m)) : this.keys.agentMinute(id, String(m)));
    }
    const res = (await this.options.clock.external(pipe.exec())) ?? [];
    const read = (r: [Error | null, unknown] | undefined): Record<string, number> => {
      if (r?.[0]) throw r[0];
      return decodeCounters(Buffer.isBuffer(r?.[1]) ? r[1] : null);
    };
    const today = read(res[0]);
    const last15: Record<string, number> = {};
    for (const r of res.slice(1)) {
      for (const [k, v] of Object.entries(read(r))) last15[k] = (last15[k] ?? 0) + v;
    }
    return { today, last15 };
  }

  /**
   * Pops the next assignments for an instance: blocks up to `timeoutSeconds`
   * (0 = forever) on the given dedicated connection for the first one, then
   * drains up to `batch` more without blocking (LPOP count, Redis ≥ 6.2), so a
   * backlog costs one round trip per batch, not per message.
   */
  async popInbox(blocking: RedisClient, instanceId: string, timeoutSeconds: number, batch = 256): Promise<string[]> {
    const key = this.keys.inbox(instanceId);
    const first = await blocking.blpop(key, timeoutSeconds);
    if (!first) return [];
    const more = await blocking.lpop(key, batch);
    return [first[1], ...(more ?? [])];
  }
}

/** Canonical skill profile of an entry: "name=level" sorted by name, "-" for none. */
export function skillProfile(skills: Record<string, number>): string {
  const parts = Object.entries(skills)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${Math.max(0, Math.round(v))}`);
  return parts.length > 0 ? parts.join(',') : '-';
}

function toStateRecord(id: string, h: Record<string, string>): AgentStateRecord {
  const state = (AGENT_STATES as readonly string[]).includes(h.state ?? '') ? (h.state as AgentState) : 'offline';
  const wrap = Number(h.wrapUntil ?? 0);
  return {
    id,
    state,
    ...(state === 'paused' && h.reason ? { reason: h.reason } : {}),
    since: Number(h.since ?? 0),
    ...(h.entry ? { entryId: h.entry } : {}),
    ...(state === 'wrap-up' && wrap > 0 ? { wrapUntil: wrap } : {}),
    missed: Number(h.missed ?? 0),
  };
}
