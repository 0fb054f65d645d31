/**
 * Configuration of the real telephony driver (drachtio-server + FreeSWITCH):
 * where the servers are, who may send us calls, agent SIP credentials, the
 * outbound trunk, TTS/ASR/MOH/recording settings. Built from the environment
 * by `loadTelephonyConfig(env)`; only the composition root passes process.env.
 * Every variable, its default and meaning is listed in docs/telephony.md.
 *
 * Secrets (drachtio secret, event-socket password, agent passwords, trunk
 * password) are never logged and never echoed in errors.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigError, envBool, envInt, envString, type Env } from './api.ts';

export { ConfigError, type Env };

/** Default user agents of SIP scanners (matched case-insensitively as substrings). */
export const DEFAULT_SCANNER_USER_AGENTS = [
  'friendly-scanner',
  'sipvicious',
  'sipcli',
  'vaxsipuseragent',
  'sip-scan',
  'sipsak',
  'sundayddr',
  'iwar',
  'sivus',
  'smap',
  'pplsip',
  'voip-scanner',
  'sipptk',
] as const;

const Port = Type.Integer({ minimum: 1, maximum: 65535 });

export const AgentCredential = Type.Object(
  {
    /** Agent id as known to the ACD. */
    agentId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }),
    /** SIP user name the softphone authenticates (and registers) with. */
    username: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$' }),
    password: Type.String({ minLength: 8, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type AgentCredential = Static<typeof AgentCredential>;

export const TelephonyConfigSchema = Type.Object(
  {
    drachtio: Type.Object(
      { host: Type.String({ minLength: 1 }), port: Port, secret: Type.String({ minLength: 1 }) },
      { additionalProperties: false },
    ),
    freeswitch: Type.Object(
      {
        /** Event socket (inbound) address of FreeSWITCH. */
        address: Type.String({ minLength: 1 }),
        port: Port,
        secret: Type.String({ minLength: 1 }),
        /** Address this service listens on for FreeSWITCH's outbound event-socket connections (never let fsmrf guess it). */
        listenAddress: Type.String({ minLength: 1 }),
        /** 0 = any free port. */
        listenPort: Type.Integer({ minimum: 0, maximum: 65535 }),
        /** Address FreeSWITCH should connect back to, when it differs from listenAddress (NAT, containers). */
        advertisedAddress: Type.Optional(Type.String({ minLength: 1 })),
        /** Time allowed for one connection attempt (fsmrf never settles on a wrong password). */
        connectTimeoutMs: Type.Integer({ minimum: 500 }),
      },
      { additionalProperties: false },
    ),
    /** Back-off between reconnection attempts (drachtio and FreeSWITCH). */
    reconnect: Type.Object(
      { initialMs: Type.Integer({ minimum: 10 }), maxMs: Type.Integer({ minimum: 100 }) },
      { additionalProperties: false },
    ),
    admission: Type.Object(
      {
        /** IPs / CIDRs allowed to send INVITEs (trunks). Empty: any source (development only). */
        trunkAllowList: Type.Array(Type.String()),
        /** User-Agent substrings (lower case) of SIP scanners: their requests are dropped without an answer. */
        scannerUserAgents: Type.Array(Type.String({ minLength: 1 })),
        /** Requests (INVITE + REGISTER) per source address per window. */
        rateLimitMax: Type.Integer({ minimum: 1 }),
        rateLimitWindowMs: Type.Integer({ minimum: 100 }),
        /** Over the limit: answer 503 (with Retry-After) or drop silently. */
        rateLimitAction: Type.Union([Type.Literal('reject'), Type.Literal('drop')]),
      },
      { additionalProperties: false },
    ),
    registrar: Type.Object(
      {
        /** Digest realm (and the SIP domain agents register to). */
        realm: Type.String({ minLength: 1 }),
        agents: Type.Array(AgentCredential),
        /** Redis key prefix for registrations: <prefix>reg:<agentId>. */
        keyPrefix: Type.String(),
        minExpiresSec: Type.Integer({ minimum: 10 }),
        maxExpiresSec: Type.Integer({ minimum: 60 }),
        defaultExpiresSec: Type.Integer({ minimum: 10 }),
        /** How long a digest nonce stays valid. */
        nonceTtlSec: Type.Integer({ minimum: 10 }),
        /** Key for the HMAC that makes nonces unforgeable; the same on every instance. */
        nonceSecret: Type.String({ minLength: 16 }),
      },
      { additionalProperties: false },
    ),
    outbound: Type.Object(
      {
        /** host[:port] of the trunk/gateway for customer numbers; empty: numbers cannot be dialed. */
        trunk: Type.String(),
        /** Caller id presented on customer calls (and default for agent calls). */
        callerId: Type.String(),
        trunkUsername: Type.Optional(Type.String({ minLength: 1 })),
        trunkPassword: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    media: Type.Object(
      {
        /** FreeSWITCH TTS module name used by `speak`, e.g. tts_commandline, flite, or a vendor module. */
        ttsEngine: Type.String({ minLength: 1 }),
        /** Voice per language ("pl", "en", "en-GB"...); the language's base code is the fallback. */
        ttsVoices: Type.Record(Type.String(), Type.String({ minLength: 1 })),
        /** FreeSWITCH ASR module for detect_speech (e.g. unimrcp, pocketsphinx); empty: DTMF only. */
        asrEngine: Type.String(),
        /** Grammar passed to the recognizer. */
        asrGrammar: Type.String({ minLength: 1 }),
        /** Default music on hold. */
        mohSource: Type.String({ minLength: 1 }),
        /** Where FreeSWITCH writes recordings (a path inside the FreeSWITCH container). */
        recordingsPath: Type.String({ minLength: 1 }),
        /** Base directory (inside FreeSWITCH) for relative prompt file paths (ivr-flows/audio is mounted there). */
        audioPath: Type.String({ minLength: 1 }),
      },
      { additionalProperties: false },
    ),
    /** Graceful shutdown: how long calls in progress may continue after close() is called. */
    shutdownGraceMs: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type TelephonyConfig = Static<typeof TelephonyConfigSchema>;

function list(env: Env, name: string, def: readonly string[]): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [...def];
  return raw
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Validates "a.b.c.d", "a.b.c.d/n", IPv6 and IPv6/n. */
export function isCidr(entry: string): boolean {
  const [addr, bits, extra] = entry.split('/');
  if (extra !== undefined || !addr) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** "pl=pl,en=en-us" → { pl: 'pl', en: 'en-us' } */
function parseVoices(raw: string | undefined): Record<string, string> {
  const def = { pl: 'pl', en: 'en' };
  if (!raw || raw.trim() === '') return def;
  const out: Record<string, string> = {};
  for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1) throw new ConfigError('TTS_VOICES', `entry "${entry}" must be language=voice`);
    out[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
  }
  return out;
}

/** "agentId:username:password" or "username:password" (agent id = user name), comma or newline separated. */
export function parseAgentCredentials(raw: string, variable = 'SIP_AGENT_CREDENTIALS'): AgentCredential[] {
  return raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry, i) => {
      const parts = entry.split(':');
      if (parts.length === 2) return { agentId: parts[0]!, username: parts[0]!, password: parts[1]! };
      if (parts.length === 3) return { agentId: parts[0]!, username: parts[1]!, password: parts[2]! };
      throw new ConfigError(variable, `entry ${i + 1} must be username:password or agentId:username:password`);
    });
}

function readCredentialFile(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('SIP_AGENT_CREDENTIALS_FILE', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('SIP_AGENT_CREDENTIALS_FILE', `${path} is not valid JSON`);
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError('SIP_AGENT_CREDENTIALS_FILE', `${path} must hold a JSON array of {agentId, username, password}`);
  }
  return parsed as unknown[];
}

function checkAgents(entries: unknown[], variable: string): AgentCredential[] {
  const users = new Set<string>();
  const agents = new Set<string>();
  return entries.map((e, i) => {
    if (!Value.Check(AgentCredential, e)) {
      const first = [...Value.Errors(AgentCredential, e)][0];
      // Never echo the password.
      throw new ConfigError(variable, `agent entry ${i + 1}: ${first?.path || '/'} ${first?.message ?? 'is invalid'}`);
    }
    if (users.has(e.username)) throw new ConfigError(variable, `agent entry ${i + 1}: duplicate user name ${e.username}`);
    if (agents.has(e.agentId)) throw new ConfigError(variable, `agent entry ${i + 1}: duplicate agent id ${e.agentId}`);
    users.add(e.username);
    agents.add(e.agentId);
    return e;
  });
}

export function loadTelephonyConfig(env: Env): TelephonyConfig {
  const allow = list(env, 'SIP_TRUNK_ALLOW', []);
  allow.forEach((entry) => {
    if (!isCidr(entry)) throw new ConfigError('SIP_TRUNK_ALLOW', `"${entry}" is not an IP address or CIDR`);
  });
  const rateAction = envString(env, 'SIP_RATE_LIMIT_ACTION', 'reject');
  if (rateAction !== 'reject' && rateAction !== 'drop') throw new ConfigError('SIP_RATE_LIMIT_ACTION', 'must be reject or drop');

  const fromList = env.SIP_AGENT_CREDENTIALS ? parseAgentCredentials(env.SIP_AGENT_CREDENTIALS) : [];
  const fromFile = env.SIP_AGENT_CREDENTIALS_FILE ? readCredentialFile(env.SIP_AGENT_CREDENTIALS_FILE) : [];
  const agents = checkAgents([...fromList, ...fromFile], env.SIP_AGENT_CREDENTIALS_FILE ? 'SIP_AGENT_CREDENTIALS/SIP_AGENT_CREDENTIALS_FILE' : 'SIP_AGENT_CREDENTIALS');

  const drachtioSecret = env.DRACHTIO_SECRET;
  if (!drachtioSecret) throw new ConfigError('DRACHTIO_SECRET', 'is required (the shared secret of drachtio-server)');
  const nonceSecret = env.SIP_NONCE_SECRET || drachtioSecret.padEnd(16, '#');

  const trunkUsername = env.OUTBOUND_TRUNK_USERNAME?.trim();
  const trunkPassword = env.OUTBOUND_TRUNK_PASSWORD;
  const advertised = env.FSMRF_ADVERTISED_ADDRESS?.trim();

  const config: TelephonyConfig = {
    drachtio: {
      host: envString(env, 'DRACHTIO_HOST', '127.0.0.1'),
      port: envInt(env, 'DRACHTIO_PORT', 9022),
      secret: drachtioSecret,
    },
    freeswitch: {
      address: envString(env, 'FREESWITCH_HOST', '127.0.0.1'),
      port: envInt(env, 'FREESWITCH_PORT', 8021),
      secret: envString(env, 'FREESWITCH_SECRET', 'ClueCon'),
      listenAddress: envString(env, 'FSMRF_LISTEN_ADDRESS', '127.0.0.1'),
      listenPort: envInt(env, 'FSMRF_LISTEN_PORT', 0),
      ...(advertised ? { advertisedAddress: advertised } : {}),
      connectTimeoutMs: envInt(env, 'FREESWITCH_CONNECT_TIMEOUT_MS', 5000),
    },
    reconnect: {
      initialMs: envInt(env, 'TELEPHONY_RECONNECT_INITIAL_MS', 500),
      maxMs: envInt(env, 'TELEPHONY_RECONNECT_MAX_MS', 30_000),
    },
    admission: {
      trunkAllowList: allow,
      scannerUserAgents: list(env, 'SIP_SCANNER_USER_AGENTS', DEFAULT_SCANNER_USER_AGENTS).map((s) => s.toLowerCase()),
      rateLimitMax: envInt(env, 'SIP_RATE_LIMIT_MAX', 30),
      rateLimitWindowMs: envInt(env, 'SIP_RATE_LIMIT_WINDOW_MS', 10_000),
      rateLimitAction: rateAction,
    },
    registrar: {
      realm: envString(env, 'SIP_REALM', 'ivr.local'),
      agents,
      keyPrefix: envString(env, 'SIP_REGISTRATION_PREFIX', envString(env, 'REDIS_PREFIX', 'ivr:')),
      minExpiresSec: envInt(env, 'SIP_REGISTER_MIN_EXPIRES', 60),
      maxExpiresSec: envInt(env, 'SIP_REGISTER_MAX_EXPIRES', 3600),
      defaultExpiresSec: envInt(env, 'SIP_REGISTER_DEFAULT_EXPIRES', 600),
      nonceTtlSec: envInt(env, 'SIP_NONCE_TTL', 300),
      nonceSecret,
    },
    outbound: {
      trunk: envString(env, 'OUTBOUND_TRUNK', ''),
      callerId: envString(env, 'OUTBOUND_CALLER_ID', 'anonymous'),
      ...(trunkUsername ? { trunkUsername } : {}),
      ...(trunkPassword ? { trunkPassword } : {}),
    },
    media: {
      ttsEngine: envString(env, 'TTS_ENGINE', 'tts_commandline'),
      ttsVoices: parseVoices(env.TTS_VOICES),
      asrEngine: envString(env, 'ASR_ENGINE', ''),
      asrGrammar: envString(env, 'ASR_GRAMMAR', 'default'),
      mohSource: envString(env, 'MOH_SOURCE', 'local_stream://moh'),
      recordingsPath: envString(env, 'RECORDINGS_PATH', '/usr/local/freeswitch/recordings'),
      audioPath: envString(env, 'AUDIO_PATH', '/usr/local/freeswitch/sounds/ivr'),
    },
    shutdownGraceMs: envInt(env, 'SHUTDOWN_GRACE_MS', 30_000),
  };
  // SIP only from allowed sources, by default: an empty allow-list is refused unless opening the
  // service to every address is asked for explicitly (a lab; never a public address: toll fraud, spam).
  if (allow.length === 0 && !envBool(env, 'SIP_ALLOW_ANY_TRUNK', false)) {
    throw new ConfigError(
      'SIP_TRUNK_ALLOW',
      'is empty: list the addresses (IPs or CIDRs) that may send calls, e.g. your SIP trunk and your LAN for softphones; SIP_ALLOW_ANY_TRUNK=true accepts calls from anywhere (a lab only)',
    );
  }
  if ((trunkUsername === undefined) !== (trunkPassword === undefined)) {
    throw new ConfigError('OUTBOUND_TRUNK_USERNAME/OUTBOUND_TRUNK_PASSWORD', 'give both or neither');
  }
  if (config.registrar.minExpiresSec > config.registrar.maxExpiresSec) {
    throw new ConfigError('SIP_REGISTER_MIN_EXPIRES', 'must not exceed SIP_REGISTER_MAX_EXPIRES');
  }
  if (config.reconnect.initialMs > config.reconnect.maxMs) {
    throw new ConfigError('TELEPHONY_RECONNECT_INITIAL_MS', 'must not exceed TELEPHONY_RECONNECT_MAX_MS');
  }
  if (!Value.Check(TelephonyConfigSchema, config)) {
    const first = [...Value.Errors(TelephonyConfigSchema, config)][0];
    throw new ConfigError(`telephony ${first?.path ?? ''}`, first?.message ?? 'invalid');
  }
  return config;
}
