/**
 * What the CLI reads from its environment (the CLI is a composition root of
 * its own): where the flows are, the transfer allow-list, the known queues.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DestinationPolicy } from '../flows/node-definition.ts';
import { createDestinationPolicy } from '../flows/destination-policy.ts';

export interface CliEnvironment {
  flowsDir: string;
  transferPolicy: DestinationPolicy;
  /** Queue ids from ivr-flows/acd/queues.json when present. */
  queueIds?: ReadonlySet<string>;
}

export function cliEnvironment(env: Record<string, string | undefined>, cwd: string): CliEnvironment {
  const flowsDir = resolve(cwd, env.FLOWS_DIR ?? 'ivr-flows');
  const patterns = (env.TRANSFER_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { flowsDir, transferPolicy: createDestinationPolicy(patterns), queueIds: readQueueIds(flowsDir) };
}

function readQueueIds(flowsDir: string): ReadonlySet<string> | undefined {
  const file = join(flowsDir, 'acd', 'queues.json');
  if (!existsSync(file)) return undefined;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const list = Array.isArray(doc) ? doc : (doc as { queues?: unknown }).queues;
    if (Array.isArray(list)) return new Set(list.map((q) => (q as { id?: unknown }).id).filter((id): id is string => typeof id === 'string'));
    if (list && typeof list === 'object') return new Set(Object.keys(list));
  } catch {
    return undefined;
  }
  return undefined;
}
