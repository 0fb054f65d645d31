import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testPrefix } from '../support/redis.ts';
import { flowDoc, removeDir, startInstance, tempFlowsDir, type Instance } from './harness.ts';

interface SaveBody {
  flowId: string;
  version: number;
  created: boolean;
  published: boolean;
}
interface FlowView {
  summary: { publishedVersion?: number; latestVersion?: number; status: string; issues: unknown[] };
  version?: number;
  flow?: { nodes: { hello: { prompt: string } } };
}

describe('flows API: versions, publish, rollback, delete', () => {
  let svc: Instance;
  let dir: string;

  beforeEach(async () => {
    dir = tempFlowsDir();
    svc = await startInstance({ prefix: testPrefix('api-flows'), flowsDir: dir });
  });
  afterEach(async () => {
    await svc.close();
    removeDir(dir);
  });

  it('stores each save as a version; publishing makes one live; rollback goes back in one call', async () => {
    const v1 = await svc.fetch('/flows/main?publish=true', { method: 'PUT', body: flowDoc('main', 'Hello one') });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ flowId: 'main', version: 1, created: true, published: true });

    const v2 = await svc.fetch('/flows/main', { method: 'PUT', body: flowDoc('main', 'Hello two') });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, published: false });

    let view = (await svc.fetch('/flows/main')).body as FlowView;
    expect(view.summary).toMatchObject({ publishedVersion: 1, latestVersion: 2, status: 'ok' });
    expect(view.flow?.nodes.hello.prompt).toBe('Hello one');

    expect((await svc.fetch('/flows/main/versions/2/publish', { method: 'POST' })).body).toEqual({ flowId: 'main', publishedVersion: 2 });
    view = (await svc.fetch('/flows/main')).body as FlowView;
    expect(view.flow?.nodes.hello.prompt).toBe('Hello two');
    // The live version is written back to the flows folder.
    expect(JSON.parse(readFileSync(join(dir, 'main.json'), 'utf8')).nodes.hello.prompt).toBe('Hello two');

    const rb = await svc.fetch('/flows/main/rollback', { method: 'POST' });
    expect(rb.body).toEqual({ flowId: 'main', publishedVersion: 1 });
    expect(((await svc.fetch('/flows/main')).body as FlowView).flow?.nodes.hello.prompt).toBe('Hello one');

    const rbTo = await svc.fetch('/flows/main/rollback', { method: 'POST', body: { version: 2 } });
    expect(rbTo.body).toEqual({ flowId: 'main', publishedVersion: 2 });
    expect((await svc.fetch('/flows/main/rollback', { method: 'POST', body: { version: 9 } })).status).toBe(404);

    const versions = (await svc.fetch('/flows/main/versions')).body as { versions: Array<{ version: number; published: boolean; source: string; author: string }> };
    expect(versions.versions.map((v) => [v.version, v.published])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(versions.versions[0]).toMatchObject({ source: 'api', author: 'ops' });
    const one = (await svc.fetch('/flows/main/versions/1')).body as { flow: { nodes: { hello: { prompt: string } } } };
    expect(one.flow.nodes.hello.prompt).toBe('Hello one');
  });

  it('saving identical content reuses its version', async () => {
    await svc.fetch('/flows/main', { method: 'PUT', body: flowDoc('main') });
    const again = await svc.fetch('/flows/main', { method: 'PUT', body: flowDoc('main') });
    expect(again.status).toBe(200);
    expect(again.body as SaveBody).toMatchObject({ version: 1, created: false });
  });

  it('refuses to delete a flow while a number routes to it, then deletes it with its file', async () => {
    await svc.fetch('/flows/main?publish=true', { method: 'PUT', body: flowDoc('main') });
    expect((await svc.fetch('/routes/+48221234567', { method: 'PUT', body: { flowId: 'main' } })).status).toBe(200);

    const refused = await svc.fetch('/flows/main', { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'FLOW_ROUTED' });
    expect((await svc.fetch('/flows/main')).status).toBe(200);

    expect((await svc.fetch('/routes/+48221234567', { method: 'DELETE' })).status).toBe(204);
    expect((await svc.fetch('/flows/main', { method: 'DELETE' })).status).toBe(204);
    expect((await svc.fetch('/flows/main')).status).toBe(404);
    expect(existsSync(join(dir, 'main.json'))).toBe(false);
    expect((await svc.fetch('/flows/main', { method: 'DELETE' })).status).toBe(404);
  });

  it('lists flows and validates without saving', async () => {
    await svc.fetch('/flows/main?publish=true', { method: 'PUT', body: flowDoc('main') });
    const list = (await svc.fetch('/flows')).body as { flows: Array<{ id: string; publishedVersion: number }> };
    expect(list.flows).toEqual([expect.objectContaining({ id: 'main', publishedVersion: 1, name: 'Flow main' })]);

    const ok = await svc.fetch('/flows/validate', { method: 'POST', body: flowDoc('draft') });
    expect(ok.body).toEqual({ valid: true, issues: [] });
    const bad = await svc.fetch('/flows/validate', { method: 'POST', body: { ...flowDoc('draft'), start: 'nowhere' } });
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ valid: false, issues: expect.arrayContaining([expect.objectContaining({ pointer: '/start', severity: 'error' })]) });
    expect(await svc.store.ids()).toEqual(['main']);
  });

  it('simulates a published flow or a draft: prompts heard and path taken', async () => {
    await svc.fetch('/flows/main?publish=true', { method: 'PUT', body: flowDoc('main', 'Welcome to the test') });
    const pub = await svc.fetch('/flows/simulate', { method: 'POST', body: { flowId: 'main', input: [] } });
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ flowId: 'main', version: 1, path: ['hello', 'bye'] });
    expect((pub.body as { heard: string[] }).heard.join(' ')).toContain('Welcome to the test');

    const draft = await svc.fetch('/flows/simulate', { method: 'POST', body: { flow: flowDoc('draft', 'Draft words'), input: [{ digits: '1' }] } });
    expect(draft.status).toBe(200);
    expect((draft.body as { heard: string[] }).heard.join(' ')).toContain('Draft words');

    const invalid = await svc.fetch('/flows/simulate', { method: 'POST', body: { flow: { ...flowDoc('draft'), start: 'nowhere' } } });
    expect(invalid.status).toBe(422);
    const missing = await svc.fetch('/flows/simulate', { method: 'POST', body: { flowId: 'nope' } });
    expect(missing.status).toBe(404);
  });
});
