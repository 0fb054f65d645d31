/**
 * Loading flows from files: ivr-flows/*.json (one flow per file, the file name
 * is the flow id). Not flows: flow.schema.json, routes.json, and the folders
 * tests/, audio/, acd/. Two passes: parse everything (so subflow targets are
 * known), then validate each flow.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { FlowDocument } from './flow-schema.ts';
import type { CheckContext, FlowIssue, QueueFacts } from './node-definition.ts';
import { validateFlowDocument } from './validate.ts';

export const NOT_FLOW_FILES = new Set(['flow.schema.json', 'routes.json']);

export interface LoadOptions {
  transferPolicy: CheckContext['transferPolicy'];
  queues?: ReadonlyMap<string, QueueFacts>;
  /** Audio folder; default: `<folder of the flow>/audio`. */
  audioDir?: string;
  /** Flow ids known from elsewhere (e.g. the published store) that subflows may name. */
  extraFlowIds?: Iterable<string>;
}

export interface LoadedFlow {
  file: string;
  flow: FlowDocument;
}

export interface LoadResult {
  flows: Map<string, LoadedFlow>;
  /** Every issue of every file, errors and warnings. */
  issues: FlowIssue[];
  /** Files that had at least one error. */
  invalidFiles: string[];
  /** Number of flow files read. */
  fileCount: number;
}

interface Parsed {
  file: string;
  doc?: unknown;
  issue?: FlowIssue;
}

/** Parses JSON and reports the line and column of a syntax error. */
export function parseFlowJson(text: string, file: string): { doc?: unknown; issue?: FlowIssue } {
  try {
    return { doc: JSON.parse(text) as unknown };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const offset = Number(pos[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const col = offset - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${col}`;
    }
    return { issue: { file, pointer: '', message: `invalid JSON${where}: ${msg.replace(/ in JSON at position \d+.*$/, '')}`, severity: 'error' } };
  }
}

/** Flow files in a folder (non-recursive). */
export async function flowFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && extname(e.name) === '.json' && !NOT_FLOW_FILES.has(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Expands files and folders into flow files. */
export async function expandFlowPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p);
    if (s.isDirectory()) out.push(...(await flowFilesIn(p)));
    else out.push(p);
  }
  return [...new Set(out)];
}

export function audioCheckerFor(audioDir: string): (path: string) => boolean {
  return (p: string) => {
    // Absolute paths name files on the media server (e.g. FreeSWITCH's sound packs): not checked here.
    if (isAbsolute(p)) return true;
    const full = resolve(audioDir, p);
    return existsSync(full) && statSync(full).isFile();
  };
}

/** Validates one parsed document against the set of known flow ids. */
export function validateParsed(doc: unknown, file: string, flowIds: ReadonlySet<string>, options: LoadOptions): { flow?: FlowDocument; issues: FlowIssue[] } {
  const audioDir = options.audioDir ?? join(dirname(file), 'audio');
  const result = validateFlowDocument(doc, {
    file,
    flowIds,
    queues: options.queues,
    transferPolicy: options.transferPolicy,
    audioExists: audioCheckerFor(audioDir),
  });
  const mismatch = result.flow && fileNameMismatch(result.flow, file);
  if (mismatch) return { issues: [...result.issues, mismatch] };
  return { flow: result.flow, issues: result.issues };
}

/** A flow file is named after its flow: `main.json` holds flow `main`. */
export function fileNameMismatch(flow: FlowDocument, file: string): FlowIssue | undefined {
  const expectedId = basename(file, '.json');
  if (flow.id === expectedId) return undefined;
  return { file, pointer: '/id', message: `flow id "${flow.id}" must equal the file name "${expectedId}"`, severity: 'error' };
}

/** Loads and validates flow files (files and/or folders). */
export async function loadFlowPaths(paths: string[], options: LoadOptions): Promise<LoadResult> {
  const files = await expandFlowPaths(paths);
  const parsed: Parsed[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const { doc, issue } = parseFlowJson(text, file);
    parsed.push({ file, doc, issue });
  }
  const flowIds = new Set<string>(options.extraFlowIds ?? []);
  for (const p of parsed) {
    const id = (p.doc as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') flowIds.add(id);
  }
  const flows = new Map<string, LoadedFlow>();
  const issues: FlowIssue[] = [];
  const invalidFiles: string[] = [];
  for (const p of parsed) {
    if (p.issue) {
      issues.push(p.issue);
      invalidFiles.push(p.file);
      continue;
    }
    const r = validateParsed(p.doc, p.file, flowIds, options);
    issues.push(...r.issues);
    if (r.flow) {
      const dup = flows.get(r.flow.id);
      if (dup) {
        issues.push({ file: p.file, pointer: '/id', message: `flow id "${r.flow.id}" is also used by ${dup.file}`, severity: 'error' });
        invalidFiles.push(p.file);
      } else flows.set(r.flow.id, { file: p.file, flow: r.flow });
    } else invalidFiles.push(p.file);
  }
  return { flows, issues, invalidFiles, fileCount: files.length };
}

/** Loads every flow of a flows folder (ivr-flows/). */
export function loadFlowDirectory(dir: string, options: Omit<LoadOptions, 'audioDir'> & { audioDir?: string }): Promise<LoadResult> {
  return loadFlowPaths([dir], { ...options, audioDir: options.audioDir ?? join(dir, 'audio') });
}
