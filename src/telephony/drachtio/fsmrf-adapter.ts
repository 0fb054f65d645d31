/**
 * Adapts drachtio-fsmrf (MediaServer, Endpoint) to our MediaConnector /
 * MediaServer / MediaEndpoint interfaces. The only place that calls fsmrf.
 *
 * fsmrf facts handled here (TELEPHONY-NOTES.md): `listenAddress` is always
 * given; `connect()` can hang on a wrong password (the supervisor times it
 * out); a MediaServer emits 'error' more than once (always listened to);
 * results are ESL events with header strings (converted by the caller).
 */
import type { Logger } from 'pino';
import type Srf from 'drachtio-srf';
import Mrf from 'drachtio-fsmrf';
import type { Clock } from '../../util/clock.ts';
import { adaptDialog } from './srf-adapter.ts';
import type { InboundRequest, MediaConnector, MediaEndpoint, MediaServer, ResponseSink } from './types.ts';

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

  onDestroy(listener: () => void): void {
    this.raw.on('destroy', () => listener());
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
    const { endpoint, dialog } = await this.raw.connectCaller(req, res);
    return { endpoint: new FsmrfEndpoint(endpoint, this.logger, this.clock), dialog: adaptDialog(dialog, this.logger) };
  }

  async createEndpoint(): Promise<MediaEndpoint> {
    return new FsmrfEndpoint(await this.raw.createEndpoint(), this.logger, this.clock);
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

export function fsmrfConnector(srf: Srf, fs: FreeswitchAddress, logger: Logger, clock: Clock): MediaConnector {
  const mrf = new Mrf(srf);
  return {
    async connect() {
      const ms = await mrf.connect({
        address: fs.address,
        port: fs.port,
        secret: fs.secret,
        listenAddress: fs.listenAddress,
        listenPort: fs.listenPort,
        ...(fs.advertisedAddress ? { advertisedAddress: fs.advertisedAddress } : {}),
        profile: 'drachtio_mrf',
      });
      return new FsmrfMediaServer(ms, logger, clock);
    },
  };
}
