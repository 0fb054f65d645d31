/**
 * Bad input over a real socket: malformed JSON, oversized bodies, wrong types,
 * unknown fields, traversal ids, invalid flows. Each gets a clear 4xx and
 * nothing changes (store, routes, flows folder).
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPrefix } from '../support/redis.ts';
import { flowDoc, removeDir, startInstance, tempFlowsDir, type Instance } from './harness.ts';

interface ErrorBody {
  error: string;
  message: string;
  issues?: Array<{ pointer: string; message: string; severity: string }>;
}

describe('bad input is refused with a clear 4xx and changes nothing', () => {
  let svc: Instance;
  let dir: string;
  let before: { ids: string[]; files: string[]; routes: unknown; versions: unknown };

  const snapshot = async () => ({
    ids: await svc.store.ids(),
    files: readdirSync(dir).sort(),
    routes: await svc.routes.list(),
    versions: await svc.store.listVersions('main'),
  });

  beforeAll(async () => {
    dir = tempFlowsDir({ main: flowDoc('main') });
    svc = await startInstance({ prefix: testPrefix('api-bad'), flowsDir: dir, withAcd: true, api: { bodyLimitBytes: 8 * 1024 } });
    await svc.routes.set('100', 'main');
    before = await snapshot();
  });
  afterAll(async () => {
    await svc.close();
    removeDir(dir);
  });

  const expectUnchanged = async () => expect(await snapshot()).toEqual(before);

  it('malformed JSON', async () => {
    for (const raw of ['{"id": "main",', '{bad json}', 'null x']) {
      const res = await svc.fetch('/flows/main', { method: 'PUT', rawBody: raw });
      expect(res.status).toBe(400);
      expect(res.body as ErrorBody).toMatchObject({ error: 'INVALID_JSON' });
    }
    await expectUnchanged();
  });

  it('a body over the limit', async () => {
    const big = flowDoc('main', 'x'.repeat(20 * 1024));
    const res = await svc.fetch('/flows/main', { method: 'PUT', body: big });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'BODY_TOO_LARGE', message: 'the body is larger than the configured limit' });
    await expectUnchanged();
  });

  it('a body that is not JSON', async () => {
    const res = await svc.fetch('/routes/200', { method: 'PUT', rawBody: 'flowId=main', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    await expectUnchanged();
  });

  it('wrong types and unknown fields', async () => {
    const cases: Array<[string, string, unknown]> = [
      ['PUT', '/routes/200', { flowId: 42 }],
      ['PUT', '/routes/200', { flowId: 'main', extra: true }],
      ['PUT', '/routes/200', ['main']],
      ['POST', '/flows/main/rollback', { version: 'one' }],
      ['POST', '/flows/main/rollback', { version: 0 }],
      ['POST', '/flows/simulate', { flowId: 'main', input: [{ digits: 12 }] }],
      ['POST', '/flows/simulate', { flowId: 'main', input: [{ press: '1' }] }],
      ['PUT', '/queues/sales', { name: 'Sales', strategy: 'loudest' }],
      ['PUT', '/queues/sales', { name: 'Sales', colour: 'red' }],
      ['PUT', '/agents/a1', { name: 'A', skills: { en: 'high' } }],
      ['POST', '/agents/a1/pause', { reason: 5 }],
      ['POST', '/agents/a1/wrapup/extend', { seconds: -5 }],
      ['POST', '/callbacks/cb1/reschedule', { at: 'tomorrow' }],
      // Routes that take no input refuse input.
      ['POST', '/agents/a1/login', { force: true }],
      ['POST', '/calls/c1/hangup', { cause: 'x' }],
      ['POST', '/flows/main/versions/1/publish', { now: true }],
      ['POST', '/callbacks/cb1/cancel', { reason: 'x' }],
    ];
    for (const [method, path, body] of cases) {
      const res = await svc.fetch(path, { method, body });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}: ${res.text}`).toBe(400);
      expect((res.body as ErrorBody).error).toBe('BAD_REQUEST');
      expect((res.body as ErrorBody).message).toMatch(/^body/);
    }
    const q = await svc.fetch('/flows/main/versions/abc');
    expect(q.status).toBe(400);
    expect((q.body as ErrorBody).message).toMatch(/^params\/version/);
    const lim = await svc.fetch('/callbacks?limit=0');
    expect(lim.status).toBe(400);
    expect((await svc.fetch('/callbacks?sort=asc')).status).toBe(400);
    expect(await svc.acd!.listQueues()).toEqual([]);
    await expectUnchanged();
  });

  it('ids that try to leave the flows folder or are not ids', async () => {
    const ids = ['..%2F..%2Fetc%2Fpasswd', '%2e%2e', '..', 'a.json', 'main%00', '%2Ftmp%2Fx', 'x'.repeat(65), '1abc', 'flow.schema', 'a%5Cb', 'routes'];
    for (const id of ids) {
      const put = await svc.fetch(`/flows/${id}`, { method: 'PUT', body: flowDoc('main') });
      expect([400, 404], `PUT /flows/${id}: ${put.status} ${put.text}`).toContain(put.status);
      const del = await svc.fetch(`/flows/${id}`, { method: 'DELETE' });
      expect([400, 404], `DELETE /flows/${id}`).toContain(del.status);
      const get = await svc.fetch(`/flows/${id}`);
      expect([400, 404]).toContain(get.status);
    }
    // A raw "../" is normalised away by the URL parser before it reaches us; what arrives is not a flow route.
    expect((await svc.fetch('/flows/../flows/main', { method: 'DELETE' })).status).toBe(409);
    expect(readdirSync(dir).sort()).toEqual(before.files);
    await expectUnchanged();
  });

  it('routes with bad numbers or to unknown flows', async () => {
    expect((await svc.fetch('/routes/12%2034', { method: 'PUT', body: { flowId: 'main' } })).status).toBe(400);
    const unknown = await svc.fetch('/routes/300', { method: 'PUT', body: { flowId: 'nosuch' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ error: 'FLOW_NOT_FOUND' });
    await expectUnchanged();
  });

  it('invalid flows: every error with its JSON pointer, nothing stored', async () => {
    const bad = {
      ...flowDoc('main'),
      start: 'nowhere',
      colour: 'red',
      nodes: { hello: { type: 'play', next: 'bye' }, bye: { type: 'hangup' }, loop: { type: 'goto', target: 42 } },
    };
    const res = await svc.fetch('/flows/main?publish=true', { method: 'PUT', body: bad });
    expect(res.status).toBe(422);
    const body = res.body as ErrorBody;
    expect(body.error).toBe('FLOW_INVALID');
    const pointers = body.issues!.map((i) => i.pointer);
    // The unknown top-level field, the play node without a prompt, the goto with a wrong type.
    expect(pointers).toEqual(expect.arrayContaining(['', '/nodes/hello', '/nodes/loop']));
    expect(body.issues!.find((i) => i.pointer === '')!.message).toContain('colour');
    expect(body.issues!.every((i) => typeof i.message === 'string' && i.message.length > 0)).toBe(true);

    const mismatch = await svc.fetch('/flows/other', { method: 'PUT', body: flowDoc('main', 'changed') });
    expect(mismatch.status).toBe(422);
    expect((mismatch.body as ErrorBody).issues).toEqual([expect.objectContaining({ pointer: '/id' })]);

    const notObject = await svc.fetch('/flows/main', { method: 'PUT', body: [1, 2] });
    expect(notObject.status).toBe(422);
    await expectUnchanged();
    expect(svc.registry.version('main')).toBe(1);
  });

  it('5xx answers carry no internals', async () => {
    // Break the flow store's data under the API's feet: the stored version is not JSON.
    await svc.redis.hset(svc.store.keys.versions('broken'), '1', '{not json');
    await svc.redis.hset(svc.store.keys.meta('broken'), 'published', '1', 'latest', '1');
    await svc.redis.sadd(svc.store.keys.index, 'broken');
    const res = await svc.fetch('/flows/broken');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'INTERNAL', message: 'internal error' });
    await svc.redis.del(svc.store.keys.versions('broken'), svc.store.keys.meta('broken'));
    await svc.redis.srem(svc.store.keys.index, 'broken');
  });
});
