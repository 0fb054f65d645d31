/**
 * The composition root: the only module that reads the environment. It builds
 * the configuration, connects Redis (directly, through Sentinel, or to a Redis
 * Cluster: REDIS_CLUSTER_NODES), picks the
 * telephony driver (TELEPHONY_DRIVER=sim|drachtio), and wires the flow store,
 * the engine, the ACD, call-backs and the admin API. SIGTERM/SIGINT stop it
 * gracefully.
 *
 *   TELEPHONY_DRIVER=sim API_TOKENS=ops:admin:<16+ chars> npm start
 */
import { existsSync } from 'node:fs';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config, type RedisConfig } from './config/index.ts';
import { systemClock, type Clock } from './util/clock.ts';
import type { RedisClient } from './util/redis-client.ts';
import { FlowStore } from './flows/store/flow-store.ts';
import { FlowRegistry } from './flows/store/registry.ts';
import { FlowFolderWatcher } from './flows/store/watcher.ts';
import { FlowAdmin } from './flows/store/admin.ts';
import { createFlowValidator } from './flows/store/validator.ts';
import { createDestinationPolicy } from './flows/destination-policy.ts';
import { RouteTable } from './routing/route-table.ts';
import { CallRouter } from './routing/call-router.ts';
import { createFetchHttpClient } from './engine/nodes/http.ts';
import { FlowEngine } from './engine/engine.ts';
import { AcdService } from './acd/service.ts';
import { AcdQueueService } from './acd/queue-runner.ts';
import { CallbackStore } from './callbacks/store.ts';
import { CallbackManager } from './callbacks/service.ts';
import { CallbackDialer } from './callbacks/dialer.ts';
import { loadQueueHours } from './callbacks/hours.ts';
import type { Telephony } from './telephony/port.ts';
import { staticContacts, type AgentContactResolver } from './telephony/agent-contacts.ts';
import { SimTelephony } from './telephony/sim/sim-telephony.ts';
import { buildApi } from './api/app.ts';
import { ServiceMetrics, instrumentRedis } from './api/metrics.ts';
import { acdApi, acdMetrics } from './api/acd-adapter.ts';
import { createSimulator } from './api/simulator.ts';
import type { ReadinessCheck } from './api/ports.ts';
import { LiveCalls } from './calls/live-calls.ts';

/** Credentials and TLS from REDIS_URL: what every connection (standalone, Sentinel, Cluster node) uses. */
function connectionOptions(url: URL): RedisOptions {
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  return {
    ...(password ? { password } : {}),
    ...(username ? { username } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: 3,
  };
}

export function redisOptions(config: RedisConfig): RedisOptions {
  const url = new URL(config.url);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  const common: RedisOptions = {
    ...connectionOptions(url),
    ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
  };
  if (config.sentinels.length > 0) {
    return { ...common, sentinels: config.sentinels, name: config.sentinelName, ...(config.sentinelPassword ? { sentinelPassword: config.sentinelPassword } : {}) };
  }
  return { ...common, host: url.hostname, port: url.port ? Number(url.port) : 6379 };
}

/** Options of the Cluster client (REDIS_CLUSTER_NODES): the seeds come apart; every node connection gets REDIS_URL's credentials and TLS. */
export function redisClusterOptions(config: RedisConfig): ClusterOptions {
  return { redisOptions: connectionOptions(new URL(config.url)) };
}

/** The service's Redis client: a Cluster client when REDIS_CLUSTER_NODES is set, else standalone or Sentinel. */
export function createRedisClient(config: RedisConfig): RedisClient {
  if (config.clusterNodes.length > 0) return new Cluster(config.clusterNodes, redisClusterOptions(config));
  return new Redis(redisOptions(config));
}

const redisMode = (config: RedisConfig): string => (config.clusterNodes.length > 0 ? 'cluster' : config.sentinels.length > 0 ? 'sentinel' : 'standalone');

export interface Running {
  /** Base URL of the admin API as listening (port 0 in the config picks a free port). */
  apiUrl: string;
  /** The simulated driver, when TELEPHONY_DRIVER=sim (place calls with sim.incoming()). */
  sim: SimTelephony | undefined;
  registry: FlowRegistry;
  /** This instance's share of the cross-instance live-calls board (flush() writes its snapshot now). */
  liveCalls: LiveCalls;
  stop(reason: string): Promise<void>;
}

export async function startService(config: Config, logger: Logger, clock: Clock = systemClock): Promise<Running> {
  const log = logger.child({ instance: config.service.instanceId });
  const redis = createRedisClient(config.redis);
  /** Connection errors (Redis down, a fail-over, a Cluster node lost) go to the log under the connection's role, not to stderr by ioredis. */
  const logErrors = (client: RedisClient, connection: string): RedisClient => {
    const fields = (err: Error) => ({ err: { message: err.message, code: (err as NodeJS.ErrnoException).code }, connection });
    client.on('error', (err: Error) => log.error(fields(err), 'redis connection error'));
    if (client instanceof Cluster) client.on('node error', (err: Error, node: string) => log.error({ ...fields(err), node }, 'redis cluster node error'));
    return client;
  };
  logErrors(redis, 'main');
  /** A connection of its own, for a subscriber or blocking reads. */
  const connection = (role: string): RedisClient => logErrors(redis.duplicate(), role);
  await redis.ping();
  log.info({ mode: redisMode(config.redis) }, 'redis connected');

  const metrics = new ServiceMetrics({ defaultLabels: { instance: config.service.instanceId } });
  instrumentRedis(redis, metrics.redisLatency);

  // ACD first: flow validation checks queue ids.
  const acd = new AcdService({ redis, blockingRedis: connection('acd-inbox'), config: config.acd, clock, log });
  await acd.start();
  if (existsSync(config.acd.queuesFile) && existsSync(config.acd.agentsFile)) {
    const loaded = await acd.loadFiles({ queuesFile: config.acd.queuesFile, agentsFile: config.acd.agentsFile });
    log.info({ queues: loaded.queues, agents: loaded.agents }, 'ACD configuration loaded from files');
  }
  metrics.setAcdSource(acdMetrics(acd));

  // Flows: store, this instance's published view, folder watcher, routing.
  const transferPolicy = createDestinationPolicy(config.flows.transferAllow);
  const store = new FlowStore({ redis, prefix: config.flows.keyPrefix, clock });
  const registry = new FlowRegistry({ store, subscriber: connection('flows-subscriber'), clock, logger: log, resyncMs: config.flows.resyncMs });
  const validate = createFlowValidator({ transferPolicy, audioDir: config.flows.audioDir, queues: () => acd.knownQueues() });
  const watcher = new FlowFolderWatcher({ dir: config.flows.dir, store, validate, clock, logger: log, debounceMs: config.flows.watchDebounceMs });
  const flowAdmin = new FlowAdmin({ store, validate, logger: log, ...(config.flows.writeBack ? { writeBackDir: config.flows.dir } : {}), watcher });
  const routes = new RouteTable(redis, config.flows.keyPrefix);
  await registry.start();
  if (existsSync(config.flows.dir)) {
    const scan = config.flows.watch ? await watcher.start() : await watcher.rescan();
    log.info({ published: scan.published.length, unchanged: scan.unchanged.length, invalid: scan.invalid.length, watching: config.flows.watch }, 'flows folder scanned');
  } else {
    log.warn({ dir: config.flows.dir }, 'flows folder not found; flows come from the API only');
  }
  const seeded = await routes.seedFromFile(config.flows.routesFile, log);
  log.info({ added: seeded.added.length, kept: seeded.kept.length, skipped: seeded.skipped.length }, 'routes seeded');

  // Telephony.
  let telephony: Telephony;
  let sim: SimTelephony | undefined;
  let contacts: AgentContactResolver = staticContacts;
  const readiness: ReadinessCheck[] = [{ name: 'redis', check: async () => ({ ok: (await redis.ping()) === 'PONG' }) }];
  if (config.service.telephonyDriver === 'drachtio') {
    const { createDrachtioTelephony } = await import('./telephony/drachtio/index.ts');
    const driver = createDrachtioTelephony(config.telephony!, {
      redis,
      logger: log,
      clock,
      instanceId: config.service.instanceId,
      // One slot with the live-calls board (its prefix carries the site's hash tag).
      legsKeyPrefix: config.liveCalls.keyPrefix,
      isKnownNumber: async (did) => (await routes.resolve(did)) !== undefined,
    });
    telephony = driver;
    contacts = driver.registrar;
    // An agent paused as 'unreachable' (offered a caller while it had no device to ring) is available again once its softphone registers.
    driver.registrar.onRegistered((agentId) => {
      acd.resumeIfPausedFor(agentId, 'unreachable').then(
        ({ resumed, state }) => {
          if (resumed) log.info({ agentId, state }, "agent's softphone registered: available again after 'unreachable'");
        },
        (err: unknown) => log.warn({ err, agentId }, 'could not make an agent available again after its registration'),
      );
    });
    readiness.push({ name: 'telephony', check: () => driver.health() });
  } else {
    // Call ids unique across instances (the live-calls board and hang-up address calls by id).
    sim = new SimTelephony({ clock, logger: log.child({ component: 'sim-telephony' }), idPrefix: `sim-${config.service.instanceId}-` });
    telephony = sim;
    log.info('TELEPHONY_DRIVER=sim: no SIP stack; calls exist only when placed through the simulated driver');
  }

  // Call-backs.
  const cbStore = new CallbackStore(redis, config.callbacks.keyPrefix, config.callbacks.retentionDays * 86_400_000, config.callbacks.timeZone);
  // The manager wakes the dialer after a change; the dialer is built after the manager.
  const wakeDialer: { dialer?: CallbackDialer } = {};
  // A queue's own hours of operation win over CALLBACK_HOURS_FILE.
  const fileHours = loadQueueHours(config.callbacks.hoursFile);
  const hoursFor = (queueId: string) => acd.queueHours(queueId) ?? fileHours(queueId);
  const callbacks = new CallbackManager({
    store: cbStore,
    clock,
    log,
    config: config.callbacks,
    hoursFor,
    acd,
    // The call-back node's "offer only when the wait is long" uses the ACD's estimate.
    estimateWait: (queueId) => acd.estimateWait(queueId),
    onChange: () => wakeDialer.dialer?.wake(),
  });
  const dialer = new CallbackDialer({
    store: cbStore,
    acd,
    telephony,
    clock,
    log,
    config: config.callbacks,
    agentContact: async (agentId) => contacts.contactFor(agentId, (await acd.getAgent(agentId))?.uri),
    hoursFor,
    subscriber: connection('callbacks-subscriber'),
  });
  wakeDialer.dialer = dialer;
  await dialer.start();

  // Engine and inbound calls.
  const engine = new FlowEngine({
    clock,
    logger: log,
    services: {
      flows: registry,
      // No redirects, answers capped at 1 MiB, secrets never logged.
      http: createFetchHttpClient(),
      transferPolicy,
      // Relative audio paths go to the driver as written: the media server
      // resolves them in its own audio folder (drachtio: AUDIO_PATH, where
      // compose mounts ivr-flows/audio). FLOWS_AUDIO_DIR is only where flow
      // validation looks for the files.
      audioDir: '',
      recordingsDir: config.flows.recordingsDir,
      queues: new AcdQueueService({ acd, telephony, contacts, clock }),
      callbacks,
    },
  });
  // Live calls of every instance (snapshot in Redis, hang-up over pub/sub): src/calls/live-calls.ts.
  const liveCalls = new LiveCalls({ redis, subscriber: connection('live-calls-subscriber'), config: config.liveCalls, instanceId: config.service.instanceId, calls: engine, clock, log });
  await liveCalls.start();
  const router = new CallRouter({
    routes,
    flows: registry,
    engine,
    logger: log,
    observer: {
      callStarted: () => {
        metrics.activeCalls.inc();
        // The engine registers the call right after this hook: snapshot on the next microtask.
        queueMicrotask(() => liveCalls.changed());
      },
      callEnded: (flowId, ended, trace) => {
        metrics.activeCalls.dec();
        metrics.recordCall(flowId, ended, trace);
        liveCalls.changed();
      },
    },
  });
  telephony.onIncoming((call) => void router.handle(call));

  // Admin API.
  const app = await buildApi({
    config: config.api,
    logger: log,
    clock,
    // One key per token/address and window, under the flows prefix (its hash tag picks the slot on a Cluster).
    rateLimitStore: { redis, keyPrefix: `${config.flows.keyPrefix}api-rate:` },
    services: {
      flows: flowAdmin,
      published: registry,
      routes,
      simulate: createSimulator(log),
      calls: engine,
      liveCalls,
      metrics,
      readiness,
      acd: acdApi(acd),
      callbacks,
    },
  });
  if (config.api.tokens.length === 0) log.warn('API_TOKENS is empty: every API route but /health answers 401');
  await app.listen({ host: config.api.host, port: config.api.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  log.info({ host: config.api.host, port, driver: config.service.telephonyDriver }, 'service started');

  let stopping: Promise<void> | undefined;
  return {
    apiUrl: `http://${config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host}:${port}`,
    sim,
    registry,
    liveCalls,
    stop(reason) {
      stopping ??= (async () => {
        log.info({ reason }, 'stopping');
        const step = async (name: string, fn: () => Promise<unknown> | unknown): Promise<void> => {
          try {
            await fn();
          } catch (err) {
            log.error({ err, step: name }, 'shutdown step failed');
          }
        };
        await step('api', () => app.close());
        await step('watcher', () => watcher.stop());
        // Stop taking calls; the drachtio driver lets calls in progress finish within its grace period.
        await step('telephony', () => telephony.close());
        // After the calls in progress are done: then this instance's snapshot goes.
        await step('live-calls', () => liveCalls.stop());
        await step('callbacks', () => dialer.stop());
        await step('acd', () => acd.stop());
        await step('registry', () => registry.stop());
        await step('redis', () => redis.quit());
        log.info('stopped');
      })();
      return stopping;
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    // Configuration errors name the variable; they never carry secret values.
    process.stderr.write(`configuration error: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const logger = pino({
    level: config.service.logLevel,
    redact: { paths: ['req.headers.authorization', '*.token', '*.password', '*.secret', 'config.api.tokens'], censor: '[redacted]' },
  });
  let running: Running;
  try {
    running = await startService(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'the service could not start');
    process.exit(1);
  }
  const shutdown = (signal: string): void => {
    const force = setTimeout(() => {
      logger.error({ graceMs: config.service.shutdownGraceMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.service.shutdownGraceMs + 5_000);
    force.unref();
    running.stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

// Run only as the entry point (tests import startService).
if (import.meta.url === `file://${process.argv[1]}`) void main();
