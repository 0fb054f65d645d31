/**
 * Runs a flow in a test: validates it (the test fails on any validation
 * error, so fixtures stay honest), then simulates the call with a scripted
 * caller on the simulated driver and a virtual clock.
 */
import { expect } from 'vitest';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import { simulateFlow, denyAllDestinations, type SimulateOptions, type SimulationResult } from '../../src/engine/simulate.ts';

export type ScenarioOptions = SimulateOptions & {
  /** Skip validation (for tests of the engine's behaviour on flows the validator would refuse). */
  skipValidation?: boolean;
};

export async function runScenario(options: ScenarioOptions): Promise<SimulationResult> {
  if (!options.skipValidation) {
    const flowIds = new Set([options.flow.id, ...[...(options.flows ?? [])].map((f) => f.id)]);
    for (const f of [options.flow, ...(options.flows ?? [])]) {
      const { issues } = validateFlowDocument(f, {
        file: `${f.id}.json`,
        flowIds,
        transferPolicy: options.services?.transferPolicy ?? denyAllDestinations,
        audioExists: () => true,
      });
      const errors = issues.filter((i) => i.severity === 'error').map(formatIssue);
      expect(errors, `flow ${f.id} must be valid`).toEqual([]);
    }
  }
  return simulateFlow(options);
}

/** A minimal valid flow around the given nodes (start = first node). */
export function flowOf(nodes: FlowDocument['nodes'], extra: Partial<FlowDocument> = {}): FlowDocument {
  const start = Object.keys(nodes)[0]!;
  return { id: 'test', name: 'Test flow', defaultLanguage: 'pl', start, nodes, ...extra };
}
