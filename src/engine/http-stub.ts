/**
 * An HttpClient answering from canned responses, for scenario files and
 * simulations that must run offline. Unmatched requests fail like a network
 * error (the flow takes its error exit) and are reported.
 */
import type { HttpClient, JsonValue } from './context.ts';

export interface CannedResponse {
  method?: string;
  /** Exact URL after templating, or a prefix ending in "*". */
  url: string;
  status?: number;
  body?: JsonValue;
  /** Never answers (the node's timeout elapses). */
  hang?: boolean;
}

export interface StubbedHttp {
  client: HttpClient;
  /** Requests that matched no canned response. */
  unmatched: string[];
  requests: Array<{ method: string; url: string; body?: string }>;
}

export function stubbedHttp(responses: CannedResponse[]): StubbedHttp {
  const unmatched: string[] = [];
  const requests: StubbedHttp['requests'] = [];
  const client: HttpClient = Object.assign((url: string, init: Parameters<HttpClient>[1]) => {
    requests.push({ method: init.method, url, body: init.body });
    const hit = responses.find(
      (r) => (r.method ?? 'GET').toUpperCase() === init.method.toUpperCase() && (r.url.endsWith('*') ? url.startsWith(r.url.slice(0, -1)) : r.url === url),
    );
    if (!hit) {
      unmatched.push(`${init.method} ${url}`);
      return Promise.reject(new Error(`no canned response for ${init.method} ${url}`));
    }
    if (hit.hang) {
      return new Promise<never>((_resolve, reject) => {
        const onAbort = (): void => reject(init.signal.reason instanceof Error ? init.signal.reason : new Error('aborted'));
        if (init.signal.aborted) onAbort();
        else init.signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    const text = hit.body === undefined ? '' : typeof hit.body === 'string' ? hit.body : JSON.stringify(hit.body);
    return Promise.resolve({ status: hit.status ?? 200, text: async () => text });
  }, { inProcess: true as const });
  return { client, unmatched, requests };
}
