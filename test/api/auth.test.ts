/**
 * Every route and role over a real listening socket: no token and a wrong
 * token get 401, a role without the right gets 403 (bodies say nothing more),
 * the roles with the right get past authorization. Tokens never reach the log.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPrefix } from '../support/redis.ts';
import { flowDoc, removeDir, startInstance, tempFlowsDir, TOKENS, type Instance } from './harness.ts';

type Access = 'public' | 'any' | 'read' | 'control' | 'admin' | 'self';

/** Every route of the API with who may call it. "self": agent routes addressed to agent a1001. */
const ROUTES: Array<{ method: string; path: string; openapi: string; access: Access; body?: unknown }> = [
  { method: 'GET', path: '/health', openapi: '/health', access: 'public' },
  { method: 'GET', path: '/ready', openapi: '/ready', access: 'any' },
  { method: 'GET', path: '/metrics', openapi: '/metrics', access: 'read' },
  { method: 'GET', path: '/flows', openapi: '/flows', access: 'read' },
  { method: 'POST', path: '/flows/validate', openapi: '/flows/validate', access: 'read', body: flowDoc('x') },
  { method: 'POST', path: '/flows/simulate', openapi: '/flows/simulate', access: 'read', body: { flowId: 'main' } },
  { method: 'GET', path: '/flows/main', openapi: '/flows/{flowId}', access: 'read' },
  { method: 'PUT', path: '/flows/other', openapi: '/flows/{flowId}', access: 'admin', body: flowDoc('other') },
  { method: 'DELETE', path: '/flows/nosuch', openapi: '/flows/{flowId}', access: 'admin' },
  { method: 'GET', path: '/flows/main/versions', openapi: '/flows/{flowId}/versions', access: 'read' },
  { method: 'GET', path: '/flows/main/versions/1', openapi: '/flows/{flowId}/versions/{version}', access: 'read' },
  { method: 'POST', path: '/flows/main/versions/1/publish', openapi: '/flows/{flowId}/versions/{version}/publish', access: 'admin' },
  { method: 'POST', path: '/flows/main/rollback', openapi: '/flows/{flowId}/rollback', access: 'admin', body: { version: 1 } },
  { method: 'GET', path: '/routes', openapi: '/routes', access: 'read' },
  { method: 'GET', path: '/routes/100', openapi: '/routes/{did}', access: 'read' },
  { method: 'PUT', path: '/routes/100', openapi: '/routes/{did}', access: 'admin', body: { flowId: 'main' } },
  { method: 'DELETE', path: '/routes/999', openapi: '/routes/{did}', access: 'admin' },
  { method: 'GET', path: '/calls', openapi: '/calls', access: 'read' },
  { method: 'POST', path: '/calls/c1/hangup', openapi: '/calls/{callId}/hangup', access: 'control' },
  { method: 'GET', path: '/queues', openapi: '/queues', access: 'read' },
  { method: 'GET', path: '/queues/sales', openapi: '/queues/{queueId}', access: 'read' },
  { method: 'PUT', path: '/queues/sales', openapi: '/queues/{queueId}', access: 'admin', body: { name: 'Sales' } },
  { method: 'DELETE', path: '/queues/nosuch', openapi: '/queues/{queueId}', access: 'admin' },
  { method: 'GET', path: '/queues/sales/stats', openapi: '/queues/{queueId}/stats', access: 'read' },
  { method: 'GET', path: '/agents', openapi: '/agents', access: 'read' },
  { method: 'GET', path: '/agent-states', openapi: '/agent-states', access: 'read' },
  { method: 'GET', path: '/agents/a1001', openapi: '/agents/{agentId}', access: 'self' },
  { method: 'PUT', path: '/agents/a1001', openapi: '/agents/{agentId}', access: 'admin', body: { name: 'Ann' } },
  { method: 'DELETE', path: '/agents/nosuch', openapi: '/agents/{agentId}', access: 'admin' },
  { method: 'GET', path: '/agents/a1001/state', openapi: '/agents/{agentId}/state', access: 'self' },
  { method: 'GET', path: '/agents/a1001/stats', openapi: '/agents/{agentId}/stats', access: 'self' },
  { method: 'POST', path: '/agents/a1001/login', openapi: '/agents/{agentId}/login', access: 'self' },
  { method: 'POST', path: '/agents/a1001/logout', openapi: '/agents/{agentId}/logout', access: 'self' },
  { method: 'POST', path: '/agents/a1001/pause', openapi: '/agents/{agentId}/pause', access: 'self', body: { reason: 'lunch' } },
  { method: 'POST', path: '/agents/a1001/ready', openapi: '/agents/{agentId}/ready', access: 'self' },
  { method: 'POST', path: '/agents/a1001/wrapup/end', openapi: '/agents/{agentId}/wrapup/end', access: 'self' },
  { method: 'POST', path: '/agents/a1001/wrapup/extend', openapi: '/agents/{agentId}/wrapup/extend', access: 'self', body: { seconds: 30 } },
  { method: 'GET', path: '/callbacks', openapi: '/callbacks', access: 'read' },
  { method: 'GET', path: '/callbacks/cb1', openapi: '/callbacks/{callbackId}', access: 'read' },
  { method: 'POST', path: '/callbacks/cb1/cancel', openapi: '/callbacks/{callbackId}/cancel', access: 'control' },
  { method: 'POST', path: '/callbacks/cb1/reschedule', openapi: '/callbacks/{callbackId}/reschedule', access: 'control', body: { at: '2026-01-06T10:00:00Z' } },
];

const ROLES = {
  none: null,
  wrong: 'wrong-token-0123456789abcdef',
  admin: TOKENS.admin,
  supervisor: TOKENS.supervisor,
  agent: TOKENS.agent,
} as const;
type RoleName = keyof typeof ROLES;

function expected(access: Access, role: RoleName): 'ok' | 401 | 403 {
  if (access === 'public') return 'ok';
  if (role === 'none' || role === 'wrong') return 401;
  if (role === 'admin') return 'ok';
  if (role === 'supervisor') return access === 'admin' ? 403 : 'ok';
  return access === 'any' || access === 'self' ? 'ok' : 403;
}

describe('authentication and roles, every route, over HTTP', () => {
  let svc: Instance;
  let dir: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    dir = tempFlowsDir({ main: flowDoc('main') });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    svc = await startInstance({ prefix: testPrefix('api-auth'), flowsDir: dir, logger: pino({ level: 'trace' }, sink), withAcd: true });
  });
  afterAll(async () => {
    await svc.close();
    removeDir(dir);
  });

  it('the matrix covers every route of the OpenAPI document', async () => {
    const doc = (await svc.fetch('/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const tested = new Set(ROUTES.map((r) => `${r.method} ${r.openapi}`));
    expect(documented.filter((d) => !tested.has(d))).toEqual([]);
  });

  for (const role of Object.keys(ROLES) as RoleName[]) {
    it(`role ${role}`, async () => {
      const wrong: string[] = [];
      for (const r of ROUTES) {
        const res = await svc.fetch(r.path, { method: r.method, token: ROLES[role], ...(r.body !== undefined ? { body: r.body } : {}) });
        const want = expected(r.access, role);
        const got = res.status === 401 || res.status === 403 ? res.status : 'ok';
        if (got !== want) wrong.push(`${r.method} ${r.path}: want ${want}, got ${res.status} ${res.text}`);
        if (res.status === 401) {
          expect(res.body).toEqual({ error: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
          expect(res.headers.get('www-authenticate')).toBe('Bearer');
        }
        if (res.status === 403) expect(res.body).toEqual({ error: 'FORBIDDEN', message: 'not allowed' });
        expect(res.status).toBeLessThan(500);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('an agent token reaches only its own agent', async () => {
    for (const path of ['/agents/a1002', '/agents/a1002/state', '/agents/a1002/stats']) {
      expect((await svc.fetch(path, { token: TOKENS.agent })).status).toBe(403);
    }
    expect((await svc.fetch('/agents/a1002/pause', { method: 'POST', token: TOKENS.agent, body: { reason: 'x' } })).status).toBe(403);
    expect((await svc.fetch('/agents/a1001/state', { token: TOKENS.otherAgent })).status).toBe(403);
  });

  it('refuses malformed authorization headers alike', async () => {
    for (const h of ['Basic abc', 'Bearer', `Bearer ${TOKENS.admin} extra`, TOKENS.admin, `bearer  ${TOKENS.admin.slice(0, -1)}`]) {
      const res = await svc.fetch('/flows', { token: null, headers: { authorization: h } });
      expect(res.status).toBe(401);
    }
    // The scheme is case-insensitive.
    expect((await svc.fetch('/flows', { token: null, headers: { authorization: `bearer ${TOKENS.admin}` } })).status).toBe(200);
  });

  it('never logs a token', () => {
    const all = logLines.join('');
    expect(all.length).toBeGreaterThan(0);
    for (const t of [...Object.values(TOKENS), ROLES.wrong]) expect(all).not.toContain(t);
  });
});

describe('API documentation', () => {
  it('needs a token unless API_DOCS_PUBLIC', async () => {
    const dir = tempFlowsDir();
    const closed = await startInstance({ prefix: testPrefix('api-docs'), flowsDir: dir });
    const open = await startInstance({ prefix: testPrefix('api-docs'), flowsDir: dir, api: { docsPublic: true } });
    try {
      expect((await closed.fetch('/docs/json', { token: null })).status).toBe(401);
      expect((await closed.fetch('/docs/json', { token: TOKENS.agent })).status).toBe(200);
      const doc = await open.fetch('/docs/json', { token: null });
      expect(doc.status).toBe(200);
      expect((doc.body as { components: { securitySchemes: unknown } }).components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer' } });
      const ui = await open.fetch('/docs/', { token: null });
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
      // Public docs open nothing else.
      expect((await open.fetch('/flows', { token: null })).status).toBe(401);
    } finally {
      await closed.close();
      await open.close();
      removeDir(dir);
    }
  });
});

describe('rate limiting', () => {
  it('answers 429 once a token has used its window', async () => {
    const dir = tempFlowsDir();
    const svc = await startInstance({ prefix: testPrefix('api-rate'), flowsDir: dir, api: { rateLimitMax: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await svc.fetch('/flows')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await svc.fetch('/flows');
      expect(limited.body).toMatchObject({ error: 'RATE_LIMITED' });
      // Another token has its own window.
      expect((await svc.fetch('/flows', { token: TOKENS.supervisor })).status).toBe(200);
    } finally {
      await svc.close();
      removeDir(dir);
    }
  });

  it('counts one window across instances when the counters are in Redis (as the service runs)', async () => {
    const dir = tempFlowsDir();
    const prefix = testPrefix('api-rate-shared');
    const a = await startInstance({ prefix, flowsDir: dir, api: { rateLimitMax: 3 }, sharedRateLimit: true });
    const b = await startInstance({ prefix, flowsDir: dir, api: { rateLimitMax: 3 }, sharedRateLimit: true });
    try {
      const statuses = [(await a.fetch('/flows')).status, (await b.fetch('/flows')).status, (await a.fetch('/flows')).status, (await b.fetch('/flows')).status];
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await a.close();
      await b.close();
      removeDir(dir);
    }
  });
});
