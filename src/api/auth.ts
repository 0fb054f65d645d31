/**
 * Bearer-token authentication and role checks.
 *
 * Each route says who may call it in `config.access`:
 *   public     anyone (liveness only)
 *   any        every valid token (readiness, own identity)
 *   read       admin, supervisor
 *   control    admin, supervisor (agent and call control)
 *   admin      admin only (the default for a route that says nothing)
 *   agent-self admin, supervisor, or an agent token bound to the :agentId in the address
 *
 * Tokens are compared in constant time (SHA-256 digests, every token
 * compared); 401 and 403 answers say nothing about which part failed. Token
 * values are never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiToken, Role } from '../config/api.ts';
import { ApiError } from './errors.ts';

export type Access = 'public' | 'any' | 'read' | 'control' | 'admin' | 'agent-self';

export interface Principal {
  name: string;
  role: Role;
  agentId?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export class TokenVerifier {
  private readonly entries: Array<{ digest: Buffer; principal: Principal }>;

  constructor(tokens: readonly ApiToken[]) {
    this.entries = tokens.map((t) => ({
      digest: digest(t.token),
      principal: { name: t.name, role: t.role, ...(t.agentId ? { agentId: t.agentId } : {}) },
    }));
  }

  /** The principal of a presented token, or undefined. Takes the same time whichever token (if any) matches. */
  verify(presented: string): Principal | undefined {
    const d = digest(presented);
    let found: Principal | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(d, e.digest) && !found) found = e.principal;
    }
    return found;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer[ ]+([\x21-\x7E]{1,512})[ ]*$/i.exec(h);
  return m?.[1];
}

export function allowed(access: Access, principal: Principal, params: unknown): boolean {
  if (principal.role === 'admin') return true;
  switch (access) {
    case 'public':
    case 'any':
      return true;
    case 'read':
    case 'control':
      return principal.role === 'supervisor';
    case 'agent-self': {
      if (principal.role === 'supervisor') return true;
      const agentId = (params as { agentId?: unknown } | undefined)?.agentId;
      return principal.role === 'agent' && principal.agentId !== undefined && agentId === principal.agentId;
    }
    case 'admin':
      return false;
  }
}

export interface AuthOptions {
  tokens: readonly ApiToken[];
  /** Routes under /docs need no token. */
  docsPublic: boolean;
}

function accessOf(request: FastifyRequest, docsPublic: boolean): Access {
  const url = request.routeOptions.url ?? '';
  if (url === '/docs' || url.startsWith('/docs/')) return docsPublic ? 'public' : 'any';
  return request.routeOptions.config.access ?? 'admin';
}

/** First half: who is calling (runs before rate limiting, so limits are per token). */
export function installAuthentication(app: FastifyInstance, options: AuthOptions): void {
  const verifier = new TokenVerifier(options.tokens);
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request);
    request.principal = token === undefined ? undefined : verifier.verify(token);
  });
}

/** Second half: may they call this route (still before the body is read). */
export function installAuthorization(app: FastifyInstance, options: AuthOptions): void {
  app.addHook('onRequest', async (request) => {
    const access = accessOf(request, options.docsPublic);
    if (access === 'public') return;
    if (!request.principal) throw new ApiError(401, 'UNAUTHORIZED', 'a valid bearer token is required');
    if (!allowed(access, request.principal, request.params)) throw new ApiError(403, 'FORBIDDEN', 'not allowed');
  });
}
