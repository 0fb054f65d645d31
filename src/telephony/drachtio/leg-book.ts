/**
 * The book of call legs this instance controls, kept in Redis so that the
 * legs of an instance that dies can be ended by another one (see
 * orphan-janitor.ts).
 *
 * When the service dies mid-call, FreeSWITCH goes on without it (the
 * dialplan plays an apology and hangs up its channel; a bridge stays up), but
 * the SIP dialogs with the phones belonged to the dead process: drachtio-
 * server answers their BYE with 481 and nobody sends them one, so a caller
 * hears silence after the apology, and the second party of a bridge whose
 * first one hung up sits in silence. A leg here is what another instance
 * needs to end one: the drachtio dialog id and the FreeSWITCH channel uuid,
 * with the drachtio-server and FreeSWITCH they live on, and the leg it is
 * bridged with.
 *
 * Keys (after the prefix, which carries a hash tag, e.g. `ivr:{main}:`):
 * | key | type | content |
 * |---|---|---|
 * | `sip:legs:instances` | zset | instance → lease expiry (ms) |
 * | `sip:legs:<instance>` | hash | leg id → leg JSON (the instance's legs) |
 * | `sip:legs:<instance>:orphans` | hash | leg id → leg JSON (legs it adopted from dead instances) |
 *
 * Cost: nothing per call on the Redis path. Changes are kept in memory and
 * written once per `flushMs` (one script call, which also renews the lease),
 * so a leg younger than that when the process dies is not in the book.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../util/clock.ts';
import type { RedisClient } from '../../util/redis-client.ts';

export interface Leg {
  /** Our call id. */
  id: string;
  /** drachtio-server's dialog id (what an in-dialog request names). */
  dialogId: string;
  /** FreeSWITCH channel uuid. */
  mediaId: string;
  /** Where they live: drachtio-server and FreeSWITCH addresses (host:port), so that only an instance on the same servers acts on them. */
  sipServer: string;
  mediaServer: string;
  /** The leg this one is bridged with, if any. */
  partner?: string;
  /** When the leg was opened (ms). */
  openedAt: number;
}

export interface LegBookSettings {
  /** Key prefix with a Redis Cluster hash tag, e.g. `ivr:{main}:`. */
  keyPrefix: string;
  instanceId: string;
  /** How often changes are written and the lease renewed. */
  flushMs: number;
  /** An instance whose lease is older than this is taken as dead; its legs become orphans. */
  leaseMs: number;
}

type LegRedis = RedisClient & {
  ivrSipLegsFlush(instances: string, legs: string, orphans: string, ...args: Array<string | number>): Promise<number>;
  ivrSipLegsAdopt(instances: string, prefix: string, self: string, now: number): Promise<string[]>;
};

const FLUSH_LUA = readFileSync(new URL('./scripts/legs-flush.lua', import.meta.url), 'utf8');
const ADOPT_LUA = readFileSync(new URL('./scripts/legs-adopt.lua', import.meta.url), 'utf8');

export class LegBook {
  private readonly redis: LegRedis;
  private readonly legs = new Map<string, Leg>();
  private readonly dirty = new Set<string>();
  private readonly ended = new Set<string>();
  private timer: TimerHandle | undefined;
  private flushing: Promise<void> | undefined;
  private running = false;
  /** No flush has succeeded yet in this process (see legs-flush.lua). */
  private first = true;

  constructor(
    redis: RedisClient,
    private readonly settings: LegBookSettings,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    if (typeof Reflect.get(redis, 'ivrSipLegsFlush') !== 'function') {
      redis.defineCommand('ivrSipLegsFlush', { numberOfKeys: 3, lua: FLUSH_LUA });
      redis.defineCommand('ivrSipLegsAdopt', { numberOfKeys: 1, lua: ADOPT_LUA });
    }
    this.redis = redis as LegRedis;
  }

  private key(suffix: string): string {
    return `${this.settings.keyPrefix}sip:legs:${suffix}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stops writing, touching nothing in Redis: as if the process died (tests, fail-over drills). */
  halt(): void {
    this.running = false;
    this.timer?.cancel();
  }

  /**
   * Writes what is pending and, when the instance holds no legs and no
   * orphans (a clean stop after its calls ended), leaves the book; otherwise
   * its lease lapses and another instance adopts what is left.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    await this.flushing; // a flush under way took its changes before the last ones
    await this.flush();
    try {
      if (this.legs.size === 0 && (await this.redis.hlen(this.key(`${this.settings.instanceId}:orphans`))) === 0) {
        await this.redis.zrem(this.key('instances'), this.settings.instanceId);
      }
    } catch (err) {
      this.log.warn({ err }, 'could not leave the leg book');
    }
  }

  open(leg: Leg): void {
    this.legs.set(leg.id, leg);
    this.dirty.add(leg.id);
    this.ended.delete(leg.id);
  }

  close(id: string): void {
    if (!this.legs.delete(id)) return;
    this.dirty.delete(id);
    this.ended.add(id);
  }

  /** `id` is now bridged with `partner` (undefined: no longer bridged). */
  pair(id: string, partner: string | undefined): void {
    const leg = this.legs.get(id);
    if (!leg || leg.partner === partner) return;
    const { partner: _old, ...rest } = leg;
    this.legs.set(id, partner === undefined ? rest : { ...rest, partner });
    this.dirty.add(id);
  }

  /** Legs of instances whose lease lapsed become this instance's orphans; returns all of its orphans. */
  async adoptOrphans(): Promise<Leg[]> {
    const flat = await this.redis.ivrSipLegsAdopt(this.key('instances'), this.settings.keyPrefix, this.settings.instanceId, this.clock.now());
    const out: Leg[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const leg = parseLeg(flat[i + 1]!);
      if (leg) {
        out.push(leg);
        continue;
      }
      this.log.warn({ leg: flat[i] }, 'unreadable orphan leg dropped');
      await this.dropOrphan(flat[i]!);
    }
    return out;
  }

  /** The orphan was ended (or cannot be): forget it. */
  async dropOrphan(id: string): Promise<void> {
    await this.redis.hdel(this.key(`${this.settings.instanceId}:orphans`), id);
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.clock.setTimer(this.settings.flushMs, () => {
      void this.flush().finally(() => this.schedule());
    });
  }

  /** One script call: the changes since the last flush, and the lease. Never rejects. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const written = [...this.dirty].flatMap((id) => {
      const leg = this.legs.get(id);
      return leg ? [id, JSON.stringify(leg)] : [];
    });
    const ended = [...this.ended];
    this.dirty.clear();
    this.ended.clear();
    const id = this.settings.instanceId;
    const first = this.first ? '1' : '0';
    this.flushing = this.redis
      .ivrSipLegsFlush(this.key('instances'), this.key(id), this.key(`${id}:orphans`), id, this.clock.now() + this.settings.leaseMs, first, written.length / 2, ...written, ...ended)
      .then(
        () => {
          this.first = false;
        },
        (err: unknown) => {
          // Written again at the next flush: what is still open is dirty again, what ended stays ended.
          for (let i = 0; i < written.length; i += 2) if (this.legs.has(written[i]!)) this.dirty.add(written[i]!);
          for (const id of ended) if (!this.legs.has(id)) this.ended.add(id);
          this.log.warn({ err }, 'could not write the leg book');
        },
      )
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }
}

function parseLeg(json: string): Leg | undefined {
  try {
    const v: unknown = JSON.parse(json);
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    const id = str('id');
    const dialogId = str('dialogId');
    const mediaId = str('mediaId');
    const sipServer = str('sipServer');
    const mediaServer = str('mediaServer');
    const openedAt = typeof o.openedAt === 'number' ? o.openedAt : undefined;
    if (!id || !dialogId || !mediaId || sipServer === undefined || mediaServer === undefined || openedAt === undefined) return undefined;
    const partner = str('partner');
    return { id, dialogId, mediaId, sipServer, mediaServer, openedAt, ...(partner ? { partner } : {}) };
  } catch {
    return undefined;
  }
}
