/**
 * The flows folder watcher: a valid change is published, an invalid one is
 * refused (the last good version keeps serving, the flow's status says why),
 * changes are debounced on the virtual clock, and a second instance on the
 * same Redis serves what the first published.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testPrefix } from '../support/redis.ts';
import { flowDoc, removeDir, startInstance, tempFlowsDir, type Instance } from './harness.ts';
import type { RegistryChange } from '../../src/flows/store/registry.ts';

interface FlowView {
  summary: { publishedVersion?: number; status: string; statusFile?: string; issues: Array<{ pointer: string; message: string }> };
  flow?: { nodes: { hello: { prompt: string } } };
}

const prompt = (svc: Instance, id = 'main'): unknown => (svc.registry.get(id)?.nodes.hello as { prompt?: unknown } | undefined)?.prompt;

/** Resolves at the registry's next change for `flowId` reaching `version`. */
function nextVersion(svc: Instance, flowId: string, version: number): Promise<RegistryChange> {
  return new Promise((resolve) => {
    if (svc.registry.version(flowId) === version) {
      resolve({ flowId, version, cause: 'published' });
      return;
    }
    const off = svc.registry.onChange((c) => {
      if (c.flowId === flowId && c.version === version) {
        off();
        resolve(c);
      }
    });
  });
}

describe('hot reload of the flows folder', () => {
  const open: Instance[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    for (const d of dirs.splice(0)) removeDir(d);
  });
  const start = async (prefix: string, dir: string): Promise<Instance> => {
    const s = await startInstance({ prefix, flowsDir: dir });
    open.push(s);
    return s;
  };

  it('publishes a valid change, then refuses an invalid one and keeps serving the last good version', async () => {
    const dir = tempFlowsDir({ main: flowDoc('main', 'Version one') });
    dirs.push(dir);
    const svc = await start(testPrefix('hot'), dir);
    expect(prompt(svc)).toBe('Version one');

    writeFileSync(join(dir, 'main.json'), JSON.stringify(flowDoc('main', 'Version two')));
    const valid = await svc.watcher.rescan();
    expect(valid.published).toEqual([{ file: 'main.json', flowId: 'main', version: 2 }]);
    await nextVersion(svc, 'main', 2);
    expect(prompt(svc)).toBe('Version two');

    writeFileSync(join(dir, 'main.json'), JSON.stringify({ ...flowDoc('main', 'Version three'), start: 'missing' }));
    const invalid = await svc.watcher.rescan();
    expect(invalid.published).toEqual([]);
    expect(invalid.invalid).toEqual([expect.objectContaining({ file: 'main.json', flowId: 'main' })]);
    expect(prompt(svc)).toBe('Version two');

    const view = (await svc.fetch('/flows/main')).body as FlowView;
    expect(view.summary).toMatchObject({ publishedVersion: 2, status: 'invalid', statusFile: 'main.json' });
    expect(view.summary.issues).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/start' })]));
    expect(view.flow?.nodes.hello.prompt).toBe('Version two');

    // Broken JSON is reported the same way.
    writeFileSync(join(dir, 'main.json'), '{ "id": "main", ');
    await svc.watcher.rescan();
    const broken = (await svc.fetch('/flows/main')).body as FlowView;
    expect(broken.summary.status).toBe('invalid');
    expect(broken.summary.issues[0]!.message).toMatch(/invalid JSON/);

    // Fixing the file publishes it and clears the status.
    writeFileSync(join(dir, 'main.json'), JSON.stringify(flowDoc('main', 'Version four')));
    expect((await svc.watcher.rescan()).published).toEqual([{ file: 'main.json', flowId: 'main', version: 3 }]);
    const fixed = (await svc.fetch('/flows/main')).body as FlowView;
    expect(fixed.summary).toMatchObject({ publishedVersion: 3, status: 'ok', issues: [] });
  });

  it('reports an invalid new file in the flow list without publishing anything', async () => {
    const dir = tempFlowsDir({ main: flowDoc('main'), sales: { ...flowDoc('sales'), nodes: {} } });
    dirs.push(dir);
    const svc = await start(testPrefix('hot-new'), dir);
    expect(svc.registry.get('sales')).toBeUndefined();
    const list = (await svc.fetch('/flows')).body as { flows: Array<{ id: string; status: string; publishedVersion?: number }> };
    expect(list.flows.find((f) => f.id === 'sales')).toMatchObject({ status: 'invalid' });
    expect(list.flows.find((f) => f.id === 'sales')?.publishedVersion).toBeUndefined();
    // A number cannot route to a flow that was never valid.
    expect((await svc.fetch('/routes/100', { method: 'PUT', body: { flowId: 'sales' } })).status).toBe(422);
  });

  it('debounces file events on the clock: one scan after the quiet period', async () => {
    const dir = tempFlowsDir({ main: flowDoc('main', 'One') });
    dirs.push(dir);
    const svc = await start(testPrefix('hot-debounce'), dir);
    writeFileSync(join(dir, 'main.json'), JSON.stringify(flowDoc('main', 'Two')));
    svc.fileChanged();
    await svc.clock.advance(200);
    svc.fileChanged();
    await svc.clock.advance(200);
    expect(svc.watcher.scanPending).toBe(true);
    await svc.watcher.whenIdle();
    expect((await svc.store.summary('main'))?.publishedVersion).toBe(1);
    await svc.clock.advance(50);
    expect(svc.watcher.scanPending).toBe(false);
    await svc.watcher.whenIdle();
    expect((await svc.store.summary('main'))?.publishedVersion).toBe(2);
  });

  it('a file written back by the API is not imported again', async () => {
    const dir = tempFlowsDir({ main: flowDoc('main', 'One') });
    dirs.push(dir);
    const svc = await start(testPrefix('hot-writeback'), dir);
    await svc.fetch('/flows/main?publish=true', { method: 'PUT', body: flowDoc('main', 'From the API') });
    const scan = await svc.watcher.rescan();
    expect(scan.published).toEqual([]);
    expect((await svc.store.listVersions('main')).length).toBe(2);
  });
});

describe('two service instances on one Redis', () => {
  it('both serve what either one publishes (API or file); a restart with a stale folder reverts nothing', async () => {
    const prefix = testPrefix('two');
    const dirA = tempFlowsDir({ main: flowDoc('main', 'One') });
    const dirB = tempFlowsDir({ main: flowDoc('main', 'One') });
    const a = await startInstance({ prefix, flowsDir: dirA });
    const b = await startInstance({ prefix, flowsDir: dirB });
    try {
      expect(prompt(a)).toBe('One');
      expect(prompt(b)).toBe('One');
      expect((await a.store.listVersions('main')).length).toBe(1);

      // Publish through A's API: B serves it.
      const seenByB = nextVersion(b, 'main', 2);
      await a.fetch('/flows/main?publish=true', { method: 'PUT', body: flowDoc('main', 'Two') });
      await seenByB;
      expect(prompt(b)).toBe('Two');
      expect(((await b.fetch('/flows/main')).body as FlowView).summary.publishedVersion).toBe(2);

      // Edit B's folder: A serves it.
      const seenByA = nextVersion(a, 'main', 3);
      writeFileSync(join(dirB, 'main.json'), JSON.stringify(flowDoc('main', 'Three')));
      await b.watcher.rescan();
      await seenByA;
      expect(prompt(a)).toBe('Three');

      // Roll back through B: A follows.
      const back = nextVersion(a, 'main', 2);
      await b.fetch('/flows/main/rollback', { method: 'POST', body: {} });
      await back;
      expect(prompt(a)).toBe('Two');

      // A third instance starting with a stale folder (version one) does not revert the live version.
      const dirC = tempFlowsDir({ main: flowDoc('main', 'One') });
      const c = await startInstance({ prefix, flowsDir: dirC });
      try {
        expect(prompt(c)).toBe('Two');
        expect(a.registry.version('main')).toBe(2);
      } finally {
        await c.close();
        removeDir(dirC);
      }
    } finally {
      await a.close();
      await b.close();
      removeDir(dirA);
      removeDir(dirB);
    }
  });
});
