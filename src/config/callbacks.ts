/**
 * Configuration of call-backs, from the environment (only the composition root
 * passes process.env). See docs/callbacks.md for every variable.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError, envBool, envInt, envString, type Env } from './api.ts';
import { hashTagOf } from '../util/redis-client.ts';

export const CallbacksConfigSchema = Type.Object(
  {
    /**
     * Redis key prefix with a Cluster hash tag (each call-back script's keys share its slot). Defaults to the ACD's
     * prefix, so call-backs live next to the queues they feed (same slot, same shard).
     */
    keyPrefix: Type.String({ minLength: 1, pattern: '^[^\\s]+$' }),
    /** Caller id presented to customers when they are called back (E.164 or a trunk number). */
    callerId: Type.Optional(Type.String({ minLength: 1 })),
    /** Customer dials per call-back before it is marked failed. */
    maxAttempts: Type.Integer({ minimum: 1, maximum: 20 }),
    /** Wait before retry n (seconds); the last value repeats. */
    retryBackoffSeconds: Type.Array(Type.Integer({ minimum: 1, maximum: 7 * 86_400 }), { minItems: 1 }),
    customerRingTimeoutSeconds: Type.Integer({ minimum: 5, maximum: 300 }),
    agentRingTimeoutSeconds: Type.Integer({ minimum: 5, maximum: 300 }),
    /** An instance's hold on a call-back it is queueing or dialing; renewed every third of it. */
    leaseSeconds: Type.Integer({ minimum: 3, maximum: 3600 }),
    /** Length of a scheduled slot offered to the caller, minutes. */
    slotMinutes: Type.Integer({ minimum: 5, maximum: 24 * 60 }),
    /** How many slots the caller may pick from. */
    slotsOffered: Type.Integer({ minimum: 1, maximum: 9 }),
    /** First slot offered is at least this far ahead, minutes. */
    slotLeadMinutes: Type.Integer({ minimum: 0, maximum: 7 * 24 * 60 }),
    /** IANA time zone for reading times back to callers and agents. */
    timeZone: Type.String({ minLength: 1 }),
    rejectPremium: Type.Boolean(),
    allowInternational: Type.Boolean(),
    /** JSON file: queue id (or "*") → business hours (src/callbacks/hours.ts); none: always open. */
    hoursFile: Type.Optional(Type.String({ minLength: 1 })),
    /** Language of the whisper agents hear. */
    agentLanguage: Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$' }),
    /** Finished call-backs (completed, failed, cancelled) are kept this long, days. */
    retentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  },
  { additionalProperties: false },
);
export type CallbacksConfig = Static<typeof CallbacksConfigSchema>;

function parseSecondsList(env: Env, name: string, def: number[]): number[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw new ConfigError(name, 'must be a comma-separated list of whole seconds, e.g. 300,900,1800');
  return parts.map(Number);
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function loadCallbacksConfig(env: Env): CallbacksConfig {
  const callerId = envString(env, 'CALLBACK_CALLER_ID', '');
  const hoursFile = envString(env, 'CALLBACK_HOURS_FILE', '');
  const config: CallbacksConfig = {
    keyPrefix: envString(env, 'CALLBACK_KEY_PREFIX', envString(env, 'ACD_KEY_PREFIX', 'ivr:{main}:')),
    ...(callerId ? { callerId } : {}),
    maxAttempts: envInt(env, 'CALLBACK_MAX_ATTEMPTS', 3),
    retryBackoffSeconds: parseSecondsList(env, 'CALLBACK_RETRY_BACKOFF_SECONDS', [300, 900, 1800]),
    customerRingTimeoutSeconds: envInt(env, 'CALLBACK_CUSTOMER_RING_TIMEOUT_SECONDS', 30),
    agentRingTimeoutSeconds: envInt(env, 'CALLBACK_AGENT_RING_TIMEOUT_SECONDS', 20),
    leaseSeconds: envInt(env, 'CALLBACK_LEASE_SECONDS', 30),
    slotMinutes: envInt(env, 'CALLBACK_SLOT_MINUTES', 30),
    slotsOffered: envInt(env, 'CALLBACK_SLOTS_OFFERED', 3),
    slotLeadMinutes: envInt(env, 'CALLBACK_SLOT_LEAD_MINUTES', 30),
    timeZone: envString(env, 'CALLBACK_TIME_ZONE', 'Europe/Warsaw'),
    rejectPremium: envBool(env, 'CALLBACK_REJECT_PREMIUM', true),
    allowInternational: envBool(env, 'CALLBACK_ALLOW_INTERNATIONAL', true),
    ...(hoursFile ? { hoursFile } : {}),
    agentLanguage: envString(env, 'CALLBACK_AGENT_LANGUAGE', 'pl'),
    retentionDays: envInt(env, 'CALLBACK_RETENTION_DAYS', 30),
  };
  if (!Value.Check(CallbacksConfigSchema, config)) {
    const first = [...Value.Errors(CallbacksConfigSchema, config)][0];
    throw new ConfigError(`CALLBACK_* (${first?.path ?? '/'})`, first?.message ?? 'invalid');
  }
  // Each call-back script touches several keys of the prefix: they must share one Cluster slot.
  if (hashTagOf(config.keyPrefix) === undefined) {
    throw new ConfigError('CALLBACK_KEY_PREFIX', `"${config.keyPrefix}" must contain a Redis Cluster hash tag such as {main} (e.g. ivr:{main}:; the default is ACD_KEY_PREFIX), so that each call-back operation's keys share one slot`);
  }
  if (!validTimeZone(config.timeZone)) throw new ConfigError('CALLBACK_TIME_ZONE', `unknown time zone ${config.timeZone}`);
  return config;
}

/** Defaults (tests and the simulator). */
export function defaultCallbacksConfig(overrides: Partial<CallbacksConfig> = {}): CallbacksConfig {
  return { ...loadCallbacksConfig({}), ...overrides };
}
