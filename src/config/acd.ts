/**
 * Typed configuration of the ACD (src/acd/). Only src/main.ts reads the
 * environment and passes it here.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | ACD_KEY_PREFIX | `ivr:{main}:` | Redis key prefix; must contain a hash tag `{…}` (Redis Cluster slot) |
 * | ACD_INSTANCE_ID | `<hostname>-<pid>` (given by main) | this instance's id (lease, inbox) |
 * | ACD_LEASE_MS | 15000 | lease length; an instance silent that long is dead and its entries are reclaimed |
 * | ACD_HEARTBEAT_MS | 5000 | lease renewal period (< lease) |
 * | ACD_REAP_INTERVAL_MS | 5000 | how often each instance runs the reaper |
 * | ACD_TIME_ZONE | `Europe/Warsaw` | "today" for statistics (queues may override) |
 * | ACD_QUEUES_FILE | `ivr-flows/acd/queues.json` | queue configuration file |
 * | ACD_AGENTS_FILE | `ivr-flows/acd/agents.json` | agent configuration file |
 * | ACD_DEFAULT_HANDLE_SECONDS | 180 | handle time assumed for EWT before any call was handled |
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { hostname } from 'node:os';
import { hasHashTag } from '../acd/keys.ts';
import { isTimeZone } from '../util/time-zone.ts';

export const AcdConfigSchema = Type.Object(
  {
    keyPrefix: Type.String({ minLength: 3, default: 'ivr:{main}:' }),
    instanceId: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' }),
    leaseMs: Type.Integer({ minimum: 1000, maximum: 600_000, default: 15_000 }),
    heartbeatMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 5_000 }),
    reapIntervalMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 5_000 }),
    timeZone: Type.String({ minLength: 1, default: 'Europe/Warsaw' }),
    queuesFile: Type.String({ minLength: 1, default: 'ivr-flows/acd/queues.json' }),
    agentsFile: Type.String({ minLength: 1, default: 'ivr-flows/acd/agents.json' }),
    defaultHandleSeconds: Type.Number({ minimum: 1, maximum: 36_000, default: 180 }),
  },
  { additionalProperties: false },
);
export type AcdConfig = Static<typeof AcdConfigSchema>;

export class AcdConfigEnvError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`ACD configuration: ${problems.join('; ')}`);
    this.name = 'AcdConfigEnvError';
  }
}

const ENV: Record<keyof AcdConfig, string> = {
  keyPrefix: 'ACD_KEY_PREFIX',
  instanceId: 'ACD_INSTANCE_ID',
  leaseMs: 'ACD_LEASE_MS',
  heartbeatMs: 'ACD_HEARTBEAT_MS',
  reapIntervalMs: 'ACD_REAP_INTERVAL_MS',
  timeZone: 'ACD_TIME_ZONE',
  queuesFile: 'ACD_QUEUES_FILE',
  agentsFile: 'ACD_AGENTS_FILE',
  defaultHandleSeconds: 'ACD_DEFAULT_HANDLE_SECONDS',
};
const NUMERIC = new Set<keyof AcdConfig>(['leaseMs', 'heartbeatMs', 'reapIntervalMs', 'defaultHandleSeconds']);

/** Builds the ACD section from environment variables (see the table above). Throws AcdConfigEnvError naming each bad variable. */
export function loadAcdConfig(env: Record<string, string | undefined>): AcdConfig {
  const raw: Record<string, unknown> = { instanceId: `${hostname()}-${process.pid}` };
  const problems: string[] = [];
  for (const [field, name] of Object.entries(ENV) as Array<[keyof AcdConfig, string]>) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    if (NUMERIC.has(field)) {
      const num = Number(v);
      if (!Number.isFinite(num)) problems.push(`${name}: "${v}" is not a number`);
      raw[field] = num;
    } else {
      raw[field] = v;
    }
  }
  const cfg = Value.Default(AcdConfigSchema, raw) as AcdConfig;
  if (problems.length === 0 && !Value.Check(AcdConfigSchema, cfg)) {
    for (const e of Value.Errors(AcdConfigSchema, cfg)) {
      const field = e.path.slice(1) as keyof AcdConfig;
      problems.push(`${ENV[field] ?? e.path}: ${e.message}`);
    }
  }
  if (problems.length === 0) {
    if (!hasHashTag(cfg.keyPrefix)) problems.push(`ACD_KEY_PREFIX: "${cfg.keyPrefix}" must contain a hash tag such as {main}`);
    if (!isTimeZone(cfg.timeZone)) problems.push(`ACD_TIME_ZONE: unknown time zone "${cfg.timeZone}"`);
    if (cfg.heartbeatMs >= cfg.leaseMs) problems.push(`ACD_HEARTBEAT_MS (${cfg.heartbeatMs}) must be below ACD_LEASE_MS (${cfg.leaseMs})`);
  }
  if (problems.length > 0) throw new AcdConfigEnvError(problems);
  return cfg;
}
