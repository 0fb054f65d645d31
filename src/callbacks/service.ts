/**
 * The call-back service: the caller dialog and storage behind the `callback`
 * node (engine's CallbackService), and the operations the admin API exposes
 * (list, get, cancel, reschedule, backlog statistics).
 */
import type { Logger } from 'pino';
import type { Clock } from '../util/clock.ts';
import type { BusinessHours } from '../util/business-hours.ts';
import { isHangup } from '../telephony/errors.ts';
import type { CallbacksConfig } from '../config/callbacks.ts';
import type { CallbackOfferOutcome, CallbackOfferRequest, CallbackService } from '../engine/services/callback-service.ts';
import { CallbackDialog, type DialogResult } from './dialog.ts';
import { callerNumber, maskNumber, type NumberRules } from './phone-number.ts';
import { nextOpen, offeredSlots, openAt } from './schedule.ts';
import type { CallbackStore, ListFilter } from './store.ts';
import { CallbackError, type CallbackEvent, type CallbackRecord, type CallbackStats } from './model.ts';
import type { TextKey } from './texts.ts';

/** What the service needs from the ACD: withdrawing a call-back's entry from its queue (AcdService fits). */
export interface CallbackEntryWithdrawal {
  cancelCallback(entryId: string): Promise<boolean>;
}

export interface CallbackManagerOptions {
  store: CallbackStore;
  clock: Clock;
  log: Logger;
  config: CallbacksConfig;
  /** Business hours of a queue; undefined: always open. */
  hoursFor?: (queueId: string) => BusinessHours | undefined;
  acd?: CallbackEntryWithdrawal;
  /** Estimated wait of a queue in ms (AcdService.estimateWait fits); null: unknown. Needed for `offerWhenWaitAboveMs`. */
  estimateWait?: (queueId: string) => Promise<number | null>;
  /** Told after a change that may make something due sooner (the local dialer; others hear Redis pub/sub). */
  onChange?: () => void;
}

/** Caller dialog timing. */
const FIRST_DIGIT_MS = 8_000;
const INTER_DIGIT_MS = 5_000;
const MAX_TRIES = 3;

export class CallbackManager implements CallbackService {
  private readonly store: CallbackStore;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly config: CallbacksConfig;
  private readonly rules: NumberRules;

  constructor(private readonly o: CallbackManagerOptions) {
    this.store = o.store;
    this.clock = o.clock;
    this.log = o.log.child({ component: 'callbacks' });
    this.config = o.config;
    this.rules = { rejectPremium: o.config.rejectPremium, allowInternational: o.config.allowInternational };
  }

  private hours(queueId: string): BusinessHours | undefined {
    return this.o.hoursFor?.(queueId);
  }

  // ---------------------------------------------------------------- caller side

  async offer(req: CallbackOfferRequest): Promise<CallbackOfferOutcome> {
    const log = req.log;
    if (req.offerWhenWaitAboveMs !== undefined && this.o.estimateWait) {
      const ewtMs = await this.clock.external(this.o.estimateWait(req.queueId));
      if (ewtMs !== null && ewtMs <= req.offerWhenWaitAboveMs) return { kind: 'not-offered', ewtMs };
    }
    const hours = this.hours(req.queueId);
    const presented = callerNumber(req.call.info.from, this.rules);
    const dialog = new CallbackDialog({
      call: req.call,
      language: req.language,
      signal: req.signal,
      rules: this.rules,
      ...(presented ? { presented } : {}),
      ...(req.offer ? { offer: req.offer } : {}),
      slots: req.allowScheduled ? offeredSlots(hours, this.clock.now(), this.config) : [],
      now: () => this.clock.now(),
      timeZone: hours?.timeZone ?? this.config.timeZone,
      maxTries: MAX_TRIES,
      firstDigitTimeoutMs: FIRST_DIGIT_MS,
      interDigitTimeoutMs: INTER_DIGIT_MS,
    });
    let result: DialogResult;
    try {
      result = await dialog.run();
    } catch (err) {
      if (isHangup(err)) return { kind: 'hangup' };
      throw err;
    }
    if (req.signal.aborted) return { kind: 'hangup' };
    if (result.kind === 'declined') return { kind: 'declined' };
    if (result.kind === 'gave-up') {
      log.info({ question: result.question }, 'call-back not taken: too many bad or missing answers');
      await this.tell(dialog, 'gaveUp');
      return { kind: 'failed', reason: 'gave-up' };
    }

    const now = this.clock.now();
    const dueAt = result.scheduledAt ?? nextOpen(hours, now) ?? now;
    let created;
    try {
      created = await this.clock.external(
        this.store.create(now, {
          queueId: req.queueId,
          number: result.number,
          language: req.language,
          priority: req.priority,
          arrivedAt: Math.min(req.arrivedAt ?? now, now),
          ...(result.scheduledAt !== undefined ? { scheduledAt: result.scheduledAt } : {}),
          dueAt,
          maxAttempts: this.config.maxAttempts,
          data: req.data,
        }),
      );
    } catch (err) {
      log.error({ err }, 'call-back request could not be stored');
      await this.tell(dialog, 'storeFailed');
      return { kind: 'failed', reason: 'store-failed' };
    }
    this.o.onChange?.();
    log.info(
      { callbackId: created.id, number: maskNumber(result.number), keyed: result.keyed, merged: created.merged, dueAt: created.dueAt, scheduled: result.scheduledAt !== undefined },
      created.merged ? 'call-back request merged into a pending one' : 'call-back request stored',
    );
    // Stored: now the caller may hear that it was taken.
    const number = dialog.readNumber(result.number);
    const pendingAt = created.status === 'pending' ? created.dueAt : undefined;
    if (result.scheduledAt !== undefined && pendingAt !== undefined) {
      await this.tell(dialog, 'confirmedAt', { number, time: dialog.readTime(pendingAt) });
    } else if (pendingAt !== undefined && pendingAt > now) {
      await this.tell(dialog, 'confirmedAsapClosed', { number, time: dialog.readTime(pendingAt) });
    } else {
      await this.tell(dialog, 'confirmedAsap', { number });
    }
    return {
      kind: 'accepted',
      callbackId: created.id,
      number: result.number,
      ...(result.scheduledAt !== undefined ? { scheduledAt: result.scheduledAt } : {}),
      merged: created.merged,
    };
  }

  /** Plays a closing text; a caller hanging up during it changes nothing (the request is stored or refused already). */
  private async tell(dialog: CallbackDialog, key: TextKey, params?: Record<string, string>): Promise<void> {
    try {
      await dialog.tell(key, params);
    } catch (err) {
      if (!isHangup(err)) throw err;
    }
  }

  // ---------------------------------------------------------------- admin side

  list(filter: ListFilter = {}): Promise<CallbackRecord[]> {
    return this.clock.external(this.store.list(filter));
  }

  get(id: string): Promise<CallbackRecord | undefined> {
    return this.clock.external(this.store.get(id));
  }

  /** Every attempt and outcome of a call-back, oldest first. */
  events(id: string): Promise<CallbackEvent[]> {
    return this.clock.external(this.store.events(id));
  }

  /** Backlog per queue: pending (not finished), completed, failed, cancelled (totals), and today's figures. */
  stats(queueIds?: readonly string[]): Promise<CallbackStats[]> {
    return this.clock.external(this.store.stats(this.clock.now(), queueIds));
  }

  private async withdraw(entryId: string | undefined): Promise<void> {
    if (!entryId || !this.o.acd) return;
    try {
      await this.o.acd.cancelCallback(entryId);
    } catch (err) {
      // The entry is fenced anyway: its assignment finds the call-back gone and is dropped.
      this.log.warn({ err, entryId }, 'could not withdraw the call-back entry from the ACD');
    }
  }

  private async required(id: string): Promise<CallbackRecord> {
    const rec = await this.get(id);
    if (!rec) throw new CallbackError('CALLBACK_NOT_FOUND', `call-back ${id} does not exist`);
    return rec;
  }

  /** Cancels a call-back that is not being dialed right now. Throws CallbackError (NOT_FOUND, FINISHED, IN_PROGRESS). */
  async cancel(id: string, by = 'api'): Promise<CallbackRecord> {
    const r = await this.clock.external(this.store.cancel(this.clock.now(), id, by));
    await this.withdraw(r.entryId);
    this.log.info({ callbackId: id, previous: r.previous }, 'call-back cancelled');
    return this.required(id);
  }

  /** Moves a call-back to a time inside its queue's business hours. Throws CallbackError (… INVALID_TIME). */
  async reschedule(id: string, at: number): Promise<CallbackRecord> {
    const now = this.clock.now();
    if (!Number.isFinite(at) || at < now - 60_000) throw new CallbackError('CALLBACK_INVALID_TIME', `time ${new Date(at).toISOString()} is in the past`);
    if (at > now + 366 * 86_400_000) throw new CallbackError('CALLBACK_INVALID_TIME', 'time is more than a year ahead');
    const rec = await this.required(id);
    const hours = this.hours(rec.queueId);
    if (!openAt(hours, at)) {
      const next = nextOpen(hours, at);
      throw new CallbackError(
        'CALLBACK_INVALID_TIME',
        `time ${new Date(at).toISOString()} is outside the business hours of queue ${rec.queueId}${next !== undefined ? ` (next opening ${new Date(next).toISOString()})` : ''}`,
      );
    }
    const r = await this.clock.external(this.store.reschedule(now, id, at));
    await this.withdraw(r.entryId);
    this.o.onChange?.();
    this.log.info({ callbackId: id, at }, 'call-back rescheduled');
    return this.required(id);
  }
}
