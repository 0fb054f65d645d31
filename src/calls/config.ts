/**
 * Typed configuration of the live-calls board (src/calls/live-calls.ts).
 * Only src/main.ts reads the environment and passes it here.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | LIVE_CALLS_KEY_PREFIX | `ACD_KEY_PREFIX` (`ivr:{main}:`) | Redis key prefix; must contain a hash tag `{…}` |
 * | LIVE_CALLS_SNAPSHOT_MS | 1000 | how often each instance writes the snapshot of its calls |
 * | LIVE_CALLS_TTL_MS | 5000 | a snapshot not renewed for this long is gone (its instance is taken as dead); at least twice the period |
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError, envInt, envString, type Env } from '../config/api.ts';
import { hasHashTag } from '../acd/keys.ts';

export const LiveCallsConfigSchema = Type.Object(
  {
    keyPrefix: Type.String({ minLength: 3, pattern: '^[^\\s]+$' }),
    snapshotMs: Type.Integer({ minimum: 100, maximum: 60_000 }),
    ttlMs: Type.Integer({ minimum: 200, maximum: 600_000 }),
  },
  { additionalProperties: false },
);
export type LiveCallsConfig = Static<typeof LiveCallsConfigSchema>;

const ENV: Record<keyof LiveCallsConfig, string> = {
  keyPrefix: 'LIVE_CALLS_KEY_PREFIX',
  snapshotMs: 'LIVE_CALLS_SNAPSHOT_MS',
  ttlMs: 'LIVE_CALLS_TTL_MS',
};

/** Builds the section; `defaultKeyPrefix` is the ACD's prefix (one hash tag for the site). Throws ConfigError naming the variable. */
export function loadLiveCallsConfig(env: Env, defaultKeyPrefix: string): LiveCallsConfig {
  const config: LiveCallsConfig = {
    keyPrefix: envString(env, ENV.keyPrefix, defaultKeyPrefix),
    snapshotMs: envInt(env, ENV.snapshotMs, 1_000),
    ttlMs: envInt(env, ENV.ttlMs, 5_000),
  };
  const first = [...Value.Errors(LiveCallsConfigSchema, config)][0];
  if (first) throw new ConfigError(ENV[first.path.slice(1) as keyof LiveCallsConfig] ?? 'LIVE_CALLS', first.message);
  if (!hasHashTag(config.keyPrefix)) throw new ConfigError(ENV.keyPrefix, 'must contain a Redis Cluster hash tag such as {main}');
  if (config.ttlMs < 2 * config.snapshotMs) throw new ConfigError(ENV.ttlMs, `must be at least twice LIVE_CALLS_SNAPSHOT_MS (${config.snapshotMs})`);
  return config;
}
