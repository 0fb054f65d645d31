/**
 * One simulated call leg: implements the Call port on an injected clock.
 *
 * Media model: one input/output operation at a time (play, collect, gather,
 * record, music on hold). Starting another stops the current one (it resolves
 * `aborted`). Every wait is a single clock timer owned by the operation, so
 * hang-up or abort leaves nothing on the clock.
 *
 * The far end (caller, agent, customer) is a SimParty (sim-party.ts): it
 * delivers keys, speech and hang-ups to this call, live or from a script.
 */
import type { Logger } from 'pino';
import type {
  BridgeEnd,
  Call,
  CallEventMap,
  CallInfo,
  CollectDigitsOptions,
  CollectDigitsResult,
  GatherSpeechOptions,
  GatherSpeechResult,
  HangupCause,
  PlayOptions,
  PlayResult,
  Prompt,
  RecordOptions,
  RecordResult,
} from '../port.ts';
import { MediaError, TelephonyError, TransferFailedError } from '../errors.ts';
import { hungUpError } from './hung-up-error.ts';
import { abortReason, type Clock, type TimerHandle } from '../../util/clock.ts';
import { describePrompt, promptMs, speechMs } from './describe-prompt.ts';
import { SimParty } from './sim-party.ts';
import type { HeardEntry, ListenKind, ScriptEnd, SimEvent, SimEventKind } from './types.ts';
import type { CallerAction } from './caller-script.ts';

/** What a SimCall needs from its SimTelephony. */
export interface SimEnvironment {
  readonly clock: Clock;
  readonly logger: Logger;
  fileDurationMs(path: string): number | undefined;
  isFileMissing(path: string): boolean;
  /** SIP status when a transfer to `target` must fail, else undefined. */
  transferFailure(target: string): number | undefined;
}

/** Input arriving from the far end. */
export type SimInput =
  | { type: 'digit'; digit: string }
  | { type: 'speech'; text: string; confidence: number }
  | { type: 'speak'; ms: number; thenDigits?: string };

type WaitResult = SimInput | { type: 'timeout' };

interface Accepts {
  /** true: keys, type-ahead buffer first; 'live': only keys pressed now. */
  digit?: boolean | 'live';
  speech?: boolean;
  speak?: boolean;
}

type StopWhy = 'abort' | 'preempt' | 'hangup';

class OpStopped extends Error {
  constructor(readonly why: StopWhy) {
    super(`operation stopped (${why})`);
    this.name = 'OpStopped';
  }
}

/** One running media operation. @internal */
export class SimOperation {
  pending: { timer: TimerHandle | null; accepts: Accepts; resolve: (r: WaitResult) => void; reject: (e: OpStopped) => void } | null = null;
  timers: TimerHandle[] | null = null;
  stopped: OpStopped | null = null;
  /** Input reached this operation (live, scripted or from the buffer). */
  inputSeen = false;
  /** The far end's script was consulted for this operation. */
  scriptUsed = false;
  playing: HeardEntry | null = null;
  constructor(readonly kind: 'play' | 'collect' | 'gather' | 'record') {}
}

interface BridgeLink {
  a: SimCall;
  b: SimCall;
  finish(end: BridgeEnd): void;
}

export interface SimCallOptions {
  id: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  headers: Record<string, string>;
  answered: boolean;
  script?: CallerAction[];
  onScriptEnd: ScriptEnd;
}

/** Anything logged on a call, for observers (the interactive CLI prints these live). */
export type SimActivity = { type: 'heard'; entry: HeardEntry } | { type: 'event'; event: SimEvent };

type Listeners = { [E in keyof CallEventMap]?: Array<(...args: CallEventMap[E]) => void> };

export class SimCall implements Call {
  readonly info: CallInfo;
  /** Prompts this call heard, in order. */
  readonly heard: HeardEntry[] = [];
  /** Non-prompt events (answer, music on hold, bridge, keys, hang-up, ...), in order. */
  readonly events: SimEvent[] = [];
  /** The far end: the caller of an inbound call, the callee of an outbound one. */
  readonly party: SimParty;

  private readonly controller = new AbortController();
  private isAnswered: boolean;
  private cause: HangupCause | null = null;
  private op: SimOperation | null = null;
  private mohSource: string | null = null;
  private dtmfBuffer = '';
  private link: BridgeLink | null = null;
  private recordings = 0;
  private listeningKind: ListenKind | null = null;
  private releaseHold: (() => void) | null = null;
  private listeners: Listeners = {};
  private observers: Array<(a: SimActivity) => void> | null = null;
  private promptWatchers: Array<{ test: (e: HeardEntry) => boolean; resolve: (e: HeardEntry) => void; reject: (e: Error) => void }> | null = null;
  private logger: Logger | null = null;

  constructor(
    private readonly env: SimEnvironment,
    o: SimCallOptions,
  ) {
    this.info = {
      id: o.id,
      direction: o.direction,
      from: o.from,
      to: o.to,
      headers: Object.freeze({ ...o.headers }),
      startedAt: env.clock.now(),
    };
    this.isAnswered = o.answered;
    if (o.answered) this.logEvent('answer');
    this.party = new SimParty(this, o.script ?? [], o.onScriptEnd);
  }

  get ended(): AbortSignal {
    return this.controller.signal;
  }

  get answered(): boolean {
    return this.isAnswered;
  }

  /** True once the call has ended (either side hung up, transferred, ...). */
  get isEnded(): boolean {
    return this.cause !== null;
  }

  /** Why the call ended; null while it is up. */
  get hangupCause(): HangupCause | null {
    return this.cause;
  }

  /** What the call is waiting for right now, if anything. */
  get listening(): ListenKind | null {
    return this.listeningKind;
  }

  /** Whether music on hold is playing (and its source). */
  get musicOnHold(): string | null {
    return this.mohSource;
  }

  /** The call this one is bridged to, if any. */
  get bridgedTo(): SimCall | null {
    if (!this.link) return null;
    return this.link.a === this ? this.link.b : this.link.a;
  }

  /** Keys pressed while nothing listened (type-ahead), not yet consumed. */
  get bufferedDigits(): string {
    return this.dtmfBuffer;
  }

  private get log(): Logger {
    this.logger ??= this.env.logger.child({ callId: this.info.id });
    return this.logger;
  }

  // ---------------------------------------------------------------- port

  async answer(): Promise<void> {
    this.assertUp();
    if (this.isAnswered) return;
    this.isAnswered = true;
    this.logEvent('answer');
  }

  play(prompts: Prompt[], options: PlayOptions = {}): Promise<PlayResult> {
    return this.runOp<PlayResult>('play', options.signal, { kind: 'aborted' }, async (op) => {
      const r = await this.playPrompts(op, prompts, { digit: options.bargeIn ? 'live' : false });
      if (r?.type === 'digit') return { kind: 'interrupted', digit: r.digit };
      return { kind: 'completed' };
    });
  }

  collectDigits(o: CollectDigitsOptions): Promise<CollectDigitsResult> {
    if (o.maxDigits < 1 || o.minDigits < 0 || o.minDigits > o.maxDigits) {
      return Promise.reject(
        new RangeError(`collectDigits on ${this.info.id}: need 0 <= minDigits (${o.minDigits}) <= maxDigits (${o.maxDigits}) and maxDigits >= 1`),
      );
    }
    return this.runOp<CollectDigitsResult>('collect', o.signal, { kind: 'aborted' }, async (op) => {
      const bargeIn = o.bargeIn ?? true;
      const r = await this.playPrompts(op, o.prompts, { digit: bargeIn });
      let first: string;
      if (r?.type === 'digit') first = r.digit;
      else {
        const w = await this.wait(op, o.firstDigitTimeoutMs, { digit: true }, 'digits');
        if (w.type !== 'digit') return { kind: 'noinput' };
        first = w.digit;
      }
      const { digits, terminator } = await this.keysFrom(op, first, o.maxDigits, o.terminators, o.interDigitTimeoutMs, 'digits');
      if (digits.length < o.minDigits) return { kind: 'incomplete', digits };
      return terminator === undefined ? { kind: 'digits', digits } : { kind: 'digits', digits, terminator };
    });
  }

  gatherSpeech(o: GatherSpeechOptions): Promise<GatherSpeechResult> {
    return this.runOp<GatherSpeechResult>('gather', o.signal, { kind: 'aborted' }, async (op) => {
      const bargeIn = o.bargeIn ?? true;
      const dtmf = o.dtmf;
      let input: SimInput | null = await this.playPrompts(op, o.prompts, { digit: bargeIn && dtmf ? true : false, speech: bargeIn });
      if (!input) {
        const w = await this.wait(op, o.noInputTimeoutMs, { digit: dtmf ? true : false, speech: true }, 'speech');
        if (w.type === 'timeout') return { kind: 'noinput' };
        input = w;
      }
      if (input.type === 'speech') return { kind: 'speech', text: input.text, confidence: input.confidence };
      if (input.type !== 'digit' || !dtmf) return { kind: 'noinput' };
      const { digits, terminator } = await this.keysFrom(op, input.digit, dtmf.maxDigits, dtmf.terminators, dtmf.interDigitTimeoutMs, 'speech');
      return terminator === undefined ? { kind: 'digits', digits } : { kind: 'digits', digits, terminator };
    });
  }

  record(o: RecordOptions): Promise<RecordResult> {
    if (!(o.maxSeconds > 0)) {
      return Promise.reject(new RangeError(`record on ${this.info.id}: maxSeconds must be > 0 (got ${o.maxSeconds})`));
    }
    return this.runOp<RecordResult>('record', o.signal, { kind: 'aborted' }, async (op) => {
      if (o.beep) await this.playPrompts(op, [{ kind: 'tone', tone: 'beep' }], {});
      const clock = this.env.clock;
      const t0 = clock.now();
      const maxEnd = t0 + o.maxSeconds * 1000;
      const silenceMs = (o.silenceSeconds ?? 0) * 1000;
      let speechEnd: number | null = null;
      let terminator: string | undefined;
      this.logEvent('record-start');
      let hungUp = false;
      for (;;) {
        const now = clock.now();
        const deadline = silenceMs > 0 ? Math.min(maxEnd, (speechEnd ?? t0) + silenceMs) : maxEnd;
        let w: Awaited<ReturnType<typeof this.wait>>;
        try {
          w = await this.wait(op, Math.max(0, deadline - now), { digit: 'live', speech: true, speak: true }, 'record');
        } catch (err) {
          // A caller who hangs up instead of pressing the terminator has still left a message.
          if (err instanceof OpStopped && err.why === 'hangup') {
            hungUp = true;
            break;
          }
          throw err;
        }
        if (w.type === 'timeout') break;
        if (w.type === 'digit') {
          if (o.terminators.includes(w.digit)) {
            terminator = w.digit;
            break;
          }
          continue;
        }
        const ms = w.type === 'speak' ? w.ms : speechMs(w.text);
        if (ms > 0) speechEnd = Math.max(speechEnd ?? now, now + ms);
        if (w.type === 'speak' && w.thenDigits) {
          const keys = w.thenDigits;
          this.opTimer(op, ms, () => this.pressKeys(keys));
        }
      }
      const stop = clock.now();
      const durationMs = speechEnd === null ? 0 : Math.min(speechEnd, stop) - t0;
      if (durationMs <= 0) {
        this.logEvent('record', 'empty');
        return { kind: 'empty' };
      }
      const location = o.path ?? `sim://recordings/${this.info.id}-${++this.recordings}.wav`;
      this.logEvent('record', `${location} ${durationMs}ms`);
      if (hungUp) return { kind: 'recorded', location, durationMs, hungUp: true };
      return terminator === undefined ? { kind: 'recorded', location, durationMs } : { kind: 'recorded', location, durationMs, terminator };
    });
  }

  async startMusicOnHold(source?: string): Promise<void> {
    this.assertUp();
    if (this.op) this.stopOp(this.op, 'preempt');
    if (this.mohSource !== null) return;
    this.mohSource = source ?? 'default';
    this.logEvent('moh-start', this.mohSource);
  }

  async stopMusicOnHold(): Promise<void> {
    this.assertUp();
    this.stopMoh();
  }

  bridge(other: Call, options: { signal?: AbortSignal } = {}): Promise<BridgeEnd> {
    if (this.isEnded) return Promise.reject(hungUpError(this.info.id));
    if (!(other instanceof SimCall) || other.env !== this.env || other === this) {
      return Promise.reject(new TelephonyError('BRIDGE_FAILED', `bridge ${this.info.id}: the other call must be another call of the same simulator`));
    }
    if (other.isEnded) {
      return Promise.reject(new TelephonyError('BRIDGE_FAILED', `bridge ${this.info.id} to ${other.info.id}: the other call has ended`));
    }
    if (this.link || other.link) {
      return Promise.reject(new TelephonyError('BRIDGE_FAILED', `bridge ${this.info.id} to ${other.info.id}: a call is already bridged`));
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.resolve({ endedBy: 'aborted' });
    return new Promise<BridgeEnd>((resolve) => {
      const onAbort = (): void => {
        unlink('aborted');
        link.finish({ endedBy: 'aborted' });
      };
      const unlink = (why: string): void => {
        if (this.link === link) this.link = null;
        if (other.link === link) other.link = null;
        this.logEvent('unbridge', why);
        other.logEvent('unbridge', why);
      };
      const link: BridgeLink = {
        a: this,
        b: other,
        finish: (end) => {
          signal?.removeEventListener('abort', onAbort);
          if (end.endedBy !== 'aborted') unlink(end.endedBy === 'self' ? `${this.info.id} hung up` : `${other.info.id} hung up`);
          resolve(end);
        },
      };
      for (const c of [this, other]) {
        if (c.op) c.stopOp(c.op, 'preempt');
        c.stopMoh();
        c.dtmfBuffer = '';
        c.link = link;
      }
      this.logEvent('bridge', other.info.id);
      other.logEvent('bridge', this.info.id);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async transfer(target: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.assertUp();
    if (options.signal?.aborted) throw abortReason(options.signal);
    const status = this.env.transferFailure(target);
    if (status !== undefined) {
      this.logEvent('transfer-failed', `${target} ${status}`);
      throw new TransferFailedError(target, status);
    }
    this.logEvent('transfer', target);
    await this.hangup('transfer');
  }

  async hangup(cause: HangupCause = 'local'): Promise<void> {
    if (this.cause !== null) return;
    this.cause = cause;
    this.listeningKind = null;
    this.mohSource = null;
    this.dtmfBuffer = '';
    this.logEvent('hangup', cause);
    if (this.env.logger.isLevelEnabled('debug')) this.log.debug({ cause }, 'simulated call ended');
    if (this.op) this.stopOp(this.op, 'hangup');
    this.holdRelease();
    this.controller.abort(hungUpError(this.info.id));
    this.emit('hangup', cause);
    // Read after the abort and hang-up listeners ran: one of them may have
    // ended the bridge on purpose (the queue node keeps the caller for the
    // rest of the flow when the agent hangs up); then the peer stays up.
    const link = this.link;
    const watchers = this.promptWatchers;
    this.promptWatchers = null;
    for (const w of watchers ?? []) w.reject(hungUpError(this.info.id));
    this.party.callEnded();
    if (link) {
      link.finish({ endedBy: link.a === this ? 'self' : 'other' });
      const peer = link.a === this ? link.b : link.a;
      await peer.hangup(cause);
    }
  }

  on<E extends keyof CallEventMap>(event: E, listener: (...args: CallEventMap[E]) => void): this {
    const list = (this.listeners[event] ??= []) as Array<(...args: CallEventMap[E]) => void>;
    list.push(listener);
    return this;
  }

  off<E extends keyof CallEventMap>(event: E, listener: (...args: CallEventMap[E]) => void): this {
    const list = this.listeners[event] as Array<(...args: CallEventMap[E]) => void> | undefined;
    const i = list?.indexOf(listener) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
    return this;
  }

  // ------------------------------------------------------ for tests / CLI

  /** Calls `fn` for every prompt heard and event logged from now on. Returns an unsubscribe function. */
  observe(fn: (a: SimActivity) => void): () => void {
    (this.observers ??= []).push(fn);
    return () => {
      const i = this.observers?.indexOf(fn) ?? -1;
      if (i >= 0) this.observers!.splice(i, 1);
    };
  }

  /**
   * Resolves with the first heard prompt (already heard, from index `since`, or
   * heard later) that matches: exact text, a RegExp on the text, or a predicate.
   * Rejects with CallHungUpError if the call ends first.
   */
  waitForPrompt(match: string | RegExp | ((e: HeardEntry) => boolean), since = 0): Promise<HeardEntry> {
    const test = typeof match === 'string' ? (e: HeardEntry) => e.text === match : match instanceof RegExp ? (e: HeardEntry) => match.test(e.text) : match;
    const past = this.heard.slice(since).find(test);
    if (past) return Promise.resolve(past);
    if (this.isEnded) return Promise.reject(hungUpError(this.info.id));
    return new Promise((resolve, reject) => (this.promptWatchers ??= []).push({ test, resolve, reject }));
  }

  // ------------------------------------------- far-end input (SimParty)

  /** @internal Delivers one input from the far end. */
  deliver(input: SimInput): void {
    if (this.isEnded) return;
    if (input.type === 'digit') {
      this.logEvent('dtmf', input.digit);
      this.emit('dtmf', input.digit);
    } else if (input.type === 'speech') this.logEvent('speech', input.text);
    else this.logEvent('speak', `${input.ms}ms`);
    if (this.link) return; // bridged: the IVR does not consume the far end's input
    const op = this.op;
    const p = op?.pending;
    if (op && p && accepts(p.accepts, input)) {
      op.inputSeen = true;
      this.settle(op, input);
      return;
    }
    if (input.type === 'digit') this.dtmfBuffer += input.digit;
  }

  /** @internal Presses keys one by one. */
  pressKeys(keys: string): void {
    for (const k of keys) {
      if (this.isEnded) return;
      this.deliver({ type: 'digit', digit: k });
    }
  }

  /** @internal A timer that lives as long as the operation does. */
  opTimer(op: SimOperation, ms: number, fn: () => void): void {
    if (op.stopped) return;
    const t = this.env.clock.setTimer(ms, () => {
      const i = op.timers?.indexOf(t) ?? -1;
      if (i >= 0) op.timers!.splice(i, 1);
      fn();
    });
    (op.timers ??= []).push(t);
  }

  /** @internal The current operation, if any. */
  get currentOperation(): SimOperation | null {
    return this.op;
  }

  /**
   * @internal Keeps an auto-advancing virtual clock from jumping over the
   * current wait until live input arrives (onScriptEnd 'wait').
   */
  holdForLiveInput(): void {
    if (this.releaseHold) return;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    this.releaseHold = release;
    void this.env.clock.external(held);
  }

  /** @internal Lets the clock run again (live input came, or the party chose silence). */
  holdRelease(): void {
    const r = this.releaseHold;
    this.releaseHold = null;
    r?.();
  }

  // ----------------------------------------------------------- machinery

  private assertUp(): void {
    if (this.isEnded) throw hungUpError(this.info.id);
  }

  private async runOp<T>(kind: SimOperation['kind'], signal: AbortSignal | undefined, aborted: T, body: (op: SimOperation) => Promise<T>): Promise<T> {
    this.assertUp();
    if (signal?.aborted) return aborted;
    if (this.op) this.stopOp(this.op, 'preempt');
    this.stopMoh();
    const op = new SimOperation(kind);
    this.op = op;
    // The call's own signal needs no listener: hangup() stops the operation before it aborts that signal.
    const watched = signal === this.controller.signal ? undefined : signal;
    const onAbort = (): void => this.stopOp(op, 'abort');
    watched?.addEventListener('abort', onAbort, { once: true });
    if (kind !== 'play') this.party.operationStarted(op);
    try {
      const result = await body(op);
      const keptRecording = kind === 'record' && (result as { hungUp?: boolean }).hungUp === true;
      if (keptRecording) return result;
      if (op.stopped?.why === 'hangup') throw hungUpError(this.info.id);
      if (op.stopped) return aborted;
      return result;
    } catch (err) {
      if (err instanceof OpStopped) {
        if (err.why === 'hangup') throw hungUpError(this.info.id);
        return aborted;
      }
      throw err;
    } finally {
      watched?.removeEventListener('abort', onAbort);
      this.endOp(op);
    }
  }

  private stopOp(op: SimOperation, why: StopWhy): void {
    if (op.stopped) return;
    op.stopped = new OpStopped(why);
    if (op.playing) {
      op.playing.interrupted = true;
      op.playing.stoppedBy = why === 'hangup' ? 'hangup' : 'aborted';
      op.playing = null;
    }
    const p = op.pending;
    op.pending = null;
    if (p) {
      p.timer?.cancel();
      p.reject(op.stopped);
    }
    this.endOp(op);
  }

  private endOp(op: SimOperation): void {
    for (const t of op.timers ?? []) t.cancel();
    op.timers = null;
    if (op.pending) {
      op.pending.timer?.cancel();
      op.pending = null;
    }
    if (this.op === op) {
      this.op = null;
      this.listeningKind = null;
      this.holdRelease();
    }
  }

  private settle(op: SimOperation, r: WaitResult): void {
    const p = op.pending;
    if (!p) return;
    op.pending = null;
    p.timer?.cancel();
    this.listeningKind = null;
    this.holdRelease();
    p.resolve(r);
  }

  /**
   * Waits for input the operation accepts, or `ms` (the timeout). With
   * `listen`, the call is listening: the far end is told (and its script may act).
   */
  private wait(op: SimOperation, ms: number, acc: Accepts, listen?: ListenKind): Promise<WaitResult> {
    if (op.stopped) return Promise.reject(op.stopped);
    if (acc.digit === true && this.dtmfBuffer.length > 0) {
      const digit = this.dtmfBuffer[0]!;
      this.dtmfBuffer = this.dtmfBuffer.slice(1);
      op.inputSeen = true;
      return Promise.resolve({ type: 'digit', digit });
    }
    return new Promise<WaitResult>((resolve, reject) => {
      const timer = ms > 0 ? this.env.clock.setTimer(ms, () => this.settle(op, { type: 'timeout' })) : null;
      op.pending = { timer, accepts: acc, resolve, reject };
      if (listen) {
        this.listeningKind = listen;
        this.party.listening(listen, op);
      }
      if (!timer && op.pending?.resolve === resolve) this.settle(op, { type: 'timeout' });
    });
  }

  /** Plays prompts in order; returns the input that stopped them (barge-in), or null when all played. */
  private async playPrompts(op: SimOperation, prompts: Prompt[], acc: Accepts): Promise<SimInput | null> {
    for (const prompt of prompts) {
      if (prompt.kind === 'file' && this.env.isFileMissing(prompt.path)) {
        throw new MediaError(`file not found: ${prompt.path}`, { code: 'FILE_NOT_FOUND' });
      }
      if (op.stopped) throw op.stopped;
      const entry: HeardEntry = { at: this.env.clock.now(), prompt, text: describePrompt(prompt) };
      this.addHeard(entry);
      op.playing = entry;
      const r = await this.wait(op, promptMs(prompt, (p) => this.env.fileDurationMs(p)), acc);
      op.playing = null;
      if (r.type === 'timeout') continue;
      entry.interrupted = true;
      entry.stoppedBy = r.type === 'digit' ? 'digit' : 'speech';
      return r;
    }
    return null;
  }

  /** Keys after the first: up to max, a terminator, or the inter-digit timeout. */
  private async keysFrom(
    op: SimOperation,
    first: string,
    max: number,
    terminators: string,
    interDigitMs: number,
    listen: ListenKind,
  ): Promise<{ digits: string; terminator?: string }> {
    let digits = '';
    let key = first;
    for (;;) {
      if (terminators.includes(key)) return { digits, terminator: key };
      digits += key;
      if (digits.length >= max) return { digits };
      const w = await this.wait(op, interDigitMs, { digit: true }, listen);
      if (w.type !== 'digit') return { digits };
      key = w.digit;
    }
  }

  private stopMoh(): void {
    if (this.mohSource === null) return;
    this.mohSource = null;
    this.logEvent('moh-stop');
  }

  private addHeard(entry: HeardEntry): void {
    this.heard.push(entry);
    if (this.observers) for (const o of [...this.observers]) o({ type: 'heard', entry });
    const watchers = this.promptWatchers;
    if (!watchers) return;
    for (let i = watchers.length - 1; i >= 0; i--) {
      const w = watchers[i]!;
      if (w.test(entry)) {
        watchers.splice(i, 1);
        w.resolve(entry);
      }
    }
  }

  /** @internal */
  logEvent(kind: SimEventKind, detail?: string): void {
    const event: SimEvent = detail === undefined ? { at: this.env.clock.now(), kind } : { at: this.env.clock.now(), kind, detail };
    this.events.push(event);
    if (this.observers) for (const o of [...this.observers]) o({ type: 'event', event });
  }

  private emit<E extends keyof CallEventMap>(event: E, ...args: CallEventMap[E]): void {
    const list = this.listeners[event] as Array<(...args: CallEventMap[E]) => void> | undefined;
    if (list) for (const l of [...list]) l(...args);
  }
}

function accepts(acc: Accepts, input: SimInput): boolean {
  if (input.type === 'digit') return acc.digit === true || acc.digit === 'live';
  if (input.type === 'speech') return acc.speech === true;
  return acc.speak === true;
}
