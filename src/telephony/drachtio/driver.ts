/**
 * The drachtio + FreeSWITCH telephony driver (implements the port's
 * Telephony). Incoming INVITE → admission (scanners, rate limit, trunk
 * allow-list) → known number? → FreeSWITCH endpoint (connectCaller) → Call to
 * the incoming handler. REGISTER → admission → registrar. Outbound dial →
 * FreeSWITCH endpoint + INVITE (createUAC) + modify with the answer.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../util/redis-client.ts';
import type { Logger } from 'pino';
import type { Clock } from '../../util/clock.ts';
import type { CallInfo, DialFailureReason, DialRequest, DialResult, IncomingCallHandler, Telephony } from '../port.ts';
import { AdmissionControl, type AdmissionSettings } from './admission.ts';
import { DrachtioCall } from './call.ts';
import { MediaSupervisor, SignalingSupervisor, type BackoffSettings } from './connection.ts';
import type { MediaSettings } from './media.ts';
import { Registrar, userOf, type RegistrarSettings } from './registrar.ts';
import { LegBook, type LegBookSettings } from './leg-book.ts';
import { OrphanJanitor, type JanitorSettings } from './orphan-janitor.ts';
import { SipFailure, type InboundRequest, type MediaConnector, type MediaEndpoint, type MediaServer, type ResponseSink, type SignalingStack, type SipDialog } from './types.ts';

export interface DriverSettings {
  /**
   * The book of call legs in Redis and the janitor that ends the legs of
   * instances that died (leg-book.ts, orphan-janitor.ts); left out: neither.
   * `sipServer`/`mediaServer` name the drachtio-server and FreeSWITCH this
   * instance uses (host:port), so that only instances on the same servers
   * act on each other's legs.
   */
  legs?: LegBookSettings & JanitorSettings & { sipServer: string; mediaServer: string };
  admission: AdmissionSettings;
  registrar: RegistrarSettings;
  outbound: { trunk: string; callerId: string; trunkUsername?: string; trunkPassword?: string };
  media: MediaSettings;
  reconnect: BackoffSettings;
  freeswitchConnectTimeoutMs: number;
  shutdownGraceMs: number;
}

export interface DriverDeps {
  signaling: SignalingStack;
  media: MediaConnector;
  redis: RedisClient;
  logger: Logger;
  clock: Clock;
  /** Is a flow routed to this dialed number? (the routing table, from the composition root) */
  isKnownNumber(did: string): boolean | Promise<boolean>;
  newId?: () => string;
}

/** User part of a request URI: sip:+48221234567@host;user=phone → +48221234567; tel:+4822 → +4822. */
export function dialedNumber(uri: string): string {
  const tel = /^tel:([^;]+)/i.exec(uri);
  if (tel) return decodeURIComponent(tel[1]!);
  const m = /^sips?:([^@;]+)@/i.exec(uri);
  return m ? decodeURIComponent(m[1]!) : '';
}

/** Presented caller: P-Asserted-Identity, else From; 'anonymous' when withheld. */
export function callerNumber(req: Pick<InboundRequest, 'get'>): string {
  const privacy = (req.get('privacy') ?? '').toLowerCase();
  const user = userOf(req.get('p-asserted-identity')) ?? userOf(req.get('from'));
  if (!user || privacy.includes('id') || /^anonymous$/i.test(user)) return 'anonymous';
  return user;
}

/** Headers offered to flows: X-*, Diversion, Referred-By, User-to-User (lower-case names). */
function interestingHeaders(req: InboundRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const n = name.toLowerCase();
    if (n.startsWith('x-') || n === 'diversion' || n === 'referred-by' || n === 'user-to-user') out[n] = String(value);
  }
  return out;
}

function failure(reason: DialFailureReason, sipStatus?: number, detail?: string): DialResult {
  return { ok: false, reason, ...(sipStatus !== undefined ? { sipStatus } : {}), ...(detail !== undefined ? { detail } : {}) };
}

/** Typed dial failure from a final SIP status. */
export function reasonForStatus(status: number): DialFailureReason {
  if (status === 486 || status === 600) return 'busy';
  if (status === 408 || status === 480 || status === 487) return 'no-answer';
  if (status === 403 || status === 603 || status === 404 || status === 410 || status === 484 || status === 604) return 'rejected';
  return 'failed';
}

export class DrachtioTelephony implements Telephony {
  readonly registrar: Registrar;
  private readonly admission: AdmissionControl;
  private readonly signalingSup: SignalingSupervisor;
  private readonly mediaSup: MediaSupervisor;
  private readonly calls = new Set<DrachtioCall>();
  private readonly legBook: LegBook | undefined;
  private readonly janitor: OrphanJanitor | undefined;
  private readonly newId: () => string;
  private handler: IncomingCallHandler | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private started = false;

  constructor(
    private readonly settings: DriverSettings,
    private readonly deps: DriverDeps,
  ) {
    this.newId = deps.newId ?? randomUUID;
    this.admission = new AdmissionControl(settings.admission, deps.clock);
    this.registrar = new Registrar(settings.registrar, deps.redis, deps.clock, deps.logger.child({ part: 'registrar' }));
    this.signalingSup = new SignalingSupervisor(deps.signaling, settings.reconnect, deps.clock, deps.logger.child({ part: 'drachtio' }));
    this.mediaSup = new MediaSupervisor(
      deps.media,
      settings.reconnect,
      settings.freeswitchConnectTimeoutMs,
      deps.clock,
      deps.logger.child({ part: 'freeswitch' }),
    );
    const legs = settings.legs;
    if (legs) {
      const log = deps.logger.child({ part: 'legs' });
      const book = new LegBook(deps.redis, legs, deps.clock, log);
      const fs = (): MediaServer => {
        const server = this.mediaSup.current;
        if (!server) throw new Error('FreeSWITCH is not connected');
        return server;
      };
      this.legBook = book;
      this.janitor = new OrphanJanitor(legs, {
        book,
        servers: () =>
          this.signalingSup.state === 'connected' && this.mediaSup.state === 'connected' ? { sipServer: legs.sipServer, mediaServer: legs.mediaServer } : undefined,
        channelExists: async (uuid) => (await fs().api(`uuid_exists ${uuid}`)).trim() === 'true',
        killChannel: async (uuid) => {
          await fs().api(`uuid_kill ${uuid}`);
        },
        endDialog: (dialogId) => deps.signaling.endDialog(dialogId),
        clock: deps.clock,
        log,
      });
    }
    deps.signaling.onRequest('invite', (req, res) => void this.onInvite(req, res));
    deps.signaling.onRequest('register', (req, res) => this.onRegister(req, res));
    deps.signaling.onRequest('options', (req, res) => this.onOptions(req, res));
  }

  /** Connects to drachtio-server and FreeSWITCH (and keeps reconnecting). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.signalingSup.start();
    this.mediaSup.start();
    this.legBook?.start();
    this.janitor?.start();
  }

  onIncoming(handler: IncomingCallHandler): void {
    this.handler = handler;
  }

  /** Calls in progress on this instance. */
  get activeCalls(): number {
    return this.calls.size;
  }

  async health(): Promise<{ ok: boolean; detail: Record<string, string> }> {
    const drachtio = this.signalingSup.state;
    const freeswitch = this.mediaSup.state;
    return {
      ok: !this.closing && drachtio === 'connected' && freeswitch === 'connected',
      detail: {
        drachtio,
        freeswitch,
        calls: String(this.calls.size),
        accepting: String(!this.closing),
      },
    };
  }

  // ---------------------------------------------------------------- inbound

  private admit(req: InboundRequest, res: ResponseSink): boolean {
    const decision = this.admission.check({ method: req.method, sourceAddress: req.source_address, userAgent: req.get('user-agent') });
    if (decision.action === 'accept') return true;
    const log = this.deps.logger;
    if (decision.action === 'drop') {
      log.debug({ method: req.method, source: req.source_address, reason: decision.reason }, 'SIP request dropped');
      return false;
    }
    log.info({ method: req.method, source: req.source_address, status: decision.status, reason: decision.reason }, 'SIP request rejected');
    res.send(decision.status, decision.headers ? { headers: decision.headers } : undefined);
    return false;
  }

  private async onInvite(req: InboundRequest, res: ResponseSink): Promise<void> {
    const log = this.deps.logger.child({ sipCallId: req.callId });
    try {
      if (!this.admit(req, res)) return;
      if (this.closing) {
        res.send(503, { headers: { 'Retry-After': '30' } });
        return;
      }
      let cancelled = false;
      req.on('cancel', () => {
        cancelled = true;
        log.info('caller cancelled before the call was answered');
      });
      const did = dialedNumber(req.uri);
      const known = did !== '' && (await this.deps.isKnownNumber(did));
      if (cancelled) return;
      if (!known) {
        log.info({ did, source: req.source_address }, 'INVITE for an unknown number');
        res.send(404);
        return;
      }
      const ms = this.mediaSup.current;
      if (!ms || !this.handler) {
        log.error({ did, media: this.mediaSup.state }, 'INVITE refused: media server unavailable or no call handler');
        res.send(503, { headers: { 'Retry-After': '10' } });
        return;
      }
      let connected: { endpoint: MediaEndpoint; dialog: SipDialog };
      try {
        connected = await ms.connectCaller(req, res);
      } catch (err) {
        if (cancelled) return;
        if (err instanceof SipFailure) {
          // FreeSWITCH refused the leg (its sessions-per-second or max-sessions limit): overload, not a fault.
          log.warn({ did, status: err.status, reason: err.reason }, 'FreeSWITCH refused the call; answering 503');
        } else {
          log.error({ err, did }, 'could not connect the caller to FreeSWITCH');
        }
        res.send(503, { headers: { 'Retry-After': '5' } });
        return;
      }
      if (cancelled) {
        await Promise.all([connected.dialog.destroy(), connected.endpoint.destroy()]);
        return;
      }
      const info: CallInfo = {
        id: this.newId(),
        direction: 'inbound',
        from: callerNumber(req),
        to: did,
        headers: interestingHeaders(req),
        startedAt: this.deps.clock.now(),
      };
      const call = this.track(info, connected.endpoint, connected.dialog);
      log.info({ callId: info.id, did, from: info.from }, 'incoming call');
      if (this.closing) {
        await call.hangup('shutdown');
        return;
      }
      this.handler(call);
    } catch (err) {
      log.error({ err }, 'INVITE handling failed');
      res.send(500);
    }
  }

  private onRegister(req: InboundRequest, res: ResponseSink): void {
    if (!this.admit(req, res)) return;
    void this.registrar.handle(req, res);
  }

  private onOptions(req: InboundRequest, res: ResponseSink): void {
    if (!this.admit(req, res)) return;
    res.send(this.closing ? 503 : 200);
  }

  private track(info: CallInfo, endpoint: MediaEndpoint, dialog: SipDialog): DrachtioCall {
    const book = this.legBook;
    const legs = this.settings.legs;
    const call = new DrachtioCall(info, endpoint, dialog, {
      clock: this.deps.clock,
      logger: this.deps.logger,
      media: this.settings.media,
      onEnded: (c) => {
        this.calls.delete(c);
        book?.close(c.info.id);
      },
      ...(book
        ? {
            onBridge: (a: DrachtioCall, b: DrachtioCall, bridged: boolean) => {
              book.pair(a.info.id, bridged ? b.info.id : undefined);
              book.pair(b.info.id, bridged ? a.info.id : undefined);
            },
          }
        : {}),
    });
    this.calls.add(call);
    if (book && legs) {
      book.open({ id: info.id, dialogId: dialog.id, mediaId: endpoint.uuid, sipServer: legs.sipServer, mediaServer: legs.mediaServer, openedAt: this.deps.clock.now() });
    }
    return call;
  }

  // --------------------------------------------------------------- outbound

  /** SIP URI for a dial target: URIs as they are; numbers through the trunk. */
  targetUri(to: string): { uri: string; viaTrunk: boolean } | undefined {
    if (/^sips?:/i.test(to)) return { uri: to, viaTrunk: false };
    const number = to.replace(/[\s()-]/g, '');
    if (!/^\+?[0-9*#]{1,32}$/.test(number) || !this.settings.outbound.trunk) return undefined;
    return { uri: `sip:${number}@${this.settings.outbound.trunk}`, viaTrunk: true };
  }

  async dial(request: DialRequest): Promise<DialResult> {
    const log = this.deps.logger.child({ dialTo: request.to });
    if (this.closing) return failure('failed', undefined, 'shutting down');
    if (request.signal?.aborted) return failure('cancelled');
    const target = this.targetUri(request.to);
    if (!target) return failure('failed', undefined, this.settings.outbound.trunk ? 'not a SIP URI or number' : 'no trunk configured for numbers');
    const ms = this.mediaSup.current;
    if (!ms) return failure('failed', undefined, 'media server unavailable');

    let endpoint: MediaEndpoint;
    try {
      endpoint = await ms.createEndpoint();
    } catch (err) {
      log.error({ err }, 'could not create a FreeSWITCH endpoint');
      return failure('failed', undefined, 'media server error');
    }

    let stopCause: 'timeout' | 'abort' | undefined;
    let cancel: (() => void) | undefined;
    const stopRinging = (why: 'timeout' | 'abort'): void => {
      if (stopCause) return;
      stopCause = why;
      cancel?.();
    };
    const ringTimer = this.deps.clock.setTimer(request.ringTimeoutMs, () => stopRinging('timeout'));
    const onAbort = (): void => stopRinging('abort');
    request.signal?.addEventListener('abort', onAbort, { once: true });

    const { trunkUsername, trunkPassword } = this.settings.outbound;
    let dialog: SipDialog;
    try {
      dialog = await this.deps.signaling.createUac(
        target.uri,
        {
          localSdp: endpoint.localSdp,
          headers: { ...(request.headers ?? {}) },
          callingNumber: request.callerId ?? this.settings.outbound.callerId,
          ...(target.viaTrunk && trunkUsername && trunkPassword ? { auth: { username: trunkUsername, password: trunkPassword } } : {}),
        },
        {
          onRequestSent: (c) => {
            cancel = c;
            if (stopCause) c(); // stopped before the INVITE went out
          },
          onProvisional: (status) => log.debug({ status }, 'ringing'),
        },
      );
    } catch (err) {
      ringTimer.cancel();
      request.signal?.removeEventListener('abort', onAbort);
      await endpoint.destroy();
      if (stopCause === 'abort') return failure('cancelled');
      if (stopCause === 'timeout') return failure('no-answer', err instanceof SipFailure ? err.status : undefined, 'ring timeout');
      if (err instanceof SipFailure) return failure(reasonForStatus(err.status), err.status, err.reason);
      log.error({ err }, 'outbound INVITE failed');
      return failure('failed', undefined, 'signaling error');
    }
    ringTimer.cancel();
    request.signal?.removeEventListener('abort', onAbort);
    if (stopCause || this.closing) {
      // Answered just as we gave up: hang it up.
      await Promise.all([dialog.destroy(), endpoint.destroy()]);
      return stopCause === 'abort' || this.closing ? failure('cancelled') : failure('no-answer', undefined, 'ring timeout');
    }
    try {
      await endpoint.modify(dialog.remoteSdp);
    } catch (err) {
      log.error({ err }, 'FreeSWITCH rejected the answer SDP');
      await Promise.all([dialog.destroy(), endpoint.destroy()]);
      return failure('failed', undefined, 'media negotiation failed');
    }
    const info: CallInfo = {
      id: this.newId(),
      direction: 'outbound',
      from: request.callerId ?? this.settings.outbound.callerId,
      to: request.to,
      headers: {},
      startedAt: this.deps.clock.now(),
    };
    log.info({ callId: info.id }, 'outbound call answered');
    return { ok: true, call: this.track(info, endpoint, dialog) };
  }

  // --------------------------------------------------------------- shutdown

  /**
   * Stops taking calls (INVITE → 503), lets calls in progress finish for up
   * to shutdownGraceMs, hangs up the rest with cause 'shutdown' (their flows
   * see CallHungUpError and release their queue entries), then disconnects.
   */
  close(): Promise<void> {
    this.closed ??= this.doClose();
    return this.closed;
  }

  /** Looks at the legs left by instances that died now (the janitor does it every few seconds); returns how many it ended. */
  sweepOrphans(): Promise<number> {
    return this.janitor?.scan() ?? Promise.resolve(0);
  }

  /**
   * Stops its timers and its connections without ending calls or writing to
   * Redis, as if the process had died (tests, fail-over drills): what it held
   * is left for the other instances to take over.
   */
  halt(): void {
    this.closing = true;
    this.janitor?.halt();
    this.legBook?.halt();
    this.signalingSup.stop();
    this.mediaSup.stop();
  }

  private async doClose(): Promise<void> {
    this.closing = true;
    const log = this.deps.logger;
    if (this.calls.size > 0) {
      log.info({ calls: this.calls.size, graceMs: this.settings.shutdownGraceMs }, 'waiting for calls to finish');
      const deadline = this.deps.clock.now() + this.settings.shutdownGraceMs;
      while (this.calls.size > 0 && this.deps.clock.now() < deadline) {
        await this.deps.clock.sleep(Math.min(250, deadline - this.deps.clock.now()));
      }
      if (this.calls.size > 0) {
        log.warn({ calls: this.calls.size }, 'grace period over: hanging up remaining calls');
        await Promise.all([...this.calls].map((c) => c.hangup('shutdown')));
      }
    }
    await this.janitor?.stop();
    await this.legBook?.stop();
    this.signalingSup.stop();
    this.mediaSup.stop();
  }
}
