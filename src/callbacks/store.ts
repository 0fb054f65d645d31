/**
 * Call-backs in Redis: one Lua script per atomic change (scripts/*.lua, loaded
 * once with defineCommand and called by name), plus plain reads for listing.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisClient } from '../util/redis-client.ts';
import { callbackKeys, luaKeyFunctions, type CallbackKeys } from './keys.ts';
import { dayIn } from '../acd/time.ts';
import { CallbackError, type CallbackEvent, type CallbackRecord, type CallbackStats, type CallbackStatus } from './model.ts';

const SCRIPTS = ['create', 'claim', 'bind', 'start', 'answered', 'finish', 'renew', 'reclaim', 'restart', 'cancel', 'reschedule'] as const;
type ScriptName = (typeof SCRIPTS)[number];

const here = dirname(fileURLToPath(import.meta.url));
let sources: Map<ScriptName, string> | undefined;

function scriptSources(): Map<ScriptName, string> {
  if (!sources) {
    const prelude = `local P = ARGV[1]\n${luaKeyFunctions()}\n${readFileSync(join(here, 'scripts', 'lib.lua'), 'utf8')}\n`;
    sources = new Map(SCRIPTS.map((n) => [n, prelude + readFileSync(join(here, 'scripts', `${n}.lua`), 'utf8')]));
  }
  return sources;
}

type Reply = Array<string | number | null>;
type ScriptCaller = (key: string, ...args: Array<string | number>) => Promise<Reply>;

export interface NewCallback {
  queueId: string;
  number: string;
  language: string;
  priority: number;
  arrivedAt: number;
  scheduledAt?: number;
  dueAt: number;
  maxAttempts: number;
  data: Record<string, string>;
}

export type CreateResult = { id: string; merged: boolean; status: CallbackStatus; dueAt: number };
export type Claim = { id: string; token: string };
/** After `start`: the lease is this instance's, fenced by the new token. */
export type StartResult = { ok: true; claim: Claim; attempt: number } | { ok: false };
export type FinishWhat = 'completed' | 'retry' | 'release';
export type FinishResult = { status: 'completed' | 'failed' | 'pending' | 'lease-lost' | 'not-found'; dueAt?: number };
export type ChangeResult = { previous: CallbackStatus; entryId?: string };

export interface ListFilter {
  queueId?: string;
  status?: CallbackStatus | CallbackStatus[];
  /** Only numbers containing these digits. */
  number?: string;
  /** Requested at or after / before (ms). */
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

function str(v: string | number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

export function parseRecord(h: Record<string, string>): CallbackRecord | undefined {
  if (!h.id) return undefined;
  let data: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(h.data ?? '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, string>;
  } catch {
    data = {};
  }
  const num = (k: string): number => Number(h[k] ?? 0);
  const opt = (k: string): number | undefined => (h[k] ? Number(h[k]) : undefined);
  return {
    id: h.id,
    queueId: h.queueId ?? '',
    number: h.number ?? '',
    language: h.language ?? '',
    priority: num('priority'),
    arrivedAt: num('arrivedAt'),
    requestedAt: num('requestedAt'),
    scheduledAt: opt('scheduledAt'),
    dueAt: num('dueAt'),
    status: (h.status ?? 'pending') as CallbackStatus,
    attempts: num('attempts'),
    maxAttempts: num('maxAttempts'),
    lastOutcome: h.lastOutcome || undefined,
    agentId: h.agentId || undefined,
    entryId: h.entry || undefined,
    owner: h.owner || undefined,
    merged: num('merged'),
    data,
    updatedAt: num('updatedAt'),
    finishedAt: opt('finishedAt'),
  };
}

export class CallbackStore {
  readonly keys: CallbackKeys;
  private readonly scripts: Record<ScriptName, ScriptCaller>;

  constructor(
    readonly redis: RedisClient,
    prefix: string,
    private readonly retentionMs: number,
    /** Time zone of the daily figures ("today"): CALLBACK_TIME_ZONE. */
    private readonly timeZone = 'Europe/Warsaw',
  ) {
    this.keys = callbackKeys(prefix);
    const src = scriptSources();
    const bag: Partial<Record<ScriptName, ScriptCaller>> = {};
    for (const name of SCRIPTS) {
      const cmd = `cb_${name}`;
      if (!(cmd in redis)) redis.defineCommand(cmd, { numberOfKeys: 1, lua: src.get(name)! });
      bag[name] = async (key, ...args) => {
        const fn: unknown = Reflect.get(redis, cmd);
        if (typeof fn !== 'function') throw new CallbackError('CALLBACK_STORE_FAILED', `call-back script ${name} is not defined on this Redis client`);
        const reply: unknown = await fn.call(redis, key, ...args);
        if (!Array.isArray(reply)) throw new CallbackError('CALLBACK_STORE_FAILED', `call-back script ${name} returned ${typeof reply}, expected an array`);
        return reply as Reply;
      };
    }
    this.scripts = bag as Record<ScriptName, ScriptCaller>;
  }

  private run(name: ScriptName, now: number, ...args: Array<string | number>): Promise<Reply> {
    return this.scripts[name](this.keys.due(), this.keys.prefix, now, this.retentionMs, ...args, dayIn(this.timeZone, now));
  }

  async create(now: number, cb: NewCallback): Promise<CreateResult> {
    const r = await this.run(
      'create',
      now,
      cb.queueId,
      cb.number,
      cb.language,
      cb.priority,
      cb.arrivedAt,
      cb.scheduledAt ?? '',
      cb.dueAt,
      cb.maxAttempts,
      JSON.stringify(cb.data),
    );
    return { id: str(r[1]), merged: r[0] === 'MERGED', status: str(r[2]) as CallbackStatus, dueAt: Number(r[3]) };
  }

  async claim(now: number, instance: string, leaseUntil: number, limit: number): Promise<Claim[]> {
    const r = await this.run('claim', now, instance, leaseUntil, limit);
    const out: Claim[] = [];
    for (let i = 0; i + 1 < r.length; i += 2) out.push({ id: str(r[i]), token: str(r[i + 1]) });
    return out;
  }

  /**
   * Records the ACD entry standing for a claim: `entryId`, or the entry the
   * call-back had when it was reclaimed from a dead instance while waiting
   * (`adopted`: the ACD may still hold it at its place). `previous`: the entry
   * it replaces (to withdraw), '' if none. Undefined: lease lost.
   */
  async bind(now: number, claim: Claim, instance: string, entryId: string): Promise<{ previous: string; entryId: string; adopted: boolean } | undefined> {
    const r = await this.run('bind', now, claim.id, instance, claim.token, entryId);
    if (r[0] !== 'OK') return undefined;
    const bound = str(r[2]) || entryId;
    return { previous: str(r[1]), entryId: bound, adopted: bound !== entryId };
  }

  /** The agent answered entry `entryId`: counts the attempt and takes the lease over; { ok: false }: stale entry, do not dial. */
  async start(now: number, entryId: string, instance: string, agentId: string, leaseUntil: number): Promise<StartResult> {
    const r = await this.run('start', now, entryId, instance, agentId, leaseUntil);
    if (r[0] !== 'OK') return { ok: false };
    return { ok: true, claim: { id: str(r[1]), token: str(r[3]) }, attempt: Number(r[2]) };
  }

  /** The call-back an ACD entry stands for (undefined: stale or unknown entry). */
  async byEntry(entryId: string): Promise<CallbackRecord | undefined> {
    const id = await this.redis.hget(this.keys.entries(), entryId);
    return id ? this.get(id) : undefined;
  }

  /**
   * The customer answered (before the bridge): should this instance die during the conversation,
   * reclaim completes the call-back instead of dialing the customer again. False when the claim
   * is no longer this instance's (the caller goes on; finish will say so too).
   */
  async customerAnswered(now: number, claim: Claim, instance: string): Promise<boolean> {
    return (await this.run('answered', now, claim.id, instance, claim.token))[0] === 'OK';
  }

  async finish(now: number, claim: Claim, instance: string, what: FinishWhat, note: string, nextDueAt: number): Promise<FinishResult> {
    const r = await this.run('finish', now, claim.id, instance, claim.token, what, note, nextDueAt);
    switch (r[0]) {
      case 'COMPLETED':
        return { status: 'completed' };
      case 'FAILED':
        return { status: 'failed' };
      case 'PENDING':
        return { status: 'pending', dueAt: Number(r[1]) };
      case 'NOT_FOUND':
        return { status: 'not-found' };
      default:
        return { status: 'lease-lost' };
    }
  }

  async renew(now: number, instance: string, leaseUntil: number): Promise<string[]> {
    return (await this.run('renew', now, instance, leaseUntil)).map(str);
  }

  /** Ends at once the leases an earlier process with this instance id held (see restart.lua); the next reclaim takes them. */
  async endLeasesOf(now: number, instance: string): Promise<number> {
    return Number((await this.run('restart', now, instance))[0]);
  }

  async reclaim(now: number, limit = 100): Promise<string[]> {
    return (await this.run('reclaim', now, limit)).map(str);
  }

  private change(r: Reply, id: string): ChangeResult {
    switch (r[0]) {
      case 'OK':
        return { previous: str(r[1]) as CallbackStatus, ...(str(r[2]) ? { entryId: str(r[2]) } : {}) };
      case 'NOT_FOUND':
        throw new CallbackError('CALLBACK_NOT_FOUND', `call-back ${id} does not exist`);
      case 'IN_PROGRESS':
        throw new CallbackError('CALLBACK_IN_PROGRESS', `call-back ${id} is being dialed right now`);
      default:
        throw new CallbackError('CALLBACK_FINISHED', `call-back ${id} is already ${str(r[1])}`);
    }
  }

  async cancel(now: number, id: string, by: string): Promise<ChangeResult> {
    return this.change(await this.run('cancel', now, id, by), id);
  }

  async reschedule(now: number, id: string, at: number): Promise<ChangeResult> {
    return this.change(await this.run('reschedule', now, id, at), id);
  }

  async get(id: string): Promise<CallbackRecord | undefined> {
    return parseRecord(await this.redis.hgetall(this.keys.record(id)));
  }

  async events(id: string): Promise<CallbackEvent[]> {
    const raw = await this.redis.lrange(this.keys.log(id), 0, -1);
    return raw.map((s) => JSON.parse(s) as CallbackEvent);
  }

  /** Newest first. Records past their retention are skipped (and forgotten). */
  async list(filter: ListFilter = {}): Promise<CallbackRecord[]> {
    const index = filter.queueId ? this.keys.queue(filter.queueId) : this.keys.all();
    const ids = await this.redis.zrevrangebyscore(index, filter.to ?? '+inf', filter.from ?? '-inf');
    const statuses = filter.status === undefined ? undefined : new Set(Array.isArray(filter.status) ? filter.status : [filter.status]);
    const limit = filter.limit ?? 100;
    const offset = filter.offset ?? 0;
    const out: CallbackRecord[] = [];
    let skipped = 0;
    const gone: string[] = [];
    const batch = 100;
    for (let i = 0; i < ids.length && out.length < limit; i += batch) {
      const chunk = ids.slice(i, i + batch);
      const pipe = this.redis.pipeline();
      for (const id of chunk) pipe.hgetall(this.keys.record(id));
      const res = (await pipe.exec()) ?? [];
      chunk.forEach((id, j) => {
        const rec = parseRecord((res[j]?.[1] ?? {}) as Record<string, string>);
        if (!rec) {
          gone.push(id);
          return;
        }
        if (statuses && !statuses.has(rec.status)) return;
        if (filter.number && !rec.number.includes(filter.number)) return;
        if (skipped < offset) {
          skipped++;
          return;
        }
        if (out.length < limit) out.push(rec);
      });
    }
    if (gone.length > 0) {
      await this.redis.zrem(this.keys.all(), ...gone);
      if (filter.queueId) await this.redis.zrem(this.keys.queue(filter.queueId), ...gone);
    }
    return out;
  }

  /** Backlog and totals per queue, and the figures of the day of `now` (in the store's time zone). */
  async stats(now: number, queueIds?: readonly string[]): Promise<CallbackStats[]> {
    const [totals, today] = await Promise.all([this.redis.hgetall(this.keys.stats()), this.redis.hgetall(this.keys.statsDay(dayIn(this.timeZone, now)))]);
    const by = new Map<string, CallbackStats>();
    const row = (q: string): CallbackStats => {
      let s = by.get(q);
      if (!s) {
        s = { queueId: q, pending: 0, completed: 0, failed: 0, cancelled: 0, today: { requested: 0, completed: 0, failed: 0, cancelled: 0 } };
        by.set(q, s);
      }
      return s;
    };
    for (const q of queueIds ?? []) row(q);
    const fields = (h: Record<string, string>, each: (q: string, name: string, n: number) => void): void => {
      for (const [field, value] of Object.entries(h)) {
        const i = field.lastIndexOf(':');
        const q = field.slice(0, i);
        if (!queueIds || queueIds.includes(q)) each(q, field.slice(i + 1), Number(value));
      }
    };
    fields(totals, (q, status, n) => {
      if (status === 'pending' || status === 'completed' || status === 'failed' || status === 'cancelled') row(q)[status] = n;
    });
    fields(today, (q, name, n) => {
      if (name === 'requested' || name === 'completed' || name === 'failed' || name === 'cancelled') row(q).today[name] = n;
    });
    return [...by.values()].sort((a, b) => a.queueId.localeCompare(b.queueId));
  }

  /** Earliest due time of a pending call-back and earliest lease expiry (for the dialer's next wake-up). */
  async nextEvents(): Promise<{ due?: number; leaseExpiry?: number }> {
    const [due, lease] = await Promise.all([
      this.redis.zrange(this.keys.due(), 0, 0, 'WITHSCORES'),
      this.redis.zrange(this.keys.leases(), 0, 0, 'WITHSCORES'),
    ]);
    return { due: due[1] !== undefined ? Number(due[1]) : undefined, leaseExpiry: lease[1] !== undefined ? Number(lease[1]) : undefined };
  }
}
