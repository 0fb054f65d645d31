/**
 * Flow files in the flows folder: safe paths (a flow id can never name a file
 * outside the folder), content hashes, atomic writes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { FlowStoreError } from './errors.ts';

/** Same rule as the flow schema's Id: a letter, then up to 63 letters, digits, _ or -. */
export const FLOW_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Files in the flows folder that are not flows. */
export const NON_FLOW_FILES: ReadonlySet<string> = new Set(['flow.schema.json', 'routes.json']);

/** A valid flow id that does not name one of the folder's other files (routes.json). */
export function isFlowId(id: string): boolean {
  return FLOW_ID_PATTERN.test(id) && !NON_FLOW_FILES.has(`${id}.json`);
}

/** Path of a flow's file; throws INVALID_ID for anything that is not a plain flow id. */
export function flowFilePath(dir: string, flowId: string): string {
  if (!isFlowId(flowId)) {
    throw new FlowStoreError('INVALID_ID', 'flow id must be a letter followed by letters, digits, _ or - (at most 64)');
  }
  const root = resolve(dir);
  const path = join(root, `${flowId}.json`);
  if (!path.startsWith(root + sep) || basename(path) !== `${flowId}.json`) {
    throw new FlowStoreError('INVALID_ID', 'flow id must name a file inside the flows folder');
  }
  return path;
}

/** JSON with object keys sorted, so equal documents hash equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(doc: unknown): string {
  return createHash('sha256').update(canonicalJson(doc)).digest('hex');
}

/** Writes a flow document as pretty JSON, atomically (temp file + rename). */
export async function writeFlowFile(dir: string, flowId: string, doc: unknown): Promise<void> {
  const path = flowFilePath(dir, flowId);
  const tmp = join(resolve(dir), `.${flowId}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`, { encoding: 'utf8', mode: 0o644 });
  await rename(tmp, path);
}

export async function removeFlowFile(dir: string, flowId: string): Promise<void> {
  try {
    await unlink(flowFilePath(dir, flowId));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
