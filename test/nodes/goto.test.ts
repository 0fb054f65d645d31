import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';

const billing: FlowDocument = {
  id: 'billing',
  name: 'Billing',
  defaultLanguage: 'pl',
  start: 'intro',
  nodes: {
    intro: { type: 'play', prompt: 'Dział rozliczeń', next: 'bye' },
    bye: { type: 'hangup', prompt: 'Do widzenia {{vars.name}}' },
  },
};

describe('goto node', () => {
  it('jumps to a node of the same flow', async () => {
    const flow = flowOf({
      start: { type: 'goto', nodeId: 'end' },
      end: { type: 'hangup', prompt: 'Koniec' },
    });
    const r = await runScenario({ flow });
    expect(r.path).toEqual(['start', 'end']);
    expect(r.heard).toEqual(['tts[pl]: Koniec']);
  });

  it("continues at another flow's start, keeping variables, and never returns", async () => {
    const flow = flowOf({
      jump: { type: 'goto', flowId: 'billing' },
    });
    const r = await runScenario({ flow, flows: [billing], vars: { name: 'Anno' } });
    expect(r.path).toEqual(['jump', 'billing#intro', 'billing#bye']);
    expect(r.heard).toEqual(['tts[pl]: Dział rozliczeń', 'tts[pl]: Do widzenia Anno']);
  });

  it('continues at a given node of another flow', async () => {
    const flow = flowOf({ jump: { type: 'goto', flowId: 'billing', nodeId: 'bye' } });
    const r = await runScenario({ flow, flows: [billing], vars: { name: 'Anno' } });
    expect(r.path).toEqual(['jump', 'billing#bye']);
  });

  it('return in the main flow ends the call (hang-up)', async () => {
    const flow = flowOf({
      hello: { type: 'play', prompt: 'Dzień dobry', next: 'leave' },
      leave: { type: 'goto', return: true },
    });
    const r = await runScenario({ flow });
    expect(r.path).toEqual(['hello', 'leave']);
    expect(r.ended).toBe('completed');
    expect(r.call.events.at(-1)?.kind).toBe('hangup');
  });

  it('takes the error exit when the flow is not published', async () => {
    const flow = flowOf({
      jump: { type: 'goto', flowId: 'billing', error: 'sorry' },
      sorry: { type: 'hangup', prompt: 'Przepraszamy' },
    });
    const r = await runScenario({ flow, skipValidation: true });
    expect(r.path).toEqual(['jump', 'sorry']);
    expect(r.heard).toEqual(['tts[pl]: Przepraszamy']);
  });
});

describe('goto node: validation', () => {
  const check = (flow: FlowDocument, flowIds: string[] = []): string[] =>
    validateFlowDocument(flow, { file: 'main.json', flowIds: new Set(flowIds), transferPolicy: denyAllDestinations, audioExists: () => true }).issues.map(formatIssue);

  it('reports an unknown flow id', () => {
    expect(check(flowOf({ jump: { type: 'goto', flowId: 'biling' } }), ['billing'])).toEqual([
      'main.json: /nodes/jump/flowId: unknown flow "biling" (did you mean "billing"?); known flows: billing, test',
    ]);
  });

  it('reports an unknown node of the same flow', () => {
    expect(check(flowOf({ jump: { type: 'goto', nodeId: 'ned' }, end: { type: 'hangup' } }))).toContain(
      'main.json: /nodes/jump/nodeId: unknown node "ned" (did you mean "end"?)',
    );
  });

  it('requires a flowId or a nodeId', () => {
    expect(check(flowOf({ jump: { type: 'goto' } }))).toEqual([
      'main.json: /nodes/jump: a goto needs "flowId" (another flow), "nodeId" (a node of this flow), both, or "return": true',
    ]);
    expect(check(flowOf({ jump: { type: 'goto', return: true, flowId: 'test' } }))).toEqual([
      'main.json: /nodes/jump/return: "return" leaves the flow: it cannot be combined with "flowId" or "nodeId"',
    ]);
  });

  it('finds a goto loop that never waits for the caller', () => {
    const issues = check(flowOf({ a: { type: 'goto', nodeId: 'b' }, b: { type: 'goto', nodeId: 'a' } }));
    expect(issues).toEqual(['main.json: /nodes/a: loop that never waits for the caller (no prompt or input) through nodes: a, b']);
  });
});
