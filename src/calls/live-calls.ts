/**
 * Live calls across instances: each instance publishes a snapshot of the
 * calls it runs to Redis, any instance lists the calls of every live
 * instance, and a supervisor hang-up reaches the instance that owns the call.
 *
 * Keys and channels (after the configurable prefix, which carries a hash
 * tag, e.g. `ivr:{main}:`; the only place they are built is `liveCallKeys`):
 * | key | type | content |
 * |---|---|---|
 * | `calls:instances` | zset | instance id → snapshot expiry (ms, the writer's clock) |
 * | `calls:snap:<instance>` | hash | call id → call JSON (from, to, flowId, nodeId, language, startedAt, queueId, agentId); PEXPIRE = TTL |
 * | `calls:hangup:<instance>` | pub/sub channel | hang-up requests for the instance: `{"callId","by"}` |
 *
 * Writing: every `snapshotMs` (on the injected clock) one MULTI replaces the
 * instance's hash, renews its TTL and its score in `calls:instances`, and
 * drops instances whose score is more than one TTL in the past. When a call
 * starts or ends, the same MULTI is sent at once but carries only what changed
 * since the last write (HSET of new or changed calls, HDEL of ended ones), so
 * a call's start or end costs Redis the same however many calls run; the
 * periodic full write heals a hash that was lost (a Redis restart) or a write
 * that failed. A dead instance stops renewing: readers ignore it
 * as soon as its score is in the past, and Redis deletes its hash at the TTL.
 * Instance clocks must agree to well within the TTL (NTP).
 *
 * Reading: ZRANGEBYSCORE of live instances, then one pipeline of HGETALL
 * (no SCAN). This instance's own calls come straight from the engine (fresh
 * current node), not from its snapshot.
 *
 * Hang-up: a call of this instance is hung up here. Otherwise the live
 * instance whose snapshot lists it is sent a message on its channel; PUBLISH
 * answers how many subscribers got it, so a listed call whose owner has no
 * subscriber (dying) is "not found" (on Redis Cluster PUBLISH counts only the
 * subscribers of one node, so there a listed owner is always sent the
 * request). The owner hangs up through the engine.
 */
import { publishCountIsGlobal, type RedisClient } from '../util/redis-client.ts';
import type { Logger } from 'pino';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Clock, TimerHandle } from '../util/clock.ts';
import type { ActiveCall, HangupOutcome, LiveCall, LiveCallsApi } from '../api/ports.ts';
import type { LiveCallsConfig } from './config.ts';

/** The calls this instance runs (the flow engine). */
export interface LocalCalls {
  activeCalls(): ActiveCall[];
  hangup(callId: string): Promise<boolean>;
}

export function liveCallKeys(prefix: string) {
  return {
    instances: `${prefix}calls:instances`,
    snapshot: (instance: string) => `${prefix}calls:snap:${instance}`,
    hangupChannel: (instance: string) => `${prefix}calls:hangup:${instance}`,
  };
}

const SnapshotCall = Type.Object({
  from: Type.String(),
  to: Type.String(),
  flowId: Type.String(),
  nodeId: Type.Union([Type.String(), Type.Null()]),
  language: Type.String(),
  startedAt: Type.Number(),
  queueId: Type.Optional(Type.String()),
  agentId: Type.Optional(Type.String()),
});
type SnapshotCall = Static<typeof SnapshotCall>;

const HangupRequest = Type.Object({ callId: Type.String({ minLength: 1 }), by: Type.Optional(Type.String()) });

export interface LiveCallsOptions {
  /** Command connection. */
  redis: RedisClient;
  /** A connection of its own for the hang-up channel (subscriber mode); closed by stop(). */
  subscriber: RedisClient;
  config: LiveCallsConfig;
  instanceId: string;
  calls: LocalCalls;
  clock: Clock;
  log: Logger;
}

export class LiveCalls implements LiveCallsApi {
  private readonly keys: ReturnType<typeof liveCallKeys>;
  private readonly log: Logger;
  private timer: TimerHandle | undefined;
  private running = false;
  /** The snapshot being written, and whether another is wanted after it. */
  private writing: Promise<void> | undefined;
  private dirty = false;
  /** What the instance's hash holds after the last successful write: call id → JSON. */
  private written = new Map<string, string>();
  /** The next write replaces the whole hash (periodic, first, or after a failed write). */
  private fullDue = true;

  constructor(private readonly options: LiveCallsOptions) {
    this.keys = liveCallKeys(options.config.keyPrefix);
    this.log = options.log.child({ component: 'live-calls' });
  }

  /** Subscribes to this instance's hang-up channel, writes the first snapshot and starts the periodic one. */
  async start(): Promise<void> {
    const { subscriber, instanceId } = this.options;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.keys.hangupChannel(instanceId)) void this.onHangupRequest(message);
    });
    await subscriber.subscribe(this.keys.hangupChannel(instanceId));
    this.running = true;
    await this.flush();
    this.schedule();
  }

  /** Stops publishing, removes this instance's snapshot (its calls vanish from every list at once) and closes the subscriber. */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
    // A failed write was already logged by changed(); stopping goes on regardless.
    await this.writing?.catch(() => undefined);
    const { redis, subscriber, instanceId } = this.options;
    try {
      checkExec(await redis.multi().del(this.keys.snapshot(instanceId)).zrem(this.keys.instances, instanceId).exec());
    } finally {
      await subscriber.quit();
    }
  }

  /** A call started or ended: write the snapshot now (coalesced with one in flight). */
  changed(): void {
    if (!this.running) return;
    void this.flush().catch((err: unknown) => this.log.error({ err }, 'writing the live-calls snapshot failed'));
  }

  /** Writes the snapshot now; resolves when a snapshot taken after this call is in Redis. */
  flush(): Promise<void> {
    if (this.writing) {
      this.dirty = true;
      return this.writing;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.dirty = false;
          await this.write();
        } while (this.dirty && this.running);
      } catch (err) {
        this.fullDue = true; // what Redis holds is unknown now
        throw err;
      } finally {
        this.writing = undefined;
      }
    };
    this.writing = run();
    return this.writing;
  }

  async list(): Promise<LiveCall[]> {
    const { instanceId, calls } = this.options;
    const out: LiveCall[] = calls.activeCalls().map((c) => ({ ...c, instance: instanceId }));
    const others = await this.liveInstances();
    if (others.length > 0) {
      const pipeline = this.options.redis.pipeline();
      for (const id of others) pipeline.hgetall(this.keys.snapshot(id));
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([err, hash], i) => {
        if (err) throw err;
        const instance = others[i]!;
        for (const [callId, json] of Object.entries(hash as Record<string, string>)) {
          const call = parseJson(json, SnapshotCall);
          if (call) out.push({ callId, ...call, instance });
          else this.log.warn({ instance, callId }, 'skipping a malformed live-call snapshot entry');
        }
      });
    }
    return out.sort((a, b) => a.startedAt - b.startedAt || a.callId.localeCompare(b.callId));
  }

  async hangup(callId: string, by?: string): Promise<HangupOutcome> {
    if (await this.options.calls.hangup(callId)) {
      this.changed();
      return { outcome: 'ended' };
    }
    const others = await this.liveInstances();
    if (others.length === 0) return { outcome: 'not-found' };
    const pipeline = this.options.redis.pipeline();
    for (const id of others) pipeline.hexists(this.keys.snapshot(id), callId);
    const results = (await pipeline.exec()) ?? [];
    let owner: string | undefined;
    results.forEach(([err, exists], i) => {
      if (err) throw err;
      if (exists === 1) owner ??= others[i];
    });
    if (owner === undefined) return { outcome: 'not-found' };
    const request = JSON.stringify({ callId, ...(by ? { by } : {}) });
    const { redis } = this.options;
    const receivers = await redis.publish(this.keys.hangupChannel(owner), request);
    // On a Cluster the count covers only the node that ran PUBLISH: zero there says nothing about the owner.
    if (receivers === 0 && publishCountIsGlobal(redis)) {
      this.log.warn({ callId, instance: owner }, 'the instance listing the call is not listening for hang-ups');
      return { outcome: 'not-found' };
    }
    return { outcome: 'forwarded', instance: owner };
  }

  /** Other instances whose snapshot has not expired (by this instance's clock). */
  private async liveInstances(): Promise<string[]> {
    const ids = await this.options.redis.zrangebyscore(this.keys.instances, this.options.clock.now(), '+inf');
    return ids.filter((id) => id !== this.options.instanceId);
  }

  private async write(): Promise<void> {
    const { redis, instanceId, calls, clock, config } = this.options;
    const now = clock.now();
    const key = this.keys.snapshot(instanceId);
    const current = new Map<string, string>();
    for (const c of calls.activeCalls()) {
      const { callId, ...rest } = c;
      current.set(callId, JSON.stringify(rest satisfies SnapshotCall));
    }
    const full = this.fullDue;
    this.fullDue = false;
    const tx = redis.multi();
    if (full) {
      tx.del(key);
      if (current.size > 0) tx.hset(key, Object.fromEntries(current));
    } else {
      const changed: Record<string, string> = {};
      let anyChanged = false;
      for (const [id, json] of current) {
        if (this.written.get(id) !== json) {
          changed[id] = json;
          anyChanged = true;
        }
      }
      const gone = [...this.written.keys()].filter((id) => !current.has(id));
      if (anyChanged) tx.hset(key, changed);
      if (gone.length > 0) tx.hdel(key, ...gone);
    }
    if (current.size > 0) tx.pexpire(key, config.ttlMs);
    tx.zadd(this.keys.instances, now + config.ttlMs, instanceId).zremrangebyscore(this.keys.instances, '-inf', `(${now - config.ttlMs}`);
    checkExec(await tx.exec());
    this.written = current;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.options.clock.setTimer(this.options.config.snapshotMs, () => {
      this.fullDue = true;
      this.changed();
      this.schedule();
    });
  }

  private async onHangupRequest(message: string): Promise<void> {
    const request = parseJson(message, HangupRequest);
    if (!request) {
      this.log.warn({ bytes: message.length }, 'ignoring a malformed hang-up request (want {"callId", "by"?})');
      return;
    }
    try {
      const ended = await this.options.calls.hangup(request.callId);
      if (ended) this.log.info({ callId: request.callId, by: request.by }, 'call hung up by supervisor (request from another instance)');
      else this.log.info({ callId: request.callId, by: request.by }, 'hang-up requested for a call that already ended');
      this.changed();
    } catch (err) {
      this.log.error({ err, callId: request.callId }, 'hanging up at the request of another instance failed');
    }
  }
}

/** The value when `json` is JSON matching `schema`; undefined otherwise (the caller logs it). */
function parseJson<T extends TSchema>(json: string, schema: T): Static<T> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  return Value.Check(schema, value) ? value : undefined;
}

export class LiveCallsError extends Error {
  constructor(
    readonly code: 'TRANSACTION_ABORTED',
    message: string,
  ) {
    super(message);
    this.name = 'LiveCallsError';
  }
}

function checkExec(results: Array<[Error | null, unknown]> | null): void {
  if (!results) throw new LiveCallsError('TRANSACTION_ABORTED', 'the live-calls MULTI was aborted');
  for (const [err] of results) if (err) throw err;
}
