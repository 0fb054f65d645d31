/**
 * The slice of drachtio-srf and drachtio-fsmrf this driver uses, as our own
 * narrow interfaces. The real objects are adapted to them once
 * (srf-adapter.ts, fsmrf-adapter.ts); the driver and its tests only see these.
 * Stand-ins in tests `implements` them, so the compiler catches drift.
 */

/** An incoming SIP request as drachtio-srf delivers it (the real Request satisfies this). */
export interface InboundRequest {
  readonly method: string;
  readonly uri: string;
  readonly callId: string;
  readonly body: string;
  /** Address and port the request came from (as seen by drachtio-server). */
  readonly source_address: string;
  readonly source_port: number | string;
  /** Transport: udp, tcp, tls, ws, wss. */
  readonly protocol: string;
  /** All headers, lower-case names (the real Request keeps unparsed header strings). */
  readonly headers: Readonly<Record<string, string>>;
  get(name: string): string | undefined;
  has(name: string): boolean;
  /** The caller sent CANCEL for this (unanswered) INVITE; drachtio-server has answered it with 487. */
  on(event: 'cancel', listener: () => void): unknown;
}

export interface ResponseOptions {
  headers?: Record<string, string>;
  body?: string;
}

/** The response side of an incoming request (the real Response satisfies this). */
export interface ResponseSink {
  send(status: number, opts?: ResponseOptions): void;
}

export type RequestHandler = (req: InboundRequest, res: ResponseSink) => void;

/** A SIP dialog (either side): the caller's UAS dialog, an agent's UAC dialog. */
export interface SipDialog {
  /** drachtio-server's id of the dialog (what an in-dialog request names; see SignalingStack.endDialog). */
  readonly id: string;
  readonly remoteSdp: string;
  /** Sends BYE (or nothing when already gone). Never rejects. */
  destroy(): Promise<void>;
  /** Sends an in-dialog request (REFER, INFO); resolves with the final status. */
  request(method: 'REFER' | 'INFO', headers: Record<string, string>, body?: string): Promise<number>;
  /** The far end hung up (BYE received) or the dialog ended. */
  onDestroy(listener: () => void): void;
  /** A re-INVITE (hold/unhold, new media address): answer with `res`. */
  onModify(listener: (req: InboundRequest, res: ResponseSink) => void): void;
  /** An INFO request (e.g. SIP INFO DTMF): answer with `res`. */
  onInfo(listener: (req: InboundRequest, res: ResponseSink) => void): void;
}

export interface UacOptions {
  localSdp: string;
  headers: Record<string, string>;
  /** Caller id user part for the From header. */
  callingNumber?: string;
  auth?: { username: string; password: string };
}

/** What the driver gets while an outbound INVITE is in progress. */
export interface UacProgress {
  /** The INVITE went out: `cancel` sends CANCEL. */
  onRequestSent(cancel: () => void): void;
  onProvisional(status: number): void;
}

/** A final non-2xx answer to an outbound INVITE. */
export class SipFailure extends Error {
  readonly code = 'SIP_FAILURE';
  constructor(
    readonly status: number,
    readonly reason?: string,
  ) {
    super(`SIP ${status}${reason ? ` ${reason}` : ''}`);
    this.name = 'SipFailure';
  }
}

/** The signaling stack (drachtio-srf connected to drachtio-server). */
export interface SignalingStack {
  /** Starts connecting (and the stack's own reconnection); events report the outcome. */
  connect(): void;
  /** Closes the connection and stops the stack's own reconnection. Never throws. */
  disconnect(): void;
  onConnect(listener: (err: Error | undefined, hostport?: string) => void): void;
  onError(listener: (err: Error) => void): void;
  onClose(listener: () => void): void;
  onRequest(method: 'invite' | 'register' | 'options', handler: RequestHandler): void;
  /** Sends an INVITE; rejects with SipFailure on a final non-2xx answer. */
  createUac(uri: string, opts: UacOptions, progress: UacProgress): Promise<SipDialog>;
  /**
   * Sends BYE in a dialog known to drachtio-server only by its id (a dialog
   * whose application died: orphan-janitor.ts). True when the far end
   * answered; false when there was nothing to end (drachtio-server no longer
   * has the dialog) or it could not be sent. Never rejects.
   */
  endDialog(dialogId: string): Promise<boolean>;
}

/** A FreeSWITCH event (ESL) with its headers. */
export interface FsEvent {
  getHeader(name: string): string | undefined;
  getBody(): string;
}

/** A FreeSWITCH channel controlled through drachtio-fsmrf. */
export interface MediaEndpoint {
  readonly uuid: string;
  readonly localSdp: string;
  /** Runs a dialplan application; resolves with its CHANNEL_EXECUTE_COMPLETE event. */
  execute(app: string, arg: string): Promise<FsEvent>;
  /** Runs an API command (uuid_break, uuid_recv_dtmf...); resolves with the reply body. */
  api(command: string, args: string): Promise<string>;
  bridge(other: MediaEndpoint): Promise<void>;
  /** Parks both legs of a bridge (both stay up). */
  unbridge(): Promise<void>;
  /** Re-INVITEs FreeSWITCH with a new remote SDP; resolves with FreeSWITCH's answer SDP. */
  modify(remoteSdp: string): Promise<string>;
  /** Hangs up the channel. Never rejects. */
  destroy(): Promise<void>;
  onDtmf(listener: (digit: string) => void): void;
  /** The FreeSWITCH channel went away; `cause` is FreeSWITCH's Hangup-Cause when it said (e.g. MEDIA_TIMEOUT: no RTP from the far end). */
  onDestroy(listener: (cause?: string) => void): void;
}

/** A connected FreeSWITCH (drachtio-fsmrf MediaServer). */
export interface MediaServer {
  /** Answers an incoming INVITE with a new FreeSWITCH endpoint. */
  connectCaller(req: InboundRequest, res: ResponseSink): Promise<{ endpoint: MediaEndpoint; dialog: SipDialog }>;
  /** A FreeSWITCH endpoint with no remote yet (for an outbound leg). */
  createEndpoint(): Promise<MediaEndpoint>;
  /** Runs a FreeSWITCH API command (e.g. `uuid_exists <uuid>`) on the event-socket connection; resolves with the reply body. */
  api(command: string): Promise<string>;
  /** The event-socket connection was lost. */
  onEnd(listener: () => void): void;
  disconnect(): void;
}

export interface MediaConnector {
  /**
   * One connection attempt; may never settle (wrong password): the caller adds
   * a timeout. Aborting `signal` gives the attempt up: it rejects, and nothing
   * of it lives on (no socket, no reconnect loop, no listening port), so a late
   * success can never open a second media server.
   */
  connect(signal: AbortSignal): Promise<MediaServer>;
}
