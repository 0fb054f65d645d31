/**
 * Stand-ins for FreeSWITCH (through drachtio-fsmrf) and for SIP dialogs,
 * implementing the driver's own interfaces (types.ts), so the compiler keeps
 * them honest. They record what the driver asked for and let a test play the
 * far end: finish a playback, press a key, hang up, answer with headers.
 */
import pino, { type Logger } from 'pino';
import type {
  FsEvent,
  InboundRequest,
  MediaConnector,
  MediaEndpoint,
  MediaServer,
  ResponseSink,
  SignalingStack,
  SipDialog,
  UacOptions,
  UacProgress,
  RequestHandler,
} from '../../../src/telephony/drachtio/types.ts';
import { SipFailure } from '../../../src/telephony/drachtio/types.ts';

export const silentLogger: Logger = pino({ level: 'silent' });

export class StandinEvent implements FsEvent {
  constructor(
    private readonly headers: Record<string, string> = {},
    private readonly body = '',
  ) {}
  getHeader(name: string): string | undefined {
    return this.headers[name];
  }
  getBody(): string {
    return this.body;
  }
}

interface PendingExec {
  app: string;
  arg: string;
  resolve(evt: FsEvent): void;
  reject(err: Error): void;
}

export const FS_SDP = 'v=0\r\no=FreeSWITCH 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 20000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n';

export class StandinEndpoint implements MediaEndpoint {
  readonly localSdp = FS_SDP;
  readonly executed: Array<{ app: string; arg: string }> = [];
  readonly apiCalls: Array<{ command: string; args: string }> = [];
  readonly modified: string[] = [];
  bridgedTo: StandinEndpoint | undefined;
  unbridged = false;
  destroyed = false;
  bridgeError: Error | undefined;
  private pending: PendingExec | undefined;
  private queue: PendingExec[] = [];
  private dtmf: Array<(d: string) => void> = [];
  private destroyListeners: Array<(cause?: string) => void> = [];
  /** Apps that complete at once (set, speak of silence...): app name → event headers. */
  autoComplete = new Map<string, Record<string, string>>([['set', {}]]);

  constructor(readonly uuid: string) {}

  execute(app: string, arg: string): Promise<FsEvent> {
    this.executed.push({ app, arg });
    if (this.destroyed) return Promise.reject(new Error('endpoint no longer active'));
    const auto = this.autoComplete.get(app);
    if (auto) return Promise.resolve(new StandinEvent({ Application: app, ...auto }));
    return new Promise<FsEvent>((resolve, reject) => {
      const p = { app, arg, resolve, reject };
      if (this.pending) this.queue.push(p);
      else this.pending = p;
    });
  }

  /** The application currently running (what the caller hears now). */
  get current(): { app: string; arg: string } | undefined {
    return this.pending ? { app: this.pending.app, arg: this.pending.arg } : undefined;
  }

  /** FreeSWITCH finishes the current application. */
  complete(headers: Record<string, string> = {}): void {
    const p = this.pending;
    if (!p) throw new Error('nothing is playing');
    this.pending = this.queue.shift();
    p.resolve(new StandinEvent({ Application: p.app, ...headers }));
  }

  async api(command: string, args: string): Promise<string> {
    this.apiCalls.push({ command, args });
    if (this.destroyed) throw new Error('endpoint no longer active');
    if (command === 'uuid_break' && this.pending) {
      // Like FreeSWITCH: the running application ends at once; queued ones are flushed ("all").
      const all = [this.pending, ...this.queue];
      this.pending = undefined;
      this.queue = [];
      for (const p of all) p.resolve(new StandinEvent({ Application: p.app }));
    }
    return '+OK';
  }

  async bridge(other: MediaEndpoint): Promise<void> {
    if (this.bridgeError) throw this.bridgeError;
    if (!(other instanceof StandinEndpoint)) throw new Error('foreign endpoint');
    this.bridgedTo = other;
    other.bridgedTo = this;
  }

  async unbridge(): Promise<void> {
    this.unbridged = true;
    if (this.bridgedTo) this.bridgedTo.bridgedTo = undefined;
    this.bridgedTo = undefined;
  }

  async modify(remoteSdp: string): Promise<string> {
    this.modified.push(remoteSdp);
    return FS_SDP.replace('a=sendrecv', remoteSdp.includes('a=sendonly') ? 'a=recvonly' : 'a=sendrecv');
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    const all = [this.pending, ...this.queue].filter((p): p is PendingExec => p !== undefined);
    this.pending = undefined;
    this.queue = [];
    for (const p of all) p.reject(new Error('endpoint no longer active'));
  }

  onDtmf(listener: (digit: string) => void): void {
    this.dtmf.push(listener);
  }

  onDestroy(listener: (cause?: string) => void): void {
    this.destroyListeners.push(listener);
  }

  /** The caller presses keys (RFC 2833 reaches FreeSWITCH, which emits DTMF events). */
  press(digits: string): void {
    for (const d of digits) for (const l of this.dtmf) l(d);
  }

  /** FreeSWITCH loses the channel (`cause`: its Hangup-Cause, e.g. MEDIA_TIMEOUT). */
  vanish(cause?: string): void {
    for (const l of this.destroyListeners) l(cause);
  }
}

export class StandinDialog implements SipDialog {
  private static seq = 0;
  readonly id = `dlg-${++StandinDialog.seq}`;
  remoteSdp: string;
  destroyed = false;
  readonly requests: Array<{ method: string; headers: Record<string, string>; body?: string }> = [];
  referStatus = 202;
  private destroyListeners: Array<() => void> = [];
  private modifyListeners: Array<(req: InboundRequest, res: ResponseSink) => void> = [];
  private infoListeners: Array<(req: InboundRequest, res: ResponseSink) => void> = [];

  constructor(remoteSdp = 'v=0\r\no=phone 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=sendrecv\r\n') {
    this.remoteSdp = remoteSdp;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }

  async request(method: 'REFER' | 'INFO', headers: Record<string, string>, body?: string): Promise<number> {
    this.requests.push({ method, headers, ...(body !== undefined ? { body } : {}) });
    return method === 'REFER' ? this.referStatus : 200;
  }

  onDestroy(listener: () => void): void {
    this.destroyListeners.push(listener);
  }
  onModify(listener: (req: InboundRequest, res: ResponseSink) => void): void {
    this.modifyListeners.push(listener);
  }
  onInfo(listener: (req: InboundRequest, res: ResponseSink) => void): void {
    this.infoListeners.push(listener);
  }

  /** The far end sends BYE. */
  hangUp(): void {
    this.destroyed = true;
    for (const l of this.destroyListeners) l();
  }
  reinvite(req: InboundRequest, res: ResponseSink): void {
    for (const l of this.modifyListeners) l(req, res);
  }
  info(req: InboundRequest, res: ResponseSink): void {
    for (const l of this.infoListeners) l(req, res);
  }
}

/** A request object for in-dialog stand-in requests (re-INVITE, INFO). */
export function inDialogRequest(method: string, headers: Record<string, string>, body: string): InboundRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method,
    uri: 'sip:ivr@10.0.0.1',
    callId: 'in-dialog',
    body,
    source_address: '192.0.2.7',
    source_port: 5060,
    protocol: 'udp',
    headers: lower,
    get: (name) => lower[name.toLowerCase()],
    has: (name) => name.toLowerCase() in lower,
    on: () => undefined,
  };
}

export class RecordingResponse implements ResponseSink {
  readonly sent: Array<{ status: number; headers?: Record<string, string>; body?: string }> = [];
  send(status: number, opts?: { headers?: Record<string, string>; body?: string }): void {
    this.sent.push({ status, ...(opts?.headers ? { headers: opts.headers } : {}), ...(opts?.body !== undefined ? { body: opts.body } : {}) });
  }
}

export class StandinMediaServer implements MediaServer {
  readonly endpoints: StandinEndpoint[] = [];
  readonly callerDialogs: StandinDialog[] = [];
  /** Channels FreeSWITCH still has besides the endpoints made here (e.g. those of an instance that died), by uuid. */
  readonly otherChannels = new Set<string>();
  readonly apiCommands: string[] = [];
  connectError: Error | undefined;
  disconnected = false;
  private seq = 0;
  private endListeners: Array<() => void> = [];

  async connectCaller(req: InboundRequest, res: ResponseSink): Promise<{ endpoint: MediaEndpoint; dialog: SipDialog }> {
    if (this.connectError) throw this.connectError;
    const endpoint = new StandinEndpoint(`fs-${++this.seq}`);
    const dialog = new StandinDialog(req.body);
    this.endpoints.push(endpoint);
    this.callerDialogs.push(dialog);
    // What fsmrf does through srf.createUAS: answer the caller with FreeSWITCH's SDP.
    res.send(200, { body: endpoint.localSdp, headers: { 'Content-Type': 'application/sdp' } });
    return { endpoint, dialog };
  }

  /** uuid_exists and uuid_kill, over the endpoints made here and `otherChannels`. */
  async api(command: string): Promise<string> {
    this.apiCommands.push(command);
    const [name, uuid = ''] = command.split(' ');
    const endpoint = this.endpoints.find((e) => e.uuid === uuid && !e.destroyed);
    const exists = endpoint !== undefined || this.otherChannels.has(uuid);
    if (name === 'uuid_exists') return exists ? 'true' : 'false';
    if (name === 'uuid_kill') {
      if (!exists) return '-ERR No such channel!';
      this.otherChannels.delete(uuid);
      await endpoint?.destroy();
      return '+OK';
    }
    return '-ERR unknown command';
  }

  async createEndpoint(): Promise<MediaEndpoint> {
    if (this.connectError) throw this.connectError;
    const endpoint = new StandinEndpoint(`fs-${++this.seq}`);
    this.endpoints.push(endpoint);
    return endpoint;
  }

  onEnd(listener: () => void): void {
    this.endListeners.push(listener);
  }

  disconnect(): void {
    this.disconnected = true;
  }

  /** The event socket drops. */
  lose(): void {
    for (const l of this.endListeners) l();
  }
}

/** Connects when told to: `next` decides the outcome of each attempt. */
export class StandinMediaConnector implements MediaConnector {
  attempts = 0;
  readonly servers: StandinMediaServer[] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';

  /** Attempts given up by the caller (their signal aborted) while they were in flight. */
  abandoned = 0;

  connect(signal: AbortSignal): Promise<MediaServer> {
    this.attempts++;
    if (this.mode === 'fail') return Promise.reject(new Error('ECONNREFUSED'));
    if (this.mode === 'hang') {
      return new Promise<MediaServer>((_, reject) => {
        signal.addEventListener('abort', () => {
          this.abandoned++;
          reject(new Error('abandoned'));
        }, { once: true });
      });
    }
    const ms = new StandinMediaServer();
    this.servers.push(ms);
    return Promise.resolve(ms);
  }

  get latest(): StandinMediaServer {
    const ms = this.servers[this.servers.length - 1];
    if (!ms) throw new Error('never connected');
    return ms;
  }
}

export interface UacScript {
  /** Final outcome of the INVITE: a dialog (answered), a SIP status (failure), or 'ring' (until cancelled). */
  outcome: 'answer' | number | 'ring';
  answerSdp?: string;
}

/** A signaling stack whose outbound INVITEs follow a script; inbound requests can be delivered by hand. */
export class StandinSignaling implements SignalingStack {
  readonly uacs: Array<{ uri: string; opts: UacOptions; cancelled: boolean; dialog?: StandinDialog }> = [];
  script: UacScript = { outcome: 'answer' };
  connects = 0;
  disconnects = 0;
  private connectListeners: Array<(err: Error | undefined, hostport?: string) => void> = [];
  private errorListeners: Array<(err: Error) => void> = [];
  private closeListeners: Array<() => void> = [];
  readonly handlers = new Map<string, RequestHandler>();
  /** Dialogs drachtio-server still holds that no application manages (their application died), by id. */
  readonly orphanDialogs = new Set<string>();
  /** Ids of the dialogs endDialog sent BYE in. */
  readonly byes: string[] = [];

  connect(): void {
    this.connects++;
  }

  /** Dialogs whose phone does not answer a BYE (until `answerByes`), as timer F would hold it. */
  readonly silentPhones = new Set<string>();
  private heldByes: Array<() => void> = [];

  async endDialog(dialogId: string): Promise<boolean> {
    if (!this.orphanDialogs.delete(dialogId)) return false;
    this.byes.push(dialogId);
    if (this.silentPhones.has(dialogId)) await new Promise<void>((resolve) => this.heldByes.push(resolve));
    return true;
  }

  /** The BYEs held by silent phones end (answered, or timed out). */
  answerByes(): void {
    for (const release of this.heldByes.splice(0)) release();
  }
  disconnect(): void {
    this.disconnects++;
  }
  onConnect(listener: (err: Error | undefined, hostport?: string) => void): void {
    this.connectListeners.push(listener);
  }
  onError(listener: (err: Error) => void): void {
    this.errorListeners.push(listener);
  }
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }
  onRequest(method: 'invite' | 'register' | 'options', handler: RequestHandler): void {
    this.handlers.set(method, handler);
  }

  emitConnect(err?: Error): void {
    for (const l of this.connectListeners) l(err, err ? undefined : 'udp/127.0.0.1:5060');
  }
  emitError(err: Error): void {
    for (const l of this.errorListeners) l(err);
  }

  createUac(uri: string, opts: UacOptions, progress: UacProgress): Promise<SipDialog> {
    const entry: { uri: string; opts: UacOptions; cancelled: boolean; dialog?: StandinDialog } = { uri, opts, cancelled: false };
    this.uacs.push(entry);
    const script = this.script;
    return new Promise<SipDialog>((resolve, reject) => {
      progress.onRequestSent(() => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        reject(new SipFailure(487, 'Request Terminated'));
      });
      progress.onProvisional(180);
      if (script.outcome === 'answer') {
        const dialog = new StandinDialog(script.answerSdp);
        entry.dialog = dialog;
        resolve(dialog);
      } else if (typeof script.outcome === 'number') {
        reject(new SipFailure(script.outcome));
      }
    });
  }
}
