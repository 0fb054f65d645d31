/**
 * AcdQueueService: the engine-facing QueueService. Runs one caller's stay in
 * a queue on this instance: enqueue, music on hold, announcements of position
 * and EWT, exit keys, max wait; on an assignment, dials the agent(s) through
 * the Telephony port, whispers to the agent, bridges, and hands the agent to
 * wrap-up. Every decision about who gets whom is made in Redis (AcdService).
 */
import type { Call, DialResult, Telephony } from '../telephony/port.ts';
import { isHangup } from '../telephony/errors.ts';
import type { AgentContactResolver } from '../telephony/agent-contacts.ts';
import type { Clock, TimerHandle } from '../util/clock.ts';
import { anySignal } from '../util/clock.ts';
import type { QueueOutcome, QueueRequest, QueueService } from '../engine/services/queue-service.ts';
import type { AcdService, Assignment } from './service.ts';
import type { QueueConfig } from './model.ts';
import type { LeaveReason } from './store.ts';
import { AcdError } from './errors.ts';
import { Channel } from './channel.ts';
import { announcementText, configuredWhisper, defaultWhisper } from './announce.ts';

type WaitEvent =
  | { t: 'assign'; a: Assignment }
  | { t: 'timeout' }
  | { t: 'announce' }
  | { t: 'key'; key: string }
  | { t: 'hangup' }
  /** The last member of the queue logged out; `due`: the grace period is over. */
  | { t: 'no-agents'; due: boolean };

/** What offering to agents led to: an outcome, or back to waiting (the same entry, at its place). */
type OfferResult = { done: QueueOutcome } | { retry: true };

export interface AcdQueueServiceOptions {
  acd: AcdService;
  /** The telephony backend that dials agents (a function when it is created later than the ACD). */
  telephony: Telephony | (() => Telephony);
  contacts: AgentContactResolver;
  clock: Clock;
}

export class AcdQueueService implements QueueService {
  constructor(private readonly options: AcdQueueServiceOptions) {}

  queueIds(): ReadonlySet<string> {
    return this.options.acd.knownQueueIds();
  }

  async wait(req: QueueRequest): Promise<QueueOutcome> {
    const cfg = await this.options.acd.getQueue(req.queueId);
    if (!cfg) throw new AcdError('NO_QUEUE', `unknown queue "${req.queueId}"`);
    const arrivedAt = this.options.clock.now();
    return (await this.stay(req, cfg, arrivedAt)).done;
  }

  private telephony(): Telephony {
    const t = this.options.telephony;
    return typeof t === 'function' ? t() : t;
  }

  /** One entry's life in the queue. */
  private async stay(req: QueueRequest, cfg: QueueConfig, arrivedAt: number): Promise<{ done: QueueOutcome }> {
    const { acd, clock } = this.options;
    const log = req.log;
    const events = new Channel<WaitEvent>();
    const entryId = await acd.newEntryId();
    let media: AbortController | undefined;
    const interrupt = (): void => media?.abort();
    const timers: TimerHandle[] = [];
    const unregister = acd.awaitAssignments(entryId, (a) => {
      events.push({ t: 'assign', a });
      interrupt();
    });
    const unwatchAgents = acd.onNoAgents(req.queueId, () => events.push({ t: 'no-agents', due: false }));
    let noAgentsTimer: TimerHandle | undefined;
    const keys = new Set([...req.exitKeys, ...(req.callbackKey ? [req.callbackKey] : [])]);
    const onDtmf = (d: string): void => {
      if (keys.has(d)) {
        events.push({ t: 'key', key: d });
        interrupt();
      }
    };
    const onAbort = (): void => {
      events.push({ t: 'hangup' });
      interrupt();
    };
    req.signal.addEventListener('abort', onAbort, { once: true });
    req.call.on('dtmf', onDtmf);
    const shortMs = cfg.shortAbandonSeconds * 1000;
    const leave = (reason: LeaveReason) => acd.leave(entryId, reason, shortMs);
    const hungUp = async (): Promise<{ done: QueueOutcome }> => {
      await leave('abandon');
      log.info({ queueId: req.queueId, waitedMs: clock.now() - arrivedAt }, 'caller left the queue (hang-up)');
      return { done: { kind: 'hangup' } };
    };
    const startMoh = async (): Promise<void> => {
      if (!req.signal.aborted) await req.call.startMusicOnHold(cfg.musicOnHold);
    };
    try {
      if (req.signal.aborted) return { done: { kind: 'hangup' } };
      const r = await acd.enqueue({
        entryId,
        queueId: req.queueId,
        kind: 'call',
        priority: req.priority,
        skills: req.skills,
        data: req.data,
        arrivedAt,
      });
      if (r.kind === 'full') return { done: { kind: 'full' } };
      if (r.kind === 'no-agents') return { done: { kind: 'no-agents' } };
      log.info({ queueId: req.queueId, entryId, position: r.position }, 'caller queued');
      const maxWaitMs = (req.maxWaitSeconds ?? cfg.maxWaitSeconds) * 1000;
      if (maxWaitMs > 0) {
        timers.push(
          clock.setTimer(Math.max(0, arrivedAt + maxWaitMs - clock.now()), () => {
            events.push({ t: 'timeout' });
            interrupt();
          }),
        );
      }
      const announceMs = cfg.announceEverySeconds * 1000;
      const scheduleAnnounce = (): void => {
        if (announceMs > 0 && (cfg.announcePosition || cfg.announceWait || req.callbackKey !== undefined)) {
          timers.push(clock.setTimer(announceMs, () => events.push({ t: 'announce' })));
        }
      };
      scheduleAnnounce();
      await startMoh();
      for (;;) {
        const ev = await events.next();
        switch (ev.t) {
          case 'hangup':
            return await hungUp();
          case 'timeout': {
            if (await leave('timeout')) return { done: { kind: 'timeout' } };
            break;
          }
          case 'key': {
            const isCallback = ev.key === req.callbackKey;
            const left = await leave(isCallback ? 'callback' : 'key');
            if (!left) break;
            if (isCallback) return { done: { kind: 'callback-requested', arrivedAt: left.arrivedAt, priority: left.priority } };
            return { done: { kind: 'key', key: ev.key } };
          }
          case 'announce': {
            await this.announce(req, cfg, entryId, (c) => (media = c));
            media = undefined;
            scheduleAnnounce();
            await startMoh();
            break;
          }
          case 'no-agents': {
            const graceMs = cfg.noAgentsGraceSeconds * 1000;
            if (!ev.due && graceMs > 0) {
              noAgentsTimer?.cancel(); // counted from the latest time the queue emptied
              noAgentsTimer = clock.setTimer(graceMs, () => events.push({ t: 'no-agents', due: true }));
              break;
            }
            noAgentsTimer = undefined;
            // Refused (undefined) when a member logged in again meanwhile or an agent is being rung.
            if (await leave('no-agents')) {
              log.info({ queueId: req.queueId, waitedMs: clock.now() - arrivedAt }, 'no agent logged in any more; caller leaves the queue');
              return { done: { kind: 'no-agents' } };
            }
            break;
          }
          case 'assign': {
            const res = await this.offer(req, cfg, ev.a);
            if ('done' in res) return res;
            await startMoh();
            break;
          }
        }
      }
    } catch (err) {
      if (isHangup(err) || req.signal.aborted) return await hungUp();
      await leave('abandon').catch((e: unknown) => log.error({ err: e }, 'could not remove the entry after a failure'));
      throw err;
    } finally {
      unregister();
      unwatchAgents();
      noAgentsTimer?.cancel();
      for (const t of timers) t.cancel();
      req.signal.removeEventListener('abort', onAbort);
      req.call.off('dtmf', onDtmf);
    }
  }

  private async announce(req: QueueRequest, cfg: QueueConfig, entryId: string, setMedia: (c: AbortController) => void): Promise<void> {
    const { acd } = this.options;
    const position = await acd.store.position(req.queueId, entryId);
    if (position === undefined) return; // being offered right now
    const needEwt = cfg.announceWait || (req.callbackKey !== undefined && cfg.callbackOfferMinWaitSeconds > 0);
    const ewtMs = needEwt ? await acd.estimateWait(req.queueId, position) : null;
    // An unknown wait (nobody staffed) counts as long: the call-back is the better offer then.
    const offerCallback = req.callbackKey !== undefined && (ewtMs === null || ewtMs >= cfg.callbackOfferMinWaitSeconds * 1000);
    const texts = announcementText({
      language: req.language,
      ...(cfg.announcePosition ? { position } : {}),
      ewtMs: cfg.announceWait ? ewtMs : null,
      ...(offerCallback ? { callbackKey: req.callbackKey } : {}),
    });
    if (texts.length === 0) return;
    const ctl = new AbortController();
    setMedia(ctl);
    await req.call.play(
      texts.map((text) => ({ kind: 'tts' as const, text, language: req.language })),
      { signal: anySignal([ctl.signal, req.signal]) },
    );
  }

  /** Rings the assigned agent(s); the first to answer gets the caller. */
  private async offer(req: QueueRequest, cfg: QueueConfig, a: Assignment): Promise<OfferResult> {
    const { acd, contacts } = this.options;
    const log = req.log;
    const dialCtl = new AbortController();
    const dialSignal = anySignal([req.signal, dialCtl.signal]);
    let winner: { agentId: string; call: Call } | undefined;
    await Promise.all(
      a.agentIds.map(async (agentId) => {
        const agentCfg = await acd.getAgent(agentId);
        const uri = await contacts.contactFor(agentId, agentCfg?.uri);
        if (!uri) {
          log.warn({ agentId }, "agent has no device to ring (not registered, no static URI): paused as 'unreachable'");
          await acd.releaseOffer(a.entryId, agentId, 'unreachable');
          return;
        }
        let res: DialResult;
        try {
          res = await this.telephony().dial({
            to: uri,
            callerId: req.call.info.from,
            ringTimeoutMs: cfg.ringTimeoutSeconds * 1000,
            headers: { 'X-Queue': req.queueId, 'X-Entry': a.entryId },
            signal: dialSignal,
          });
        } catch (err) {
          // A backend failure on one agent leg is that agent's miss, not the caller's end.
          log.error({ err, agentId }, 'dialing the agent failed');
          res = { ok: false, reason: 'failed' };
        }
        if (res.ok) {
          if (!winner && !req.signal.aborted) {
            winner = { agentId, call: res.call };
            dialCtl.abort();
            return;
          }
          await res.call.hangup('local').catch(() => undefined);
          if (!req.signal.aborted) await acd.releaseOffer(a.entryId, agentId, 'cancelled');
          return;
        }
        log.info({ agentId, reason: res.reason }, 'agent did not take the call');
        if (!req.signal.aborted) await acd.releaseOffer(a.entryId, agentId, res.reason === 'cancelled' ? 'cancelled' : 'missed');
      }),
    );
    const won = winner as { agentId: string; call: Call } | undefined;
    if (req.signal.aborted) {
      if (won) await won.call.hangup('local').catch(() => undefined);
      return { done: (await this.leaveAfterHangup(req, cfg, a.entryId)).done };
    }
    if (!won) return { retry: true };
    const { agentId, call: agentCall } = won;
    try {
      await acd.store.connect(a.entryId, agentId);
    } catch (err) {
      await agentCall.hangup('local').catch(() => undefined);
      if (err instanceof AcdError && err.code === 'ENTRY_GONE') return { retry: true };
      throw err;
    }
    log.info({ agentId, entryId: a.entryId }, 'agent answered');
    req.onAgent?.(agentId);
    const whisper =
      req.whisper ?? (cfg.whisper !== undefined ? configuredWhisper(cfg.whisper, req.language, req.data) : defaultWhisper(req.language, cfg.name, req.data));
    try {
      await agentCall.play([{ kind: 'tts', text: whisper, language: req.language }], { signal: anySignal([req.signal, agentCall.ended]) });
    } catch (err) {
      if (!isHangup(err)) throw err;
    }
    if (req.signal.aborted) {
      await acd.completeCall(a.entryId, agentId);
      await agentCall.hangup('local').catch(() => undefined);
      return { done: { kind: 'hangup' } };
    }
    if (agentCall.ended.aborted) {
      // Not an answer: the same entry waits again at its place, the agent counts a miss.
      await acd.requeueAfterWhisper(a.entryId, agentId);
      req.onAgent?.(undefined);
      log.info({ agentId }, 'agent hung up during the whisper; caller back in the queue at the same place');
      return { retry: true };
    }
    // When the agent hangs up first, end the bridge through its signal before the
    // driver tears the caller down too: the port keeps both legs up on abort, so
    // the flow can go on at `next` (e.g. a survey). The listener is added before
    // bridge() adds its own, so it runs first.
    const bridgeCtl = new AbortController();
    const onAgentGone = (): void => bridgeCtl.abort();
    agentCall.ended.addEventListener('abort', onAgentGone, { once: true });
    let endedBy: 'self' | 'other' | 'aborted';
    try {
      await req.call.stopMusicOnHold();
      endedBy = (await req.call.bridge(agentCall, { signal: anySignal([req.signal, bridgeCtl.signal]) })).endedBy;
    } catch (err) {
      if (!isHangup(err)) {
        await acd.completeCall(a.entryId, agentId);
        await agentCall.hangup('local').catch(() => undefined);
        throw err;
      }
      endedBy = 'self';
    } finally {
      agentCall.ended.removeEventListener('abort', onAgentGone);
    }
    if (endedBy === 'aborted' && agentCall.ended.aborted) endedBy = 'other';
    await acd.completeCall(a.entryId, agentId);
    if (!agentCall.ended.aborted) await agentCall.hangup('local').catch(() => undefined);
    const callerStillThere = endedBy === 'other' && !req.call.ended.aborted;
    log.info({ agentId, endedBy }, 'queue call ended');
    return { done: { kind: 'served', agentId, callerStillThere } };
  }

  private async leaveAfterHangup(req: QueueRequest, cfg: QueueConfig, entryId: string): Promise<{ done: QueueOutcome }> {
    await this.options.acd.leave(entryId, 'abandon', cfg.shortAbandonSeconds * 1000);
    return { done: { kind: 'hangup' } };
  }
}
