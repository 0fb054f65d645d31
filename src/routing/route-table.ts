/**
 * Which dialed number (DID) runs which flow: a Redis hash shared by every
 * instance, seeded from a file (ivr-flows/routes.json) at start-up.
 * "*" is the default route for numbers with no route of their own.
 */
import { readFile } from 'node:fs/promises';
import type { RedisClient } from '../util/redis-client.ts';
import type { Logger } from 'pino';
import { flowKeys, type FlowKeys } from '../flows/store/keys.ts';
import { defineFlowScripts } from '../flows/store/scripts.ts';
import { isFlowId } from '../flows/store/files.ts';

/** A DID as dialed (digits, optionally with +, or a SIP user part), or "*" for the default route. */
export const DID_PATTERN = /^(\*|\+?[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;
export const DEFAULT_ROUTE = '*';

export type RoutingErrorCode = 'INVALID_DID' | 'INVALID_ID' | 'FLOW_NOT_FOUND' | 'FLOW_NOT_PUBLISHED' | 'ROUTES_FILE_INVALID';

export class RoutingError extends Error {
  constructor(
    readonly code: RoutingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RoutingError';
  }
}

export interface Route {
  did: string;
  flowId: string;
}

export function isDid(did: string): boolean {
  return DID_PATTERN.test(did);
}

export class RouteTable {
  private readonly keys: FlowKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = flowKeys(prefix);
    defineFlowScripts(redis);
  }

  async list(): Promise<Route[]> {
    const all = await this.redis.hgetall(this.keys.routes);
    return Object.entries(all)
      .map(([did, flowId]) => ({ did, flowId }))
      .sort((a, b) => (a.did < b.did ? -1 : a.did > b.did ? 1 : 0));
  }

  async get(did: string): Promise<string | undefined> {
    if (!isDid(did)) return undefined;
    return (await this.redis.hget(this.keys.routes, did)) ?? undefined;
  }

  /** The flow for a dialed number: its own route, else the default route "*". One round trip. */
  async resolve(did: string): Promise<string | undefined> {
    const fields = isDid(did) && did !== DEFAULT_ROUTE ? [did, DEFAULT_ROUTE] : [DEFAULT_ROUTE];
    const values = await this.redis.hmget(this.keys.routes, ...fields);
    return values.find((v): v is string => v !== null);
  }

  /** Points `did` at a published flow. With onlyIfAbsent, an existing route wins (returns false). */
  async set(did: string, flowId: string, options: { onlyIfAbsent?: boolean } = {}): Promise<boolean> {
    if (!isDid(did)) throw new RoutingError('INVALID_DID', 'number must be "*" or up to 64 digits, letters, ".", "_" or "-", optionally after "+"');
    if (!isFlowId(flowId)) throw new RoutingError('INVALID_ID', 'flow id must be a letter followed by letters, digits, _ or - (at most 64)');
    const k = this.keys;
    const r = await this.redis.ivrFlowSetRoute(k.routes, k.index, k.meta(flowId), did, flowId, options.onlyIfAbsent ? '1' : '0');
    if (r === -1) throw new RoutingError('FLOW_NOT_FOUND', `no flow ${flowId}`);
    if (r === -2) throw new RoutingError('FLOW_NOT_PUBLISHED', `flow ${flowId} has no published version`);
    return r === 1;
  }

  async delete(did: string): Promise<boolean> {
    if (!isDid(did)) return false;
    return (await this.redis.hdel(this.keys.routes, did)) === 1;
  }

  /**
   * Adds the routes of a routes file that have no route yet (routes changed
   * through the API win). Format: { "routes": { "<did>": "<flowId>", "*": "<flowId>" } }.
   * A missing file is not an error. Routes to unknown or unpublished flows are skipped and logged.
   */
  async seedFromFile(path: string, logger: Logger): Promise<{ added: Route[]; kept: Route[]; skipped: Array<Route & { reason: string }> }> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { added: [], kept: [], skipped: [] };
      throw err;
    }
    const routes = parseRoutesFile(text, path);
    const out = { added: [] as Route[], kept: [] as Route[], skipped: [] as Array<Route & { reason: string }> };
    for (const r of routes) {
      try {
        if (await this.set(r.did, r.flowId, { onlyIfAbsent: true })) out.added.push(r);
        else out.kept.push(r);
      } catch (err) {
        if (!(err instanceof RoutingError)) throw err;
        out.skipped.push({ ...r, reason: err.code });
        logger.warn({ file: path, did: r.did, flowId: r.flowId, code: err.code }, `route not seeded: ${err.message}`);
      }
    }
    return out;
  }
}

export function parseRoutesFile(text: string, file: string): Route[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new RoutingError('ROUTES_FILE_INVALID', `${file}: not valid JSON: ${(err as Error).message}`);
  }
  const routes = (doc as { routes?: unknown } | null)?.routes;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || routes === null || typeof routes !== 'object' || Array.isArray(routes)) {
    throw new RoutingError('ROUTES_FILE_INVALID', `${file}: /routes must be an object of number → flow id`);
  }
  const extra = Object.keys(doc).filter((k) => k !== 'routes' && k !== '$schema' && k !== 'description');
  if (extra.length > 0) throw new RoutingError('ROUTES_FILE_INVALID', `${file}: /${extra[0]}: unknown field`);
  return Object.entries(routes as Record<string, unknown>).map(([did, flowId]) => {
    if (!isDid(did)) throw new RoutingError('ROUTES_FILE_INVALID', `${file}: /routes/${did}: not a valid number`);
    if (typeof flowId !== 'string' || !isFlowId(flowId)) throw new RoutingError('ROUTES_FILE_INVALID', `${file}: /routes/${did}: not a valid flow id`);
    return { did, flowId };
  });
}
