/**
 * The in-process telephony driver: the whole Telephony port with no SIP stack.
 * Tests, `ivr simulate`, `ivr flows test`, the ACD/call-back tests and the
 * admin API (TELEPHONY_DRIVER=sim) use it. Time comes from the injected clock.
 *
 *   const sim = new SimTelephony({ clock });
 *   sim.onIncoming((call) => engine.handle(call, flow));
 *   const { call, party } = sim.incoming({ to: '+48221234567', script: [{ digits: '1' }] });
 *   sim.endpoint('sip:1001@agents', { answerAfterMs: 3000 });
 */
import pino, { type Logger } from 'pino';
import type { DialRequest, DialResult, IncomingCallHandler, Telephony } from '../port.ts';
import { TelephonyError } from '../errors.ts';
import type { Clock } from '../../util/clock.ts';
import type { CallerAction } from './caller-script.ts';
import { SimCall, type SimCallOptions, type SimEnvironment } from './sim-call.ts';
import type { EndpointBehaviour, EndpointSpec, ScriptEnd, SimCallHandle, SimDialRecord } from './types.ts';

export interface SimTelephonyOptions {
  clock: Clock;
  logger?: Logger;
  /** Call ids are `<idPrefix><n>`; default `sim-`. Several instances on one Redis need distinct prefixes (ids must be unique across instances). */
  idPrefix?: string;
}

export interface IncomingOptions {
  /** Caller number; default 'anonymous'. */
  from?: string;
  /** Dialed number (DID). */
  to: string;
  headers?: Record<string, string>;
  script?: CallerAction[];
  /** Default: 'hangup' when a script is given, else 'silence'. */
  onScriptEnd?: ScriptEnd;
}

const SIP_STATUS = { busy: 486, rejected: 603, failed: 503, 'no-answer': 480, cancelled: 487 } as const;

type CallWaiter = { direction: 'inbound' | 'outbound' | undefined; resolve: (h: SimCallHandle) => void };

export class SimTelephony implements Telephony, SimEnvironment {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Every call created, in order (inbound and answered outbound legs). */
  readonly calls: SimCall[] = [];
  /** Every dial attempt, in order. */
  readonly dials: SimDialRecord[] = [];

  private handler: IncomingCallHandler | null = null;
  private closed = false;
  private seq = 0;
  private readonly idPrefix: string;
  private readonly endpoints = new Map<string, EndpointSpec>();
  private readonly fileDurations = new Map<string, number>();
  private missing: (path: string) => boolean = () => false;
  private failTransfer: (target: string) => boolean = () => false;
  private failTransferStatus = 503;
  private callWaiters: CallWaiter[] = [];

  constructor(options: SimTelephonyOptions) {
    this.clock = options.clock;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.idPrefix = options.idPrefix ?? 'sim-';
  }

  // ---------------------------------------------------------------- port

  onIncoming(handler: IncomingCallHandler): void {
    this.handler = handler;
  }

  async dial(req: DialRequest): Promise<DialResult> {
    const record: SimDialRecord = {
      to: req.to,
      headers: { ...(req.headers ?? {}) },
      at: this.clock.now(),
      outcome: 'pending',
    };
    if (req.callerId !== undefined) record.callerId = req.callerId;
    this.dials.push(record);
    const fail = (reason: Exclude<SimDialRecord['outcome'], 'pending' | 'answered'>, sipStatus: number, detail?: string): DialResult => {
      record.outcome = reason;
      record.sipStatus = sipStatus;
      record.endedAt = this.clock.now();
      return detail === undefined ? { ok: false, reason, sipStatus } : { ok: false, reason, sipStatus, detail };
    };
    if (this.closed) return fail('failed', 503, 'the simulated telephony is closed');
    if (req.signal?.aborted) return fail('cancelled', SIP_STATUS.cancelled);
    const spec = this.lookup(req.to);
    if (!spec) return fail('failed', 404, `no simulated endpoint for ${req.to}`);
    const b: EndpointBehaviour = typeof spec === 'function' ? await spec(req) : spec;
    if (req.signal?.aborted) return fail('cancelled', SIP_STATUS.cancelled);
    const result = b.result ?? 'answer';
    const after = Math.max(0, b.answerAfterMs ?? 0);
    const timesOut = result === 'no-answer' || after > req.ringTimeoutMs;
    const rang = await this.ring(timesOut ? req.ringTimeoutMs : after, req.signal);
    if (rang === 'cancelled') {
      b.onCancel?.(req);
      return fail('cancelled', SIP_STATUS.cancelled);
    }
    if (timesOut) return fail('no-answer', SIP_STATUS['no-answer']);
    if (result !== 'answer') return fail(result, SIP_STATUS[result]);
    if (this.closed) return fail('failed', 503, 'the simulated telephony is closed');
    const call = this.createCall({
      direction: 'outbound',
      from: req.callerId ?? 'anonymous',
      to: req.to,
      headers: req.headers ?? {},
      answered: true,
      script: b.script ?? [],
      onScriptEnd: b.onScriptEnd ?? 'silence',
    });
    record.outcome = 'answered';
    record.callId = call.info.id;
    record.endedAt = this.clock.now();
    b.onAnswer?.(call.party);
    this.notifyWaiters(call);
    return { ok: true, call };
  }

  async health(): Promise<{ ok: boolean; detail: Record<string, string> }> {
    return {
      ok: !this.closed,
      detail: { driver: 'sim', state: this.closed ? 'closed' : 'open', activeCalls: String(this.activeCalls()) },
    };
  }

  /** Refuses new calls from now on; calls in progress are left alone. */
  async close(): Promise<void> {
    this.closed = true;
  }

  // ------------------------------------------------------- test controls

  /**
   * A new inbound call: delivered to the onIncoming handler (if any) before this
   * returns. Throws TelephonyError BACKEND_UNAVAILABLE after close().
   */
  incoming(opts: IncomingOptions): SimCallHandle {
    if (this.closed) throw new TelephonyError('BACKEND_UNAVAILABLE', 'the simulated telephony is closed: no new calls');
    const call = this.createCall({
      direction: 'inbound',
      from: opts.from ?? 'anonymous',
      to: opts.to,
      headers: opts.headers ?? {},
      answered: false,
      script: opts.script ?? [],
      onScriptEnd: opts.onScriptEnd ?? (opts.script ? 'hangup' : 'silence'),
    });
    this.notifyWaiters(call);
    this.handler?.(call);
    return { call, party: call.party };
  }

  /**
   * Registers a far end for dial(): an exact destination ("sip:1001@10.0.0.5",
   * "+48601000001"), a SIP user part ("1001" also matches "sip:1001@host"), or
   * "*" for any destination not registered otherwise.
   */
  endpoint(destination: string, behaviour: EndpointSpec): void {
    this.endpoints.set(destination, behaviour);
  }

  removeEndpoint(destination: string): void {
    this.endpoints.delete(destination);
  }

  /** How long a file prompt plays (default 2000 ms). */
  setFileDuration(path: string, ms: number): void {
    this.fileDurations.set(path, ms);
  }

  /** Makes playing these files fail with MediaError FILE_NOT_FOUND. */
  missingFiles(which: ((path: string) => boolean) | Iterable<string>): void {
    this.missing = toPredicate(which);
  }

  /** Makes transfers to matching targets throw TransferFailedError with this SIP status. */
  failTransfersTo(which: ((target: string) => boolean) | Iterable<string>, sipStatus = 503): void {
    this.failTransfer = toPredicate(which);
    this.failTransferStatus = sipStatus;
  }

  /** Resolves with the next call created (optionally only inbound or outbound). */
  nextCall(filter: { direction?: 'inbound' | 'outbound' } = {}): Promise<SimCallHandle> {
    return new Promise((resolve) => this.callWaiters.push({ direction: filter.direction, resolve }));
  }

  /** Calls not yet ended. */
  activeCalls(): number {
    let n = 0;
    for (const c of this.calls) if (!c.isEnded) n++;
    return n;
  }

  /** Finds a call by id. */
  call(id: string): SimCall | undefined {
    return this.calls.find((c) => c.info.id === id);
  }

  // -------------------------------------------------- SimEnvironment

  fileDurationMs(path: string): number | undefined {
    return this.fileDurations.get(path);
  }

  isFileMissing(path: string): boolean {
    return this.missing(path);
  }

  transferFailure(target: string): number | undefined {
    return this.failTransfer(target) ? this.failTransferStatus : undefined;
  }

  // ----------------------------------------------------------- internals

  private createCall(o: Omit<SimCallOptions, 'id'>): SimCall {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers)) headers[k.toLowerCase()] = v;
    const call = new SimCall(this, { ...o, headers, id: `${this.idPrefix}${++this.seq}` });
    this.calls.push(call);
    return call;
  }

  private notifyWaiters(call: SimCall): void {
    const keep: CallWaiter[] = [];
    const fire: CallWaiter[] = [];
    for (const w of this.callWaiters) (w.direction === undefined || w.direction === call.info.direction ? fire : keep).push(w);
    this.callWaiters = keep;
    for (const w of fire) w.resolve({ call, party: call.party });
  }

  private lookup(to: string): EndpointSpec | undefined {
    const exact = this.endpoints.get(to);
    if (exact) return exact;
    const user = /^sips?:([^@;]+)@/.exec(to)?.[1];
    return (user !== undefined ? this.endpoints.get(user) : undefined) ?? this.endpoints.get('*');
  }

  /** Rings for `ms` on the clock; 'cancelled' when the signal aborts first. */
  private ring(ms: number, signal: AbortSignal | undefined): Promise<'elapsed' | 'cancelled'> {
    if (signal?.aborted) return Promise.resolve('cancelled');
    if (ms <= 0) return Promise.resolve('elapsed');
    return new Promise((resolve) => {
      const onAbort = (): void => {
        timer.cancel();
        resolve('cancelled');
      };
      const timer = this.clock.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve('elapsed');
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function toPredicate(which: ((s: string) => boolean) | Iterable<string>): (s: string) => boolean {
  if (typeof which === 'function') return which;
  const set = new Set(which);
  return (s) => set.has(s);
}
