/**
 * Types for the part of drachtio-fsmrf 5.x we use (the package ships none).
 * Declared once, here; only fsmrf-adapter.ts touches these objects.
 * Read from node_modules/drachtio-fsmrf/lib/{mrf,mediaserver,endpoint}.js.
 */
declare module 'drachtio-fsmrf' {
  import type Srf from 'drachtio-srf';

  namespace Mrf {
    /** A drachtio-modesl event. */
    interface EslEvent {
      getHeader(name: string): string | undefined;
      getBody(): string;
    }

    interface DtmfEvent {
      dtmf: string;
      duration?: string;
      source?: string;
    }

    interface Endpoint {
      readonly uuid: string;
      readonly local: { sdp: string };
      /** Resolves with the CHANNEL_EXECUTE_COMPLETE event (never rejects for app failures). */
      execute(app: string, arg?: string): Promise<EslEvent>;
      /** Resolves with the api reply event; rejects when the endpoint is gone. */
      api(command: string, args?: string | string[]): Promise<EslEvent>;
      bridge(other: Endpoint | string): Promise<void>;
      /** uuid_transfer <uuid> -both park inline. */
      unbridge(): Promise<void>;
      /** Re-INVITEs FreeSWITCH with `sdp`; resolves with FreeSWITCH's answer SDP. */
      modify(sdp: string): Promise<string>;
      destroy(): Promise<void>;
      on(event: 'dtmf', listener: (evt: DtmfEvent) => void): this;
      on(event: 'destroy', listener: (evt?: { reason?: string }) => void): this;
    }

    interface MediaServer {
      connectCaller(req: object, res: object, opts?: object): Promise<{ endpoint: Endpoint; dialog: Srf.Dialog }>;
      createEndpoint(opts?: object): Promise<Endpoint>;
      /** Without a callback: resolves with the reply body (lib/mediaserver.js). */
      api(command: string): Promise<string>;
      disconnect(): void;
      on(event: 'end', listener: () => void): this;
      on(event: 'error', listener: (err: Error) => void): this;
    }

    interface ConnectOptions {
      address: string;
      port?: number;
      secret?: string;
      listenAddress?: string;
      listenPort?: number;
      advertisedAddress?: string;
      advertisedPort?: number;
      profile?: string;
    }
  }

  class Mrf {
    constructor(srf: Srf, opts?: { customEvents?: string[] });
    connect(opts: Mrf.ConnectOptions): Promise<Mrf.MediaServer>;
  }

  export = Mrf;
}

/**
 * The MediaServer class itself (not exported by the package's main module):
 * fsmrf-adapter.ts builds one over its own event-socket connection so that a
 * failed or abandoned attempt can be closed (Mrf#connect hides the connection).
 */
declare module 'drachtio-fsmrf/lib/mediaserver.js' {
  import type { EventEmitter } from 'node:events';
  import type Mrf from 'drachtio-fsmrf';
  import type esl from 'drachtio-modesl';

  class MediaServer extends EventEmitter implements Mrf.MediaServer {
    constructor(conn: esl.Connection, mrf: Mrf, listenAddress: string, listenPort: number, advertisedAddress?: string, advertisedPort?: number, profile?: string);
    connectCaller(req: object, res: object, opts?: object): ReturnType<Mrf.MediaServer['connectCaller']>;
    createEndpoint(opts?: object): ReturnType<Mrf.MediaServer['createEndpoint']>;
    api(command: string): Promise<string>;
    disconnect(): void;
    on(event: 'end', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'ready', listener: () => void): this;
    once(event: 'ready', listener: () => void): this;
    once(event: 'error', listener: (err: Error) => void): this;
  }
  export = MediaServer;
}

/** The part of drachtio-modesl 1.3 we use: an inbound event-socket connection (CommonJS: default import). */
declare module 'drachtio-modesl' {
  import { EventEmitter } from 'node:events';

  namespace esl {
    class Connection extends EventEmitter {
      /** Connects and authenticates; `onReady` runs once authenticated. */
      constructor(host: string, port: number, password: string, onReady: () => void);
      /** Sends `exit` and closes the socket; also stops the reconnect loop (sets `closing`). */
      disconnect(): void;
      /**
       * Internal but load-bearing: an inbound connection that loses its socket
       * reconnects by itself (forever; never-connected ones without delay) unless
       * `closing` is true. Set before a failed attempt's 'error' returns.
       */
      closing: boolean;
      /** Internal: the pending reconnect timer, if any. */
      reconnectVars: { retryTimer?: ReturnType<typeof setTimeout> | null };
    }
  }
  export = esl;
}
