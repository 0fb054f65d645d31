/**
 * What the CLI reads from its environment (the CLI is a composition root of
 * its own): where the flows are, the transfer allow-list, the known queues.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DestinationPolicy, QueueFacts } from '../flows/node-definition.ts';
import { createDestinationPolicy } from '../flows/destination-policy.ts';
import { AcdConfigError, parseQueuesFile } from '../acd/model.ts';

export interface CliEnvironment {
  flowsDir: string;
  transferPolicy: DestinationPolicy;
  /** The queues of the ACD queue file when present. */
  queues?: ReadonlyMap<string, QueueFacts>;
}

export function cliEnvironment(env: Record<string, string | undefined>, cwd: string): CliEnvironment {
  const flowsDir = resolve(cwd, env.FLOWS_DIR ?? 'ivr-flows');
  const patterns = (env.TRANSFER_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { flowsDir, transferPolicy: createDestinationPolicy(patterns), queues: readQueues(resolve(cwd, env.ACD_QUEUES_FILE ?? join(flowsDir, 'acd', 'queues.json'))) };
}

/**
 * The queues of the ACD's queue file (ACD_QUEUES_FILE, default
 * ivr-flows/acd/queues.json), read by the ACD's own parser: a broken file is
 * reported (AcdConfigError), never silently skipped.
 */
function readQueues(file: string): ReadonlyMap<string, QueueFacts> | undefined {
  if (!existsSync(file)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AcdConfigError(file, [`invalid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return new Map(parseQueuesFile(doc, file).map((q) => [q.id, q]));
}
