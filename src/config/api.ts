/**
 * Configuration of the admin API: where it listens, who may call it (bearer
 * tokens with roles), request limits. Built from the environment by
 * `loadApiConfig(env)`; only the composition root passes process.env.
 *
 * Tokens: API_TOKENS="name:role:token[:agentId],..." and/or API_TOKENS_FILE, a
 * JSON file `[{ "name", "role", "token", "agentId"? }]`. Roles: admin,
 * supervisor, agent (an agent token binds an agent id; default: its name).
 * Token values are secrets: never logged, never echoed in errors.
 */
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export type Env = Readonly<Record<string, string | undefined>>;

/** A configuration value is missing or malformed. `variable` names the env variable (or file) at fault. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('agent')]);
export type Role = Static<typeof Role>;

export const ApiToken = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_.@-]{1,64}$' }),
    role: Role,
    /** At least 16 characters; compared in constant time. */
    token: Type.String({ minLength: 16, maxLength: 512, pattern: '^[\\x21-\\x7E]+$' }),
    /** For role agent: the only agent whose state this token may read and change. */
    agentId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' })),
  },
  { additionalProperties: false },
);
export type ApiToken = Static<typeof ApiToken>;

export const ApiConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    tokens: Type.Array(ApiToken),
    /** Largest request body accepted, in bytes (413 above). */
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 }),
    /** Requests per window per token (or per address before authentication). */
    rateLimitMax: Type.Integer({ minimum: 1 }),
    rateLimitWindowMs: Type.Integer({ minimum: 1000 }),
    /** Serve /docs (Swagger UI) and /docs/json without a token. */
    docsPublic: Type.Boolean(),
    /** Trust X-Forwarded-* from a reverse proxy (for client addresses in rate limiting). */
    trustProxy: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ApiConfig = Static<typeof ApiConfigSchema>;

export function envInt(env: Env, name: string, def: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, 'must be an integer');
  return Number(raw.trim());
}

export function envBool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, 'must be true or false');
}

export function envString(env: Env, name: string, def: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? def : raw.trim();
}

/** Parses "name:role:token[:agentId]" entries separated by commas or newlines. */
export function parseTokenList(raw: string, variable = 'API_TOKENS'): ApiToken[] {
  const out: ApiToken[] = [];
  const entries = raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  entries.forEach((entry, i) => {
    const parts = entry.split(':');
    if (parts.length < 3 || parts.length > 4) {
      throw new ConfigError(variable, `entry ${i + 1} must be name:role:token or name:role:token:agentId`);
    }
    const [name, role, token, agentId] = parts as [string, string, string, string | undefined];
    out.push(role === 'agent' ? { name, role, token, agentId: agentId ?? name } : { name, role: role as Role, token, ...(agentId ? { agentId } : {}) });
  });
  return out;
}

function checkTokens(tokens: unknown[], variable: string): ApiToken[] {
  const seenNames = new Set<string>();
  const seenTokens = new Set<string>();
  return tokens.map((t, i) => {
    if (!Value.Check(ApiToken, t)) {
      const first = [...Value.Errors(ApiToken, t)][0];
      // Never echo the token value itself.
      throw new ConfigError(variable, `token entry ${i + 1}: ${first?.path || '/'} ${first?.message ?? 'is invalid'}`);
    }
    if (t.role === 'agent' && !t.agentId) throw new ConfigError(variable, `token entry ${i + 1}: an agent token needs an agentId`);
    if (seenNames.has(t.name)) throw new ConfigError(variable, `token entry ${i + 1}: duplicate name ${t.name}`);
    if (seenTokens.has(t.token)) throw new ConfigError(variable, `token entry ${i + 1}: duplicate token value`);
    seenNames.add(t.name);
    seenTokens.add(t.token);
    return t;
  });
}

function readTokenFile(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('API_TOKENS_FILE', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('API_TOKENS_FILE', `${path} is not valid JSON`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError('API_TOKENS_FILE', `${path} must hold a JSON array of {name, role, token, agentId?}`);
  return parsed as unknown[];
}

export function loadApiConfig(env: Env): ApiConfig {
  const fromList = env.API_TOKENS ? parseTokenList(env.API_TOKENS) : [];
  const fromFile = env.API_TOKENS_FILE ? readTokenFile(env.API_TOKENS_FILE) : [];
  const tokens = checkTokens([...fromList, ...fromFile], env.API_TOKENS_FILE ? 'API_TOKENS/API_TOKENS_FILE' : 'API_TOKENS');
  const config: ApiConfig = {
    host: envString(env, 'API_HOST', '127.0.0.1'),
    port: envInt(env, 'API_PORT', 8080),
    tokens,
    bodyLimitBytes: envInt(env, 'API_BODY_LIMIT_BYTES', 1024 * 1024),
    rateLimitMax: envInt(env, 'API_RATE_LIMIT_MAX', 600),
    rateLimitWindowMs: envInt(env, 'API_RATE_LIMIT_WINDOW_MS', 60_000),
    docsPublic: envBool(env, 'API_DOCS_PUBLIC', false),
    trustProxy: envBool(env, 'API_TRUST_PROXY', false),
  };
  if (!Value.Check(ApiConfigSchema, config)) {
    const first = [...Value.Errors(ApiConfigSchema, config)][0];
    const field = first?.path.split('/')[1] ?? 'API';
    throw new ConfigError(`API (${field})`, `${first?.message ?? 'invalid'}`);
  }
  return config;
}
