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
