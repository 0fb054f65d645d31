/**
 * The service's whole configuration, typed and validated, built once from
 * the environment by the composition root (src/main.ts):
 *
 *   const config = loadConfig(process.env);
 *
 * Each section has its own file with a TypeBox schema and `load<X>Config(env)`
 * (api.ts, acd.ts, callbacks.ts, telephony.ts); the core sections (service,
 * Redis, flows) are here. docs/operations.md lists every variable.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError, envBool, envInt, envString, loadApiConfig, type ApiConfig, type Env } from './api.ts';
import { loadAcdConfig, type AcdConfig } from './acd.ts';
import { loadCallbacksConfig, type CallbacksConfig } from './callbacks.ts';
import { loadTelephonyConfig, type TelephonyConfig } from './telephony.ts';
import { loadLiveCallsConfig, type LiveCallsConfig } from '../calls/config.ts';
import { hashTagOf } from '../util/redis-client.ts';

export { ConfigError, type Env };

export const ServiceConfigSchema = Type.Object(
  {
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
    instanceId: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' }),
    /** sim: the in-process simulated driver (no SIP stack; only Redis is needed). drachtio: drachtio-server + FreeSWITCH. */
    telephonyDriver: Type.Union([Type.Literal('sim'), Type.Literal('drachtio')]),
    /** Longest wait for calls and work in progress on SIGTERM/SIGINT before the process exits anyway. */
    shutdownGraceMs: Type.Integer({ minimum: 0, maximum: 3_600_000 }),
  },
  { additionalProperties: false },
);
export type ServiceConfig = Static<typeof ServiceConfigSchema>;

const HostPort = Type.Object({ host: Type.String({ minLength: 1 }), port: Type.Integer({ minimum: 1, maximum: 65535 }) }, { additionalProperties: false });

export const RedisConfigSchema = Type.Object(
  {
    /**
     * redis[s]://[[user]:password@]host:port[/db]. With sentinels, only the user, password, db and TLS (rediss:) are used;
     * with cluster nodes, only the user, password and TLS (a Cluster has db 0 only).
     */
    url: Type.String({ pattern: '^rediss?://' }),
    /** Sentinel addresses; when given, the master named `sentinelName` is used and followed on fail-over. */
    sentinels: Type.Array(HostPort),
    /** Redis Cluster seed nodes; when given, the service runs on the Cluster (every key prefix carries a hash tag). */
    clusterNodes: Type.Array(HostPort),
    sentinelName: Type.String({ minLength: 1 }),
    sentinelPassword: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type RedisConfig = Static<typeof RedisConfigSchema>;

export const FlowsConfigSchema = Type.Object(
  {
    /** The flows folder (ivr-flows/). */
    dir: Type.String({ minLength: 1 }),
    /** Audio files referenced by flows. */
    audioDir: Type.String({ minLength: 1 }),
    recordingsDir: Type.String({ minLength: 1 }),
    /** Redis key prefix of the flow store and routing table (a hash tag keeps their keys in one Cluster slot). */
    keyPrefix: Type.String({ minLength: 1, pattern: '^[^\\s]+$' }),
    /** Watch the folder and publish valid changes. */
    watch: Type.Boolean(),
    watchDebounceMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
    /** Full reload of published flows from Redis (fallback for a lost pub/sub message); 0: off. */
    resyncMs: Type.Integer({ minimum: 0 }),
    /** Write the live version of a flow published through the API back to <dir>/<id>.json. */
    writeBack: Type.Boolean(),
    /** DID → flow seed file. */
    routesFile: Type.String({ minLength: 1 }),
    /** Transfer/dial allow-list patterns (toll-fraud protection); empty: no transfers. */
    transferAllow: Type.Array(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type FlowsConfig = Static<typeof FlowsConfigSchema>;

export interface Config {
  service: ServiceConfig;
  redis: RedisConfig;
  flows: FlowsConfig;
  api: ApiConfig;
  acd: AcdConfig;
  callbacks: CallbacksConfig;
  /** Live calls across instances (src/calls/config.ts). */
  liveCalls: LiveCallsConfig;
  /** Present when TELEPHONY_DRIVER=drachtio. */
  telephony?: TelephonyConfig;
}

function check<T>(schema: Parameters<typeof Value.Check>[0], value: T, section: string, names: Record<string, string>): T {
  if (!Value.Check(schema, value)) {
    const first = [...Value.Errors(schema, value)][0];
    const field = first?.path.split('/')[1] ?? '';
    throw new ConfigError(names[field] ?? `${section}${first?.path ?? ''}`, first?.message ?? 'is invalid');
  }
  return value;
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new ConfigError('REDIS_URL', 'is not a valid redis:// or rediss:// URL');
  }
}

/** "host:port, host:port" of variable `name` (REDIS_SENTINELS, REDIS_CLUSTER_NODES). */
function parseHostPorts(env: Env, name: string): Array<{ host: string; port: number }> {
  return list(env, name).map((entry) => {
    const m = /^([^:\s]+):(\d{1,5})$/.exec(entry);
    if (!m) throw new ConfigError(name, `"${entry}" must be host:port`);
    return { host: m[1]!, port: Number(m[2]) };
  });
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function loadServiceConfig(env: Env): ServiceConfig {
  return check(
    ServiceConfigSchema,
    {
      logLevel: envString(env, 'LOG_LEVEL', 'info'),
      instanceId: envString(env, 'INSTANCE_ID', `${hostname()}-${process.pid}`),
      telephonyDriver: envString(env, 'TELEPHONY_DRIVER', 'sim') as ServiceConfig['telephonyDriver'],
      shutdownGraceMs: envInt(env, 'SHUTDOWN_GRACE_MS', 30_000),
    },
    'service',
    { logLevel: 'LOG_LEVEL', instanceId: 'INSTANCE_ID', telephonyDriver: 'TELEPHONY_DRIVER', shutdownGraceMs: 'SHUTDOWN_GRACE_MS' },
  );
}

export function loadRedisConfig(env: Env): RedisConfig {
  const sentinelPassword = envString(env, 'REDIS_SENTINEL_PASSWORD', '');
  const config = check(
    RedisConfigSchema,
    {
      url: envString(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
      sentinels: parseHostPorts(env, 'REDIS_SENTINELS'),
      clusterNodes: parseHostPorts(env, 'REDIS_CLUSTER_NODES'),
      sentinelName: envString(env, 'REDIS_SENTINEL_NAME', 'mymaster'),
      ...(sentinelPassword ? { sentinelPassword } : {}),
    },
    'redis',
    {
      url: 'REDIS_URL',
      sentinels: 'REDIS_SENTINELS',
      clusterNodes: 'REDIS_CLUSTER_NODES',
      sentinelName: 'REDIS_SENTINEL_NAME',
      sentinelPassword: 'REDIS_SENTINEL_PASSWORD',
    },
  );
  if (config.clusterNodes.length > 0) {
    if (config.sentinels.length > 0) {
      throw new ConfigError('REDIS_CLUSTER_NODES', 'cannot be combined with REDIS_SENTINELS: set one of them (a Redis Cluster fails over by itself)');
    }
    const db = parseUrl(config.url).pathname.slice(1);
    if (db !== '' && db !== '0') throw new ConfigError('REDIS_URL', `selects database ${db}, but a Redis Cluster (REDIS_CLUSTER_NODES) has database 0 only`);
  }
  return config;
}

export function loadFlowsConfig(env: Env, cwd = process.cwd()): FlowsConfig {
  const dir = resolve(cwd, envString(env, 'FLOWS_DIR', 'ivr-flows'));
  const config = check(
    FlowsConfigSchema,
    {
      dir,
      audioDir: resolve(dir, envString(env, 'FLOWS_AUDIO_DIR', 'audio')),
      recordingsDir: resolve(cwd, envString(env, 'RECORDINGS_DIR', 'recordings')),
      keyPrefix: envString(env, 'FLOWS_KEY_PREFIX', 'ivr:{flows}:'),
      watch: envBool(env, 'FLOWS_WATCH', true),
      watchDebounceMs: envInt(env, 'FLOWS_WATCH_DEBOUNCE_MS', 300),
      resyncMs: envInt(env, 'FLOWS_RESYNC_MS', 30_000),
      writeBack: envBool(env, 'FLOWS_WRITE_BACK', true),
      routesFile: resolve(dir, envString(env, 'ROUTES_FILE', 'routes.json')),
      transferAllow: list(env, 'TRANSFER_ALLOW'),
    },
    'flows',
    {
      keyPrefix: 'FLOWS_KEY_PREFIX',
      watch: 'FLOWS_WATCH',
      watchDebounceMs: 'FLOWS_WATCH_DEBOUNCE_MS',
      resyncMs: 'FLOWS_RESYNC_MS',
      writeBack: 'FLOWS_WRITE_BACK',
      routesFile: 'ROUTES_FILE',
      transferAllow: 'TRANSFER_ALLOW',
    },
  );
  // The flow store's scripts touch several keys of the prefix (index, meta, versions, routes): one Cluster slot.
  if (hashTagOf(config.keyPrefix) === undefined) {
    throw new ConfigError('FLOWS_KEY_PREFIX', `"${config.keyPrefix}" must contain a Redis Cluster hash tag such as {flows} (e.g. ivr:{flows}:), so that each flow operation's keys share one slot`);
  }
  return config;
}

/** Every section; throws ConfigError (or a section's own config error) naming the variable at fault. */
export function loadConfig(env: Env, cwd = process.cwd()): Config {
  const service = loadServiceConfig(env);
  const acd = loadAcdConfig({ ACD_INSTANCE_ID: service.instanceId, ...env });
  return {
    service,
    redis: loadRedisConfig(env),
    flows: loadFlowsConfig(env, cwd),
    api: loadApiConfig(env),
    acd,
    callbacks: loadCallbacksConfig(env),
    liveCalls: loadLiveCallsConfig(env, acd.keyPrefix),
    ...(service.telephonyDriver === 'drachtio' ? { telephony: loadTelephonyConfig(env) } : {}),
  };
}
