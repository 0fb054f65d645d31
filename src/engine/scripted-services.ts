/**
 * Queue and call-back services that answer from a script, for scenario files
 * (`ivr flows test`) and simulations that must run without Redis: like canned
 * HTTP answers, they let ops test the paths around a queue or a call-back
 * offer (served, timeout, full, no agents, exit keys, call-back accepted or
 * declined) in a second. The real services live in src/acd/ and
 * src/callbacks/ and have their own tests against a real Redis.
 */
import type { Clock } from '../util/clock.ts';
import type { QueueOutcome, QueueRequest, QueueService } from './services/queue-service.ts';
import type { CallbackOfferOutcome, CallbackOfferRequest, CallbackService } from './services/callback-service.ts';

export interface QueueScript {
  /** What happens in the queue. */
  outcome: 'served' | 'timeout' | 'full' | 'noagents' | 'key' | 'callback' | 'hangup';
  /** Seconds of music on hold before the outcome (default 30; 0 for full/noagents). */
  waitSeconds?: number;
  /** Agent who answers (served). */
  agent?: string;
  /** Seconds the agent talks before hanging up (served; default 120). Afterwards the caller is still there. */
  talkSeconds?: number;
  /** The exit key pressed (outcome key). */
  key?: string;
}

export interface CallbackScript {
  /** What the caller does when offered (or when asking for) a call-back. */
  outcome: 'accepted' | 'declined' | 'failed';
  /** The estimated wait is short: offers that depend on a wait threshold are not made. */
  waitIsShort?: boolean;
  /** Number the call-back is for (accepted); default the caller's number. */
  number?: string;
}

export class ScriptedQueueService implements QueueService {
  /** Queues entered that the script says nothing about. */
  readonly unscripted: string[] = [];
  /** Every queue entered, in order, with its request data. */
  readonly entered: Array<{ queueId: string; priority: number; data: Record<string, string>; skills: Record<string, number> }> = [];

  constructor(
    private readonly scripts: Readonly<Record<string, QueueScript>>,
    private readonly clock: Clock,
  ) {}

  queueIds(): ReadonlySet<string> {
    return new Set(Object.keys(this.scripts));
  }

  async wait(req: QueueRequest): Promise<QueueOutcome> {
    this.entered.push({ queueId: req.queueId, priority: req.priority, data: req.data, skills: req.skills });
    const script = this.scripts[req.queueId];
    if (!script) {
      this.unscripted.push(req.queueId);
      throw new Error(`no scripted outcome for queue "${req.queueId}"`);
    }
    const arrivedAt = this.clock.now();
    const immediate = script.outcome === 'full' || script.outcome === 'noagents';
    const waitMs = (script.waitSeconds ?? (immediate ? 0 : 30)) * 1000;
    if (waitMs > 0) {
      await req.call.startMusicOnHold();
      await this.clock.sleep(waitMs, req.signal);
      await req.call.stopMusicOnHold();
    }
    switch (script.outcome) {
      case 'served':
        await this.clock.sleep((script.talkSeconds ?? 120) * 1000, req.signal);
        return { kind: 'served', agentId: script.agent ?? 'agent', callerStillThere: true };
      case 'timeout':
        return { kind: 'timeout' };
      case 'full':
        return { kind: 'full' };
      case 'noagents':
        return { kind: 'no-agents' };
      case 'key':
        return { kind: 'key', key: script.key ?? req.exitKeys[0] ?? '0' };
      case 'callback':
        return { kind: 'callback-requested', arrivedAt, priority: req.priority };
      case 'hangup':
        await req.call.hangup('caller');
        return { kind: 'hangup' };
    }
  }
}

export class ScriptedCallbackService implements CallbackService {
  readonly offers: Array<{ queueId: string; priority: number; arrivedAt?: number; data: Record<string, string> }> = [];
  private count = 0;

  constructor(private readonly script: CallbackScript | undefined) {}

  async offer(req: CallbackOfferRequest): Promise<CallbackOfferOutcome> {
    this.offers.push({ queueId: req.queueId, priority: req.priority, arrivedAt: req.arrivedAt, data: req.data });
    const script = this.script ?? { outcome: 'declined' };
    if (req.offerWhenWaitAboveMs !== undefined && script.waitIsShort) return { kind: 'not-offered', ewtMs: null };
    if (req.offer?.length) await req.call.play(req.offer, { signal: req.signal });
    switch (script.outcome) {
      case 'accepted':
        return { kind: 'accepted', callbackId: `cb-${++this.count}`, number: script.number ?? req.call.info.from };
      case 'declined':
        return { kind: 'declined' };
      case 'failed':
        return { kind: 'failed', reason: 'store-failed' };
    }
  }
}
