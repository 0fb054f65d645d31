/**
 * Adapts drachtio-fsmrf (MediaServer, Endpoint) to our MediaConnector /
 * MediaServer / MediaEndpoint interfaces. The only place that calls fsmrf.
 *
 * fsmrf facts handled here (TELEPHONY-NOTES.md): `listenAddress` is always
 * given; a connection attempt can hang on a wrong password (the supervisor
 * times it out and aborts it); drachtio-modesl's self-reconnecting inbound
 * connection is closed when an attempt fails (see fsmrfConnector); a MediaServer emits 'error' more than once (always listened to);
 * results are ESL events with header strings (converted by the caller).
 */
import type { Logger } from 'pino';
import type Srf from 'drachtio-srf';
import { createServer } from 'node:net';
import Mrf from 'drachtio-fsmrf';
import RawMediaServer from 'drachtio-fsmrf/lib/mediaserver.js';
import esl from 'drachtio-modesl';
import type { Clock } from '../../util/clock.ts';
import { adaptDialog, sipStatusOf } from './srf-adapter.ts';
import { SipFailure, type InboundRequest, type MediaConnector, type MediaEndpoint, type MediaServer, type ResponseSink } from './types.ts';

export interface FreeswitchAddress {
  address: string;
  port: number;
  secret: string;
  listenAddress: string;
  listenPort: number;
  advertisedAddress?: string;
}

/** fsmrf's destroy waits for FreeSWITCH's BYE; never wait longer than this. */
const DESTROY_TIMEOUT_MS = 5000;

class FsmrfEndpoint implements MediaEndpoint {
  constructor(
    readonly raw: Mrf.Endpoint,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  get uuid(): string {
    return this.raw.uuid;
  }

  get localSdp(): string {
    return this.raw.local.sdp;
  }

  execute(app: string, arg: string): Promise<Mrf.EslEvent> {
    return this.raw.execute(app, arg);
  }

  async api(command: string, args: string): Promise<string> {
    const evt = await this.raw.api(command, args);
    return evt.getBody();
  }

  bridge(other: MediaEndpoint): Promise<void> {
    if (!(other instanceof FsmrfEndpoint)) throw new TypeError('can only bridge two FreeSWITCH endpoints of this driver');
    return this.raw.bridge(other.raw);
  }

  unbridge(): Promise<void> {
    return this.raw.unbridge();
  }

  modify(remoteSdp: string): Promise<string> {
    return this.raw.modify(remoteSdp);
  }

  async destroy(): Promise<void> {
    let timer: { cancel(): void } | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = this.clock.setTimer(DESTROY_TIMEOUT_MS, () => {
        this.logger.warn({ uuid: this.uuid }, 'FreeSWITCH did not confirm the hang-up in time');
        resolve();
      });
    });
    try {
      await Promise.race([this.raw.destroy(), timeout]);
    } catch (err) {
      this.logger.debug({ err, uuid: this.uuid }, 'endpoint destroy failed (channel already gone?)');
    } finally {
      timer?.cancel();
    }
  }

  onDtmf(listener: (digit: string) => void): void {
    this.raw.on('dtmf', (evt) => listener(evt.dtmf));
  }

  onDestroy(listener: (cause?: string) => void): void {
    // fsmrf passes { reason: <FreeSWITCH Hangup-Cause> } when the channel hangs up on FreeSWITCH's side.
    this.raw.on('destroy', (evt) => listener(evt?.reason));
  }
}

class FsmrfMediaServer implements MediaServer {
  private readonly endListeners: Array<() => void> = [];
  private ended = false;

  constructor(
    private readonly raw: Mrf.MediaServer,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    const end = (): void => {
      if (this.ended) return;
      this.ended = true;
      for (const l of this.endListeners) l();
    };
    raw.on('end', end);
    raw.on('error', (err) => {
      logger.warn({ err }, 'FreeSWITCH event socket error');
      end();
    });
  }

  async connectCaller(req: InboundRequest, res: ResponseSink) {
    let connected: Awaited<ReturnType<Mrf.MediaServer['connectCaller']>>;
    try {
      connected = await this.raw.connectCaller(req, res);
    } catch (err) {
      // FreeSWITCH answered our INVITE with an error (e.g. 503 when its sessions-per-second throttle is hit).
      const sip = sipStatusOf(err);
      if (sip) throw new SipFailure(sip.status, sip.reason);
      throw err;
    }
    return { endpoint: new FsmrfEndpoint(connected.endpoint, this.logger, this.clock), dialog: adaptDialog(connected.dialog, this.logger) };
  }

  async createEndpoint(): Promise<MediaEndpoint> {
    return new FsmrfEndpoint(await this.raw.createEndpoint(), this.logger, this.clock);
  }

  api(command: string): Promise<string> {
    return this.raw.api(command);
  }

  onEnd(listener: () => void): void {
    this.endListeners.push(listener);
  }

  disconnect(): void {
    try {
      this.raw.disconnect();
    } catch (err) {
      this.logger.debug({ err }, 'FreeSWITCH disconnect failed (already closed?)');
    }
  }
}

/** What fsmrfConnector builds its attempts from (tests pass stand-ins for the event-socket connection). */
export interface FsmrfParts {
  connection: (host: string, port: number, password: string, onReady: () => void) => esl.Connection;
  mediaServer: (conn: esl.Connection, mrf: Mrf, fs: FreeswitchAddress) => RawMediaServer;
}

const realParts: FsmrfParts = {
  connection: (host, port, password, onReady) => new esl.Connection(host, port, password, onReady),
  mediaServer: (conn, mrf, fs) => new RawMediaServer(conn, mrf, fs.listenAddress, fs.listenPort, fs.advertisedAddress, undefined, 'drachtio_mrf'),
};

/** Resolves when `port` can be listened on at `address` (0: any port, always). */
function portFree(address: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, address, () => probe.close(() => resolve(true)));
  });
}

/**
 * Connects like Mrf#connect (event socket, then a MediaServer listening for
 * FreeSWITCH's outbound connections), but keeps the event-socket connection in
 * hand: drachtio-modesl reconnects a lost or refused inbound connection by
 * itself, forever, so every failed Mrf#connect left a connection retrying in
 * the background; when FreeSWITCH came up they all connected at once and each
 * opened a MediaServer on FSMRF_LISTEN_PORT — the second crashed the process
 * with EADDRINUSE (seen on a real FreeSWITCH started after the service). Here a
 * failed or aborted attempt closes its connection before modesl can schedule a
 * reconnect, and a taken listen port is an error of the attempt, not a crash.
 */
export function fsmrfConnector(srf: Srf, fs: FreeswitchAddress, logger: Logger, clock: Clock, parts: FsmrfParts = realParts): MediaConnector {
  const mrf = new Mrf(srf);
  return {
    connect(signal) {
      return new Promise<MediaServer>((resolve, reject) => {
        let settled = false;
        let raw: RawMediaServer | undefined;
        const fail = (err: Error): void => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          close();
          reject(err);
        };
        const close = (): void => {
          // `closing` first: modesl checks it right after emitting 'error', before it would reconnect.
          conn.closing = true;
          if (conn.reconnectVars.retryTimer) clearTimeout(conn.reconnectVars.retryTimer);
          // Both, each on its own: a media server not listening yet throws from disconnect() (fsmrf closes a server it
          // has not made), and its event-socket connection must be closed anyway. A media server that becomes ready
          // later is closed again then (see 'ready' below).
          for (const part of [raw, conn]) {
            try {
              part?.disconnect();
            } catch (err) {
              logger.debug({ err }, 'closing an abandoned FreeSWITCH connection failed (already closed?)');
            }
          }
        };
        const onAbort = (): void => fail(new Error('FreeSWITCH connection attempt abandoned'));
        const conn = parts.connection(fs.address, fs.port, fs.secret, () => {
          if (settled) {
            close(); // a late success of an attempt given up
            return;
          }
          void portFree(fs.listenAddress, fs.listenPort).then((free) => {
            if (settled) return close();
            if (!free) return fail(new Error(`cannot listen for FreeSWITCH on ${fs.listenAddress}:${fs.listenPort} (FSMRF_LISTEN_PORT): address in use`));
            raw = parts.mediaServer(conn, mrf, fs);
            raw.once('ready', () => {
              if (settled || !raw) return close();
              settled = true;
              signal.removeEventListener('abort', onAbort);
              resolve(new FsmrfMediaServer(raw, logger, clock));
            });
            raw.once('error', (err: Error) => fail(err));
          });
        });
        // Every error is listened to (an unlistened 'error' ends the process); after the attempt settled they are noise.
        conn.on('error', (err: Error) => fail(err));
        conn.on('esl::event::raw::text/rude-rejection', () => fail(new Error('FreeSWITCH refused the event-socket connection (acl)')));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
