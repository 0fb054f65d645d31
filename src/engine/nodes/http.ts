/**
 * `http` handler: builds the request from templates, sends it through
 * services.http with a signal that fires at the node's timeout (on ctx.clock)
 * or when the caller hangs up, and never waits longer than that even if the
 * client ignores the signal. Maps JSON response fields into variables.
 *
 * Also exports createFetchHttpClient(), the production HttpClient: fetch with
 * no redirects and a response size cap.
 */
import type { HttpClient, JsonValue, NodeContext, NodeHandler } from '../context.ts';
import { urlOriginIsLiteral, type HttpNode } from '../../flows/nodes/http.ts';
import { abortReason } from '../../util/clock.ts';

export type HttpNodeErrorCode =
  /** The service answered with a status outside 2xx. */
  | 'HTTP_STATUS'
  /** No complete answer within the node's timeout. */
  | 'HTTP_TIMEOUT'
  /** Network failure, refused connection, DNS... */
  | 'HTTP_FAILED'
  /** The response body is larger than the cap. */
  | 'HTTP_RESPONSE_TOO_LARGE'
  /** The response is not JSON although fields are to be read from it. */
  | 'HTTP_BAD_RESPONSE'
  /** The request could not be built (URL or header after templating). */
  | 'HTTP_BAD_REQUEST';

export class HttpNodeError extends Error {
  constructor(
    readonly code: HttpNodeErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpNodeError';
  }
}

/**
 * An HttpClient that answers in-process (canned responses for simulations)
 * may say so; its requests are then not treated as real I/O by the clock.
 * Proposed for HttpClient in context.ts; read defensively until then.
 */
export type InProcessHint = HttpClient & { readonly inProcess?: boolean };

/** Largest response body read (1 MiB). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Headers whose values are never logged, marked or not. */
const ALWAYS_SECRET = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

/** The URL for logs and messages: no query string, no credentials (tokens hide there). */
export function urlForLog(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

const TEMPLATE = /\{\{[^{}]*\}\}/g;

/** Expands templates in a URL, percent-encoding each expanded value. */
export function expandUrl(url: string, expand: (template: string) => string): string {
  return url.replace(TEMPLATE, (m) => encodeURIComponent(expand(m)));
}

/** Expands templates in every string of a JSON value. */
export function expandBody(value: unknown, expand: (s: string) => string): JsonValue {
  if (typeof value === 'string') return expand(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => expandBody(v, expand));
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = expandBody(v, expand);
    return out;
  }
  return null;
}

/** Reads "customer.name" or "items.0.id" from a JSON value; undefined when absent. */
export function readPath(value: JsonValue, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = value;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(part)) return undefined;
      cur = cur[Number(part)];
    } else {
      cur = Object.prototype.hasOwnProperty.call(cur, part) ? cur[part] : undefined;
    }
  }
  return cur;
}

function buildHeaders(node: HttpNode, ctx: NodeContext): { headers: Record<string, string>; forLog: Record<string, string> } {
  const headers: Record<string, string> = {};
  const forLog: Record<string, string> = {};
  for (const [name, spec] of Object.entries(node.headers ?? {})) {
    const raw = typeof spec === 'string' ? spec : spec.value;
    const secret = (typeof spec !== 'string' && spec.secret) || ALWAYS_SECRET.has(name.toLowerCase());
    const value = ctx.template(raw);
    // eslint-disable-next-line no-control-regex
    if (/[\r\n\u0000]/.test(value)) throw new HttpNodeError('HTTP_BAD_REQUEST', `header ${name} contains a line break after templating`);
    headers[name] = value;
    forLog[name] = secret ? '[secret]' : value;
  }
  return { headers, forLog };
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Plays the wait prompt (if any) until stop(); a prompt that fails is logged, not fatal to the request. */
function startWaitPrompt(node: HttpNode, ctx: NodeContext): { stop(): Promise<void> } {
  if (node.waitPrompt === undefined) return { stop: async () => undefined };
  const cut = new AbortController();
  const playing = ctx.call.play(ctx.prompts(node.waitPrompt), { signal: AbortSignal.any([ctx.signal, cut.signal]) }).then(
    () => undefined,
    (err: unknown) => {
      if (!ctx.signal.aborted) ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'wait prompt failed');
    },
  );
  return {
    async stop() {
      cut.abort();
      await playing;
    },
  };
}

export const runHttp: NodeHandler<HttpNode> = async (node, ctx) => {
  const method = node.method ?? 'GET';
  if (!urlOriginIsLiteral(node.url)) {
    return { error: new HttpNodeError('HTTP_BAD_REQUEST', 'the scheme and host of the URL must be literal, not templated') };
  }
  const url = expandUrl(node.url, (t) => ctx.template(t));
  const shownUrl = urlForLog(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: new HttpNodeError('HTTP_BAD_REQUEST', `URL ${shownUrl} is not valid after templating`) };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { error: new HttpNodeError('HTTP_BAD_REQUEST', `only http(s) URLs can be called, not ${parsed.protocol}`) };
  }
  let headers: Record<string, string>;
  let forLog: Record<string, string>;
  try {
    ({ headers, forLog } = buildHeaders(node, ctx));
  } catch (err) {
    return { error: err };
  }
  let body: string | undefined;
  if (node.body !== undefined) {
    body = JSON.stringify(expandBody(node.body, (s) => ctx.template(s)));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }

  const timeoutMs = Math.round((node.timeoutSeconds ?? 5) * 1000);
  // One signal for the request: aborted by the node's timeout or by the hang-up
  // (as AbortSignal.any would, without its bookkeeping on every request).
  const request = new AbortController();
  const signal = request.signal;
  let timedOut: HttpNodeError | undefined;
  const timer = ctx.clock.setTimer(timeoutMs, () => {
    timedOut = new HttpNodeError('HTTP_TIMEOUT', `${method} ${shownUrl}: no answer within ${timeoutMs} ms`);
    request.abort(timedOut);
  });
  const onHangup = (): void => request.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onHangup();
  else ctx.signal.addEventListener('abort', onHangup, { once: true });
  const started = ctx.clock.now();
  ctx.log.debug({ method, url: shownUrl, headers: forLog, bodyBytes: body?.length ?? 0 }, 'http request');

  const waiting = startWaitPrompt(node, ctx);
  let status: number;
  let text: string;
  try {
    const client: HttpClient = ctx.services.http;
    const work = (async () => {
      const res = await client(url, { method, headers, ...(body !== undefined ? { body } : {}), signal });
      return { status: res.status, text: await res.text() };
    })();
    // If we stop waiting (timeout, hang-up) the client's late result is dropped on purpose.
    work.catch((err: unknown) => ctx.log.debug({ err: err instanceof Error ? err.name : String(err) }, 'late http result dropped'));
    // Real I/O is marked external so that a virtual clock in auto mode does not jump while it is in flight;
    // an in-process client (canned answers) is not, or a canned "never answers" could never reach its timeout.
    const race = raceAbort(work, signal);
    ({ status, text } = await (client.inProcess === true ? race : ctx.clock.external(race)));
  } catch (err) {
    if (ctx.signal.aborted) throw abortReason(ctx.signal);
    if (timedOut !== undefined) {
      ctx.log.warn({ method, url: shownUrl, timeoutMs }, 'http request timed out');
      return node.timeout !== undefined ? { exit: 'timeout' } : { error: timedOut };
    }
    if (err instanceof HttpNodeError) {
      ctx.log.warn({ method, url: shownUrl, code: err.code }, 'http request failed');
      return { error: err };
    }
    ctx.log.warn({ method, url: shownUrl, err: err instanceof Error ? err.message : String(err) }, 'http request failed');
    return { error: new HttpNodeError('HTTP_FAILED', `${method} ${shownUrl} failed: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err }) };
  } finally {
    timer.cancel();
    ctx.signal.removeEventListener('abort', onHangup);
    await waiting.stop();
  }

  ctx.log.info({ method, url: shownUrl, status, durationMs: ctx.clock.now() - started }, 'http request done');
  if (node.statusVariable !== undefined) ctx.state.vars[node.statusVariable] = status;
  if (Buffer.byteLength(text, 'utf8') > MAX_RESPONSE_BYTES) {
    return { error: new HttpNodeError('HTTP_RESPONSE_TOO_LARGE', `${method} ${shownUrl}: response larger than ${MAX_RESPONSE_BYTES} bytes`, status) };
  }
  if (status < 200 || status > 299) {
    return { error: new HttpNodeError('HTTP_STATUS', `${method} ${shownUrl} answered ${status}`, status) };
  }
  const mapping = Object.entries(node.responseVars ?? {});
  if (mapping.length > 0) {
    let json: JsonValue;
    try {
      json = JSON.parse(text) as JsonValue;
    } catch {
      return { error: new HttpNodeError('HTTP_BAD_RESPONSE', `${method} ${shownUrl}: the response is not JSON`, status) };
    }
    for (const [name, path] of mapping) ctx.state.vars[name] = readPath(json, path) ?? null;
  }
  return { exit: 'next' };
};

// ---------------------------------------------------------------------------
// Production client

export interface FetchHttpClientOptions {
  /** Largest response body read; larger ones fail with HTTP_RESPONSE_TOO_LARGE. Default 1 MiB. */
  maxResponseBytes?: number;
}

async function readCapped(body: ReadableStream<Uint8Array> | null, max: number, what: string): Promise<string> {
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new HttpNodeError('HTTP_RESPONSE_TOO_LARGE', `${what}: response larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The HttpClient for production: fetch, redirects not followed (a 3xx takes
 * the error exit, so a redirect cannot lead the request elsewhere), and the
 * body read up to a cap.
 */
export function createFetchHttpClient(options: FetchHttpClientOptions = {}): HttpClient {
  const max = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  return async (url, init) => {
    const res = await fetch(url, { method: init.method, headers: init.headers, body: init.body, signal: init.signal, redirect: 'manual' });
    const what = `${init.method} ${urlForLog(url)}`;
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > max) {
      await res.body?.cancel();
      throw new HttpNodeError('HTTP_RESPONSE_TOO_LARGE', `${what}: response of ${declared} bytes is larger than ${max}`, res.status);
    }
    return { status: res.status, text: () => readCapped(res.body, max, what) };
  };
}
