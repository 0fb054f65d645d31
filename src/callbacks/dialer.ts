/**
 * The call-back dialer of one instance.
 *
 * 1. Due call-backs are claimed under a lease (claim.lua: one instance each),
 *    bound to a fresh ACD entry (bind.lua) and put in their queue as a virtual
 *    entry at the caller's original arrival time and priority
 *    (AcdService.enqueueCallback). The ACD routes it like a call.
 * 2. When the ACD assigns it to an agent (on the instance owning the entry),
 *    the agent is dialed first; when the agent answers, the attempt is counted
 *    and fenced (start.lua: a stale entry is never dialed), the agent hears a
 *    whisper, the customer is dialed with the configured caller id, and both
 *    are bridged.
 * 3. Customer busy / no answer / failure: the agent is released to wrap-up
 *    and the call-back is pending again after a back-off, inside business
 *    hours, until the attempts are used up (then failed). Every step is logged
 *    in the call-back's event list.
 *
 * Wake-ups are event-driven: a timer at the earliest due time or lease expiry
 * (read from Redis), Redis pub/sub when another instance makes something due
 * sooner, and a safety tick once per lease period. Leases are renewed every
 * third of their length; a lapsed lease (dead instance) is reclaimed by any
 * live instance and the call-back keeps its place and attempt count.
 */
import type { RedisClient } from '../util/redis-client.ts';
import type { Logger } from 'pino';
import type { Call, DialResult, Telephony } from '../telephony/port.ts';
import { isHangup } from '../telephony/errors.ts';
import { anySignal, type Clock, type TimerHandle } from '../util/clock.ts';
import type { BusinessHours } from '../util/business-hours.ts';
import type { CallbacksConfig } from '../config/callbacks.ts';
import type { CallbackAssignment, CallbackAssignmentHandler } from '../acd/service.ts';
import { AcdError } from '../acd/errors.ts';
import type { CallbackStore, Claim } from './store.ts';
import type { CallbackRecord } from './model.ts';
import { backoffMs, retryAt } from './schedule.ts';
import { spokenDigits } from './phone-number.ts';
import { say, spokenTime } from './texts.ts';

/** What the dialer needs from the ACD (AcdService fits). */
export interface CallbackAcd {
  readonly instanceId: string;
  newEntryId(): Promise<string>;
  enqueueCallback(options: {
    queueId: string;
    priority: number;
    skills: Record<string, number>;
    data: Record<string, string>;
    arrivedAt?: number;
    entryId?: string;
  }): Promise<{ entryId: string; position: number }>;
  cancelCallback(entryId: string): Promise<boolean>;
  onCallbackAssignment(handler: CallbackAssignmentHandler): void;
}

export interface CallbackDialerOptions {
  store: CallbackStore;
  acd: CallbackAcd;
  telephony: Telephony;
  clock: Clock;
  log: Logger;
  config: CallbacksConfig;
  /** Where to dial an agent (registered contact or configured URI); undefined: unreachable. */
  agentContact(agentId: string): Promise<string | undefined>;
  hoursFor?: (queueId: string) => BusinessHours | undefined;
  /** A dedicated connection for the wake-up channel (pub/sub); without it, timers and the safety tick only. */
  subscriber?: RedisClient;
}

const CLAIM_BATCH = 20;

type AgentLeg = { agentId: string; call: Call };

export class CallbackDialer {
  private readonly store: CallbackStore;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly config: CallbacksConfig;
  private readonly instanceId: string;
  private readonly leaseMs: number;
  private running = false;
  private ticking = false;
  private again = false;
  private timer: TimerHandle | undefined;
  private renewTimer: TimerHandle | undefined;
  private stopCtl = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();
  /** Claims this instance holds while they wait in the ACD (released on a clean stop). */
  private readonly queued = new Map<string, Claim & { entryId: string }>();
  private onMessage: ((channel: string) => void) | undefined;

  constructor(private readonly o: CallbackDialerOptions) {
    this.store = o.store;
    this.clock = o.clock;
    this.config = o.config;
    this.instanceId = o.acd.instanceId;
    this.log = o.log.child({ component: 'callback-dialer', instance: this.instanceId });
    this.leaseMs = o.config.leaseSeconds * 1000;
  }

  private io<T>(p: Promise<T>): Promise<T> {
    return this.clock.external(p);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Resolves when no tick and no call-back call of this instance is in progress (tests). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0 || this.ticking) {
      await Promise.allSettled([...this.inflight]);
      await new Promise((r) => setImmediate(r));
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopCtl = new AbortController();
    // Leases an earlier process with this instance id held would be renewed by this one and never reclaimed.
    const left = await this.io(this.store.endLeasesOf(this.clock.now(), this.instanceId));
    if (left > 0) this.log.warn({ callbacks: left }, 'call-backs an earlier process with this instance id held go back to pending');
    this.o.acd.onCallbackAssignment((a) => this.track(this.handleAssignment(a)));
    const sub = this.o.subscriber;
    if (sub) {
      const channel = this.store.keys.wake();
      this.onMessage = (ch) => {
        if (ch === channel) this.wake();
      };
      sub.on('message', this.onMessage);
      await sub.subscribe(channel);
    }
    this.scheduleRenew();
    this.wake();
  }

  /** Clean stop: no new work; ringing attempts cancelled; call-backs waiting in the ACD handed back (pending, due now). */
  async stop(): Promise<void> {
    await this.halt();
    this.stopCtl.abort();
    await this.idle();
    const now = this.clock.now();
    for (const c of this.queued.values()) {
      await this.io(this.store.finish(now, c, this.instanceId, 'release', 'shutdown', now)).catch((err: unknown) => this.log.error({ err }, 'release failed'));
      await this.io(this.o.acd.cancelCallback(c.entryId)).catch((err: unknown) => this.log.warn({ err }, 'withdraw failed'));
    }
    this.queued.clear();
  }

  /** Stops timers and listening without touching Redis, as if the process died (tests, fail-over drills). */
  async halt(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.timer?.cancel();
    this.renewTimer?.cancel();
    const sub = this.o.subscriber;
    if (sub && this.onMessage) {
      sub.off('message', this.onMessage);
      await sub.unsubscribe(this.store.keys.wake()).catch(() => undefined);
    }
  }

  /** Looks for due and orphaned call-backs now (also called after a local change). */
  wake(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    void this.track(this.tick())
      .catch((err: unknown) => this.log.error({ err }, 'call-back dialer tick failed'))
      .finally(() => {
        this.ticking = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async tick(): Promise<void> {
    try {
      await this.claimDue();
    } finally {
      await this.scheduleNext();
    }
  }

  private async claimDue(): Promise<void> {
    do {
      this.again = false;
      const now = this.clock.now();
      const reclaimed = await this.io(this.store.reclaim(now));
      if (reclaimed.length > 0) this.log.warn({ callbacks: reclaimed }, 'reclaimed call-backs whose lease lapsed');
      let claims: Claim[];
      do {
        claims = await this.io(this.store.claim(this.clock.now(), this.instanceId, this.clock.now() + this.leaseMs, CLAIM_BATCH));
        for (const c of claims) await this.enqueue(c);
      } while (claims.length === CLAIM_BATCH && this.running);
    } while (this.again && this.running);
  }

  private async scheduleNext(): Promise<void> {
    if (!this.running) return;
    const now = this.clock.now();
    let at = now + this.leaseMs;
    this.timer?.cancel();
    this.timer = this.clock.setTimer(this.leaseMs, () => this.wake());
    const next = await this.io(this.store.nextEvents());
    if (!this.running) return;
    if (next.due !== undefined) at = Math.min(at, next.due);
    if (next.leaseExpiry !== undefined) at = Math.min(at, next.leaseExpiry + 1);
    this.timer?.cancel();
    this.timer = this.clock.setTimer(Math.max(0, at - now), () => this.wake());
  }

  private scheduleRenew(): void {
    this.renewTimer = this.clock.setTimer(Math.max(1000, Math.floor(this.leaseMs / 3)), () => {
      if (!this.running) return;
      void this.track(this.io(this.store.renew(this.clock.now(), this.instanceId, this.clock.now() + this.leaseMs)))
        .then((held) => {
          const keep = new Set(held);
          for (const id of this.queued.keys()) if (!keep.has(id)) this.queued.delete(id);
        })
        .catch((err: unknown) => this.log.error({ err }, 'call-back lease renewal failed'))
        .finally(() => {
          if (this.running) this.scheduleRenew();
        });
    });
  }

  /** Puts a claimed call-back in its queue as a virtual entry. */
  private async enqueue(claim: Claim): Promise<void> {
    const log = this.log.child({ callbackId: claim.id });
    const rec = await this.io(this.store.get(claim.id));
    if (!rec) return;
    const bound = await this.io(this.store.bind(this.clock.now(), claim, this.instanceId, await this.io(this.o.acd.newEntryId())));
    if (!bound) return;
    const entryId = bound.entryId;
    if (bound.previous) {
      // Left by an instance that died: make sure it cannot be routed any more.
      await this.io(this.o.acd.cancelCallback(bound.previous)).catch((err: unknown) => log.warn({ err }, 'could not withdraw the previous entry'));
    }
    // A first scheduled attempt queues at its time; otherwise the caller keeps the original place.
    const arrivedAt = rec.scheduledAt !== undefined && rec.attempts === 0 ? rec.scheduledAt : rec.arrivedAt;
    try {
      this.queued.set(claim.id, { ...claim, entryId });
      const r = await this.io(
        this.o.acd
          .enqueueCallback({
            queueId: rec.queueId,
            priority: rec.priority,
            skills: {},
            data: { ...rec.data, callbackId: rec.id },
            arrivedAt,
            entryId,
          })
          .catch((err: unknown) => {
            // Adopted from a dead instance and still in the ACD, at its place (an agent may be ringing for it).
            if (bound.adopted && err instanceof AcdError && err.code === 'DUPLICATE') return undefined;
            throw err;
          }),
      );
      if (r) log.info({ entryId, position: r.position, attempts: rec.attempts }, 'call-back queued');
      else log.info({ entryId, attempts: rec.attempts }, 'call-back still waiting in its queue, at its place (its entry was left by an instance that died)');
      // Cancelled or rescheduled while the entry was being added: the withdrawal came too early, withdraw now.
      const after = await this.io(this.store.get(claim.id));
      if (after?.entryId !== entryId) {
        this.queued.delete(claim.id);
        await this.io(this.o.acd.cancelCallback(entryId)).catch((err: unknown) => log.warn({ err }, 'could not withdraw the entry'));
      }
    } catch (err) {
      this.queued.delete(claim.id);
      const now = this.clock.now();
      log.error({ err, queueId: rec.queueId }, 'call-back could not be queued; trying again later');
      await this.io(this.store.finish(now, claim, this.instanceId, 'release', 'queue-error', now + backoffMs(this.config, 1)));
    }
  }

  // ------------------------------------------------------------ agent first

  private async handleAssignment(a: CallbackAssignment): Promise<void> {
    const log = this.log.child({ entryId: a.entryId, queueId: a.queueId });
    const rec = await this.io(this.store.byEntry(a.entryId));
    if (!rec || rec.status !== 'queued' || rec.entryId !== a.entryId) {
      log.info('assignment of a stale call-back entry: agents released, entry withdrawn');
      await this.dropAssignment(a, a.agentIds, log);
      return;
    }
    const agent = await this.ringAgents(a, rec, log);
    if (!agent) return;
    await this.serve(a, rec, agent, log.child({ callbackId: rec.id, agentId: agent.agentId }));
  }

  private async dropAssignment(a: CallbackAssignment, agentIds: readonly string[], log: Logger): Promise<void> {
    for (const agentId of agentIds) await this.io(a.release(agentId, 'cancelled')).catch((err: unknown) => log.warn({ err, agentId }, 'release failed'));
    await this.io(a.cancel()).catch((err: unknown) => log.warn({ err }, 'withdraw failed'));
  }

  /** Dials the offered agent(s); the first to answer wins. The others are released (missed or cancelled). */
  private async ringAgents(a: CallbackAssignment, rec: CallbackRecord, log: Logger): Promise<AgentLeg | undefined> {
    const ctl = new AbortController();
    const signal = anySignal([ctl.signal, this.stopCtl.signal]);
    let winner: AgentLeg | undefined;
    const results = await Promise.all(
      a.agentIds.map(async (agentId): Promise<{ agentId: string; result: DialResult; unreachable?: true }> => {
        const uri = await this.o.agentContact(agentId);
        if (!uri) return { agentId, result: { ok: false, reason: 'failed', detail: 'agent not reachable' }, unreachable: true };
        const result = await this.o.telephony.dial({
          to: uri,
          // the agent's phone shows whom the call-back is for (the company's number means nothing to them)
          callerId: rec.number,
          ringTimeoutMs: this.config.agentRingTimeoutSeconds * 1000,
          headers: { 'X-Callback-Id': rec.id, 'X-Queue': a.queueId },
          signal,
        });
        if (result.ok) {
          if (!winner) {
            winner = { agentId, call: result.call };
            ctl.abort();
          } else {
            await result.call.hangup('local').catch(() => undefined);
          }
        }
        return { agentId, result };
      }),
    );
    for (const { agentId, result, unreachable } of results) {
      if (winner?.agentId === agentId) continue;
      // no device to ring: paused as 'unreachable' (its next registration makes it available), not a miss
      const reason = unreachable ? 'unreachable' : winner || this.stopCtl.signal.aborted ? 'cancelled' : 'missed';
      if (unreachable) log.warn({ agentId }, "agent has no device to ring (not registered, no static URI): paused as 'unreachable'");
      else if (!result.ok) log.info({ agentId, outcome: result.reason }, 'agent did not take the call-back');
      await this.io(a.release(agentId, reason)).catch((err: unknown) => log.warn({ err, agentId }, 'release failed'));
    }
    return winner;
  }

  private whisper(rec: CallbackRecord): string {
    const lang = this.config.agentLanguage;
    const tz = this.o.hoursFor?.(rec.queueId)?.timeZone ?? this.config.timeZone;
    return say(lang, 'whisper', {
      number: spokenDigits(rec.number, say(lang, 'plus')),
      time: spokenTime(rec.requestedAt, this.clock.now(), tz, lang),
    });
  }

  private async tellAgent(agent: AgentLeg, text: string): Promise<void> {
    const lang = this.config.agentLanguage;
    await agent.call.play([{ kind: 'tts', text, language: lang }], { signal: agent.call.ended }).catch(() => undefined);
  }

  private async serve(a: CallbackAssignment, rec: CallbackRecord, agent: AgentLeg, log: Logger): Promise<void> {
    const lang = this.config.agentLanguage;
    const now = this.clock.now();
    const started = await this.io(this.store.start(now, a.entryId, this.instanceId, agent.agentId, now + this.leaseMs));
    if (!started.ok) {
      log.info('call-back withdrawn while the agent was ringing; customer not dialed');
      await this.tellAgent(agent, say(lang, 'callbackWithdrawn'));
      await agent.call.hangup('local').catch(() => undefined);
      await this.dropAssignment(a, [agent.agentId], log);
      return;
    }
    this.queued.delete(rec.id);
    const claim = started.claim;
    try {
      await this.io(a.connect(agent.agentId));
    } catch (err) {
      log.warn({ err }, 'ACD refused to connect the call-back; it goes back to pending');
      await agent.call.hangup('local').catch(() => undefined);
      await this.io(a.release(agent.agentId, 'cancelled')).catch((e: unknown) => log.warn({ err: e }, 'release failed'));
      const t = this.clock.now();
      await this.io(this.store.finish(t, claim, this.instanceId, 'release', 'acd-refused', t));
      return;
    }

    let outcome: string;
    let customer: Call | undefined;
    try {
      await agent.call.play([{ kind: 'tts', text: this.whisper(rec), language: lang }], { signal: agent.call.ended });
      const dialed = await this.o.telephony.dial({
        to: rec.number,
        ...(this.config.callerId ? { callerId: this.config.callerId } : {}),
        ringTimeoutMs: this.config.customerRingTimeoutSeconds * 1000,
        headers: { 'X-Callback-Id': rec.id },
        signal: anySignal([agent.call.ended, this.stopCtl.signal]),
      });
      if (dialed.ok) {
        customer = dialed.call;
        outcome = 'answered';
        log.info({ attempt: started.attempt }, 'customer answered; bridging');
        // Recorded first: if this instance dies during the conversation, the call-back is not dialed again.
        await this.io(this.store.customerAnswered(this.clock.now(), claim, this.instanceId)).catch((err: unknown) =>
          log.warn({ err }, 'could not record that the customer answered (an instance dying now would dial them again)'),
        );
        const end = await agent.call.bridge(customer);
        if (end.endedBy !== 'self') await agent.call.hangup('local').catch(() => undefined);
        if (end.endedBy !== 'other') await customer.hangup('local').catch(() => undefined);
      } else {
        outcome = dialed.reason === 'cancelled' ? (agent.call.ended.aborted ? 'agent-hung-up' : 'shutdown') : dialed.reason;
        log.info({ attempt: started.attempt, outcome }, 'customer not reached');
        if (!agent.call.ended.aborted) {
          await this.tellAgent(agent, say(lang, 'customerUnavailable'));
          await agent.call.hangup('local').catch(() => undefined);
        }
      }
    } catch (err) {
      if (customer) {
        outcome = 'answered';
        await customer.hangup('local').catch(() => undefined);
      } else {
        outcome = isHangup(err) ? 'agent-hung-up' : 'error';
        if (!isHangup(err)) log.error({ err }, 'call-back attempt failed');
      }
      await agent.call.hangup('local').catch(() => undefined);
    }

    await this.io(a.complete(agent.agentId)).catch((err: unknown) => log.warn({ err }, 'ACD complete failed'));
    const t = this.clock.now();
    const hours = this.o.hoursFor?.(rec.queueId);
    let r;
    if (outcome === 'answered') {
      r = await this.io(this.store.finish(t, claim, this.instanceId, 'completed', outcome, 0));
    } else if (outcome === 'agent-hung-up' || outcome === 'shutdown' || outcome === 'error') {
      // Not the customer's doing: back in the queue at once, keeping the place.
      r = await this.io(this.store.finish(t, claim, this.instanceId, 'release', outcome, t));
    } else {
      r = await this.io(this.store.finish(t, claim, this.instanceId, 'retry', outcome, retryAt(hours, t, started.attempt, this.config)));
    }
    log.info({ attempt: started.attempt, outcome, status: r.status, dueAt: r.dueAt }, 'call-back attempt finished');
    if (r.status === 'pending') this.wake();
  }
}
