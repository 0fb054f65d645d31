/**
 * Adapts a real drachtio-srf `Srf` (and its Dialogs) to our SignalingStack /
 * SipDialog interfaces. The only place that calls Srf's methods directly.
 *
 * Upstream type gaps handled here (see /work/shared/TELEPHONY-NOTES.md):
 * - `srf.connect()` returns no Promise: the outcome comes as 'connect'
 *   (err, hostport) and 'error' events.
 * - `Dialog#destroy()` without a callback returns a Promise its type hides:
 *   we always pass a callback, so nothing can reject unhandled.
 * - `Dialog#request()` is typed as taking a full SrfRequest; it takes
 *   `{method, headers, body}` (lib/dialog.js), declared below.
 */
import type { Logger } from 'pino';
import type Srf from 'drachtio-srf';
import {
  SipFailure,
  type InboundRequest,
  type RequestHandler,
  type ResponseSink,
  type SignalingStack,
  type SipDialog,
  type UacOptions,
  type UacProgress,
} from './types.ts';

export interface DrachtioServerAddress {
  host: string;
  port: number;
  secret: string;
}

/** What Dialog#request really accepts (lib/dialog.js), in callback form. */
type DialogRequestFn = (
  opts: { method: string; headers: Record<string, string>; body?: string },
  callback: (err: unknown, res?: { status: number }) => void,
) => void;

/** The SIP status of a drachtio-srf SipError (or anything carrying `status`), else undefined. */
export function sipStatusOf(err: unknown): { status: number; reason?: string } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status: unknown = Reflect.get(err, 'status');
  const reason: unknown = Reflect.get(err, 'reason');
  if (typeof status !== 'number') return undefined;
  return typeof reason === 'string' ? { status, reason } : { status };
}

export function adaptDialog(dlg: Srf.Dialog, logger: Logger): SipDialog {
  // Dialog#request really takes {method, headers, body} (lib/dialog.js); its type says a full SrfRequest.
  const requestFn: DialogRequestFn = (opts, callback) => {
    Reflect.apply(dlg.request, dlg, [opts, callback]);
  };
  // After the far end's BYE there is nothing to destroy (a BYE would only earn "unable to find dialog").
  let gone = false;
  dlg.on('destroy', () => {
    gone = true;
  });
  return {
    // Dialog#id (lib/dialog.js: the stack's dialog id) is missing from its type.
    id: String(Reflect.get(dlg, 'id') ?? ''),
    get remoteSdp() {
      return dlg.remote?.sdp ?? '';
    },
    destroy: () =>
      new Promise<void>((resolve) => {
        if (gone) {
          resolve();
          return;
        }
        gone = true;
        try {
          dlg.destroy(undefined, (err: unknown) => {
            // Destroying a dialog the far end already ended is normal.
            if (err) logger.debug({ err }, 'dialog destroy reported an error');
            resolve();
          });
        } catch (err) {
          logger.debug({ err }, 'dialog destroy threw');
          resolve();
        }
      }),
    request: (method, headers, body) =>
      new Promise<number>((resolve, reject) => {
        requestFn({ method, headers, ...(body !== undefined ? { body } : {}) }, (err, res) => {
          if (err) {
            const sip = sipStatusOf(err);
            if (sip) resolve(sip.status);
            else reject(err instanceof Error ? err : new Error(String(err)));
            return;
          }
          resolve(res?.status ?? 0);
        });
      }),
    onDestroy: (listener) => {
      dlg.on('destroy', () => listener());
    },
    onModify: (listener) => {
      dlg.on('modify', (req, res) => listener(req, res));
    },
    onInfo: (listener) => {
      dlg.on('info', (req, res) => listener(req, res));
    },
  };
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * What Srf#request really does (lib/srf.js → lib/drachtio-agent.js): with
 * `stackDialogId` it sends the request inside that dialog, and calls back
 * `(err, sentRequest)`; the sent request emits 'response'. Its types declare
 * another shape.
 */
function srfRequest(
  srf: Srf,
  uri: string,
  opts: { method: string; stackDialogId: string },
  callback: (err: unknown, req?: { on(event: 'response', listener: (res: { status: number }) => void): void }) => void,
): void {
  Reflect.apply(srf.request, srf, [uri, opts, callback]);
}

type SentRequestCallback = (req: Srf.SrfRequest) => void;

/**
 * drachtio-srf calls `cbRequest(err, req)` (lib/srf.js: `cbRequest(null, req)`
 * once the INVITE is on the wire, `cbRequest(err)` when it could not be sent),
 * while its types declare `(req)`. Taking the declared shape made `req` null,
 * so no CANCEL ever went out: a ringing agent kept ringing after the ring
 * timeout or the caller's hang-up (seen on a real drachtio-server). This
 * adapts the real call to `onSent`, typed as Srf declares it.
 */
function sentRequestCallback(onSent: (req: Srf.SrfRequest) => void): SentRequestCallback {
  const real = (err: unknown, req?: Srf.SrfRequest): void => {
    if (err || !req) return; // not sent: the INVITE's own promise rejects
    onSent(req);
  };
  return real as unknown as SentRequestCallback;
}

export function adaptSrf(srf: Srf, server: DrachtioServerAddress, logger: Logger): SignalingStack {
  return {
    connect() {
      // Returns the app, not a Promise, whatever its type says: outcome via events.
      void srf.connect({ host: server.host, port: server.port, secret: server.secret });
    },
    disconnect() {
      try {
        srf.disconnect();
      } catch (err) {
        // Throws "socket is not connected" when there is no socket: nothing to close.
        logger.debug({ err }, 'drachtio disconnect: no open socket');
      }
    },
    onConnect(listener) {
      srf.on('connect', (err: Error | null | undefined, hostport: string) => listener(err ?? undefined, hostport));
    },
    onError(listener) {
      srf.on('error', (err: Error) => listener(err));
    },
    onClose(listener) {
      // 'close' is emitted by Srf (lib/srf.js) but missing from its typed events.
      srf.addListener('close', () => listener());
    },
    onRequest(method, handler: RequestHandler) {
      srf.use(method, (req: InboundRequest, res: ResponseSink) => handler(req, res));
    },
    async createUac(uri: string, opts: UacOptions, progress: UacProgress): Promise<SipDialog> {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.callingNumber && !headers.From && !headers.from) {
        // drachtio-server replaces the localhost host part with its own address (as Srf's callingNumber does).
        headers.From = `<sip:${opts.callingNumber}@localhost>`;
      }
      try {
        const dlg = await srf.createUAC(
          uri,
          { localSdp: opts.localSdp, headers, ...(opts.auth ? { auth: opts.auth } : {}) },
          {
            cbRequest: sentRequestCallback((req) =>
              progress.onRequestSent(() => {
                try {
                  req.cancel((err: unknown) => {
                    if (err) logger.warn({ err: { message: errorMessage(err) } }, 'CANCEL not sent');
                  });
                } catch (err) {
                  logger.warn({ err: { message: errorMessage(err) } }, 'CANCEL not possible');
                }
              }),
            ),
            cbProvisional: (res) => progress.onProvisional(res.status),
          },
        );
        return adaptDialog(dlg, logger);
      } catch (err) {
        const sip = sipStatusOf(err);
        if (sip) throw new SipFailure(sip.status, sip.reason);
        throw err;
      }
    },
    endDialog(dialogId: string): Promise<boolean> {
      // As Dialog#destroy does it (lib/dialog.js): a request naming the dialog id; drachtio-server
      // replaces the placeholder request URI with the dialog's remote target and sends it in the dialog.
      return new Promise<boolean>((resolve) => {
        try {
          srfRequest(srf, 'sip:placeholder', { method: 'BYE', stackDialogId: dialogId }, (err, req) => {
            if (err || !req) {
              logger.debug({ err: { message: errorMessage(err) }, dialogId }, 'BYE not sent (the dialog is gone)');
              resolve(false);
              return;
            }
            req.on('response', (res) => resolve(res.status >= 200 && res.status < 300));
          });
        } catch (err) {
          logger.debug({ err: { message: errorMessage(err) }, dialogId }, 'BYE not possible');
          resolve(false);
        }
      });
    },
  };
}
