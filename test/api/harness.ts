/**
 * A service instance for API tests: the real flow store, registry, watcher and
 * route table on the test Redis (fresh prefix), a temp copy of a flows folder,
 * the API listening on 127.0.0.1 port 0. Several instances may share a prefix
 * (two service instances on one Redis).
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApi, type ApiServices } from '../../src/api/app.ts';
import { ServiceMetrics, instrumentRedis } from '../../src/api/metrics.ts';
import { createSimulator } from '../../src/api/simulator.ts';
import type { CallsApi } from '../../src/api/ports.ts';
import { acdApi, acdMetrics } from '../../src/api/acd-adapter.ts';
import { AcdService } from '../../src/acd/service.ts';
import { testAcdConfig } from '../acd/helpers.ts';
import { loadCallbacksConfig } from '../../src/config/callbacks.ts';
import { CallbackManager } from '../../src/callbacks/service.ts';
import { CallbackStore } from '../../src/callbacks/store.ts';
import type { ApiConfig, ApiToken } from '../../src/config/api.ts';
import { FlowAdmin } from '../../src/flows/store/admin.ts';
import { FlowStore } from '../../src/flows/store/flow-store.ts';
import { FlowRegistry } from '../../src/flows/store/registry.ts';
import { FlowFolderWatcher, type Closable } from '../../src/flows/store/watcher.ts';
import { createFlowValidator } from '../../src/flows/store/validator.ts';
import { RouteTable } from '../../src/routing/route-table.ts';
import type { Running } from '../../src/main.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import type { SimTelephony } from '../../src/telephony/sim/sim-telephony.ts';
import type { SimCall } from '../../src/telephony/sim/sim-call.ts';
import { redisUrl } from '../support/redis.ts';

export const TOKENS = {
  admin: 'admin-token-0123456789abcdef',
  supervisor: 'supervisor-token-0123456789ab',
  agent: 'agent-1001-token-0123456789ab',
  otherAgent: 'agent-1002-token-0123456789ab',
} as const;

export const tokenList: ApiToken[] = [
  { name: 'ops', role: 'admin', token: TOKENS.admin },
  { name: 'sup', role: 'supervisor', token: TOKENS.supervisor },
  { name: 'a1001', role: 'agent', token: TOKENS.agent, agentId: 'a1001' },
  { name: 'a1002', role: 'agent', token: TOKENS.otherAgent, agentId: 'a1002' },
];

export function flowDoc(id: string, text = 'Hello', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `Flow ${id}`,
    defaultLanguage: 'en',
    start: 'hello',
    nodes: {
      hello: { type: 'play', prompt: text, next: 'bye' },
      bye: { type: 'hangup' },
    },
    ...extra,
  };
}

/** A temp flows folder with the given flows (id → document). */
export function tempFlowsDir(flows: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ivr-api-flows-'));
  mkdirSync(join(dir, 'audio'));
  for (const [id, doc] of Object.entries(flows)) writeFileSync(join(dir, `${id}.json`), JSON.stringify(doc, null, 2));
  return dir;
}

export interface Instance {
  app: FastifyInstance;
  url: string;
  redis: Redis;
  store: FlowStore;
  registry: FlowRegistry;
  watcher: FlowFolderWatcher;
  admin: FlowAdmin;
  routes: RouteTable;
  metrics: ServiceMetrics;
  clock: VirtualClock;
  acd: AcdService | undefined;
  callbacks: CallbackManager | undefined;
  callbackStore: CallbackStore | undefined;
  flowsDir: string;
  /** Fires the injected folder-watch trigger (as a file change would). */
  fileChanged(): void;
  fetch(path: string, init?: { method?: string; token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; body: unknown; text: string; headers: Headers }>;
  close(): Promise<void>;
}

export interface InstanceOptions {
  prefix: string;
  flowsDir: string;
  api?: Partial<ApiConfig>;
  calls?: CallsApi;
  /** Skip the folder watcher's first scan. */
  noInitialScan?: boolean;
  /** Default: silent. */
  logger?: Logger;
  /** Run the real ACD and call-back manager on the test Redis (same prefix for all instances sharing it). */
  withAcd?: boolean;
  /** Rate-limit counters in Redis under the prefix (shared by instances with the same prefix), as src/main.ts wires them. */
  sharedRateLimit?: boolean;
}

export const noCalls: CallsApi = { activeCalls: () => [], hangup: async () => false };

export async function startInstance(options: InstanceOptions): Promise<Instance> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const redis = new Redis(redisUrl(), { lazyConnect: false });
  const metrics = new ServiceMetrics({ processMetrics: false });
  instrumentRedis(redis, metrics.redisLatency);
  const store = new FlowStore({ redis, prefix: options.prefix, clock });
  const validate = createFlowValidator({ transferPolicy: denyAllDestinations, audioDir: join(options.flowsDir, 'audio') });
  let trigger: () => void = () => {};
  const watcher = new FlowFolderWatcher({
    dir: options.flowsDir,
    store,
    validate,
    clock,
    logger,
    debounceMs: 250,
    watch: (_dir, onChange): Closable => {
      trigger = onChange;
      return { close: () => (trigger = () => {}) };
    },
  });
  const registry = new FlowRegistry({ store, subscriber: redis.duplicate(), clock, logger, resyncMs: 0 });
  const admin = new FlowAdmin({ store, validate, logger, writeBackDir: options.flowsDir, watcher });
  const routes = new RouteTable(redis, options.prefix);
  await registry.start();
  if (!options.noInitialScan) await watcher.start();
  let acd: AcdService | undefined;
  let callbacks: CallbackManager | undefined;
  let callbackStore: CallbackStore | undefined;
  if (options.withAcd) {
    const cbConfig = loadCallbacksConfig({});
    acd = new AcdService({
      redis,
      config: testAcdConfig(`${options.prefix}{acd}:`, `api-test-${Math.random().toString(16).slice(2, 8)}`),
      clock,
      log: logger,
    });
    await acd.start();
    callbackStore = new CallbackStore(redis, `${options.prefix}{acd}:`, cbConfig.retentionDays * 86_400_000);
    callbacks = new CallbackManager({ store: callbackStore, clock, log: logger, config: cbConfig, acd });
    metrics.setAcdSource(acdMetrics(acd));
  }
  const config: ApiConfig = {
    host: '127.0.0.1',
    port: 0,
    tokens: tokenList,
    bodyLimitBytes: 64 * 1024,
    rateLimitMax: 10_000,
    rateLimitWindowMs: 60_000,
    docsPublic: false,
    trustProxy: false,
    ...options.api,
  };
  const services: ApiServices = {
    flows: admin,
    published: registry,
    routes,
    simulate: createSimulator(logger),
    calls: options.calls ?? noCalls,
    metrics,
    readiness: [{ name: 'redis', check: async () => ({ ok: (await redis.ping()) === 'PONG' }) }],
    ...(acd ? { acd: acdApi(acd) } : {}),
    ...(callbacks ? { callbacks } : {}),
  };
  const app = await buildApi({
    config,
    logger,
    clock,
    services,
    ...(options.sharedRateLimit ? { rateLimitStore: { redis, keyPrefix: `${options.prefix}api-rate:` } } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  return {
    app,
    url,
    redis,
    store,
    registry,
    watcher,
    admin,
    routes,
    metrics,
    clock,
    acd,
    callbacks,
    callbackStore,
    flowsDir: options.flowsDir,
    fileChanged: () => trigger(),
    async fetch(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      const token = init.token === undefined ? TOKENS.admin : init.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (init.rawBody !== undefined) body = init.rawBody;
      else if (init.body !== undefined) body = JSON.stringify(init.body);
      if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, { method: init.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
    async close() {
      watcher.stop();
      await watcher.whenIdle();
      await app.close();
      await registry.stop();
      await acd?.halt();
      await redis.quit();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The environment of a whole service as `npm start` would see it, for tests
 * that start one (startService): the sim driver, the admin API on a free
 * loopback port with the admin token, flows read from `flowsDir` and not
 * watched or written back. `extra` adds or overrides variables (Redis, key
 * prefixes, ACD files, instance id…).
 */
export function simServiceEnv(flowsDir: string, extra: Record<string, string>): Record<string, string> {
  return {
    TELEPHONY_DRIVER: 'sim',
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    API_TOKENS: `ops:admin:${TOKENS.admin}`,
    FLOWS_DIR: flowsDir,
    FLOWS_WATCH: 'false',
    FLOWS_RESYNC_MS: '0',
    FLOWS_WRITE_BACK: 'false',
    ...extra,
  };
}

/** Calls the admin API of a started service as the admin: status and parsed JSON body. */
export function adminApi(baseUrl: () => string) {
  return async (path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${TOKENS.admin}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as unknown };
  };
}

/** A flow that greets the caller and queues them in `sales`; `sorry` when nobody is logged in to it. */
export const salesQueueFlow = {
  id: 'sales',
  name: 'Sales line',
  defaultLanguage: 'en',
  start: 'hello',
  nodes: {
    hello: { type: 'play', prompt: 'Welcome to sales', next: 'wait' },
    wait: { type: 'queue', queue: 'sales', next: 'bye', noagents: 'sorry' },
    sorry: { type: 'play', prompt: 'Nobody is there', next: 'bye' },
    bye: { type: 'hangup' },
  },
};

/**
 * Over the admin API of a started service: queue `sales` (wrap-up 5 s) and
 * agent `ann` (sip:1001@agents.test, a member of it), logged in and available.
 * Throws, naming the step, when the API refuses one.
 */
export async function salesQueueWithAnn(api: ReturnType<typeof adminApi>): Promise<void> {
  const refused = (what: string, r: { status: number; body: unknown }) => new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  const queue = await api('/queues/sales', { method: 'PUT', body: { name: 'Sales', wrapUpSeconds: 5 } });
  if (queue.status !== 201) throw refused('queue sales', queue);
  const agent = await api('/agents/ann', { method: 'PUT', body: { name: 'Ann', uri: 'sip:1001@agents.test', queues: [{ queue: 'sales' }] } });
  if (agent.status !== 201) throw refused('agent ann', agent);
  const login = await api('/agents/ann/login', { method: 'POST' });
  if ((login.body as { state?: string } | undefined)?.state !== 'available') throw refused('login ann', login);
}

/** The outbound call of the first dial that was answered (an agent's leg), if any. */
export function answeredDialCall(sim: SimTelephony): SimCall | undefined {
  const answered = sim.dials.find((d) => d.outcome === 'answered');
  return answered?.callId ? sim.call(answered.callId) : undefined;
}

/**
 * Publishes `flow` (its first version) over the admin API of a started
 * service, waits until that service serves it, and routes `did` to it.
 * Throws, naming the step, when the API refuses one.
 */
export async function publishAndRoute(
  running: Pick<Running, 'registry'>,
  api: ReturnType<typeof adminApi>,
  flow: { id: string },
  did: string,
): Promise<void> {
  const live = new Promise<void>((resolve) => {
    const off = running.registry.onChange((c) => {
      if (c.flowId === flow.id && c.version === 1) {
        off();
        resolve();
      }
    });
  });
  const published = await api(`/flows/${flow.id}?publish=true`, { method: 'PUT', body: flow });
  if (published.status !== 201) throw new Error(`publishing flow ${flow.id}: ${published.status} ${JSON.stringify(published.body)}`);
  await live;
  const routed = await api(`/routes/${did}`, { method: 'PUT', body: { flowId: flow.id } });
  if (routed.status !== 200) throw new Error(`routing ${did} to ${flow.id}: ${routed.status} ${JSON.stringify(routed.body)}`);
}

/**
 * Lets a started service run on its virtual clock (prompts, ringing and the ACD take virtual time) until
 * `done` holds, 250 ms at a step. `ping` (a PING to the service's Redis) between steps lets replies already
 * on their way land before virtual time moves on. Throws naming `what` after 300 steps.
 */
export async function advanceUntil(
  clock: VirtualClock,
  ping: () => Promise<unknown>,
  done: () => boolean | Promise<boolean>,
  what: string,
): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await done()) return;
    await ping();
    await clock.advance(250);
  }
  throw new Error(`never happened: ${what}`);
}
