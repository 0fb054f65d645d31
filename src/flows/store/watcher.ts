/**
 * Watches the flows folder (ivr-flows/*.json). A changed file is validated
 * and, when valid, stored and published; when invalid, the last good version
 * keeps serving and the problems are logged and recorded as the flow's status.
 *
 * Testable without sleeping: `rescan()` runs a scan now; `notifyChange()` is
 * what the file-system watcher calls, debounced on the injected clock.
 *
 * The first scan (start) imports without reverting: a file whose content is
 * already a stored version is not republished, so an instance restarting with
 * a stale copy of the folder never undoes a newer publish. Later scans publish
 * every file whose content changed since this instance last saw it.
 */
import { watch as fsWatch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../util/clock.ts';
import type { FlowDocument } from '../flow-schema.ts';
import type { FlowIssue } from '../node-definition.ts';
import type { FlowStore } from './flow-store.ts';
import { fileNameMismatch, parseFlowJson } from '../loader.ts';
import { contentHash, isFlowId, NON_FLOW_FILES } from './files.ts';

export interface FlowValidationResult {
  flow?: FlowDocument;
  issues: FlowIssue[];
}

/** Validates a flow exactly like `ivr flows check` (schema, graph, node checks). */
export type FlowValidator = (doc: unknown, context: { file: string; flowIds: ReadonlySet<string> }) => FlowValidationResult;

export interface Closable {
  close(): void;
}

export interface ScanReport {
  published: Array<{ file: string; flowId: string; version: number }>;
  /** Valid files whose content was already stored (nothing changed). */
  unchanged: string[];
  invalid: Array<{ file: string; flowId?: string; issues: FlowIssue[] }>;
  /** Files this instance saw before that are gone (their flows keep serving). */
  removed: string[];
}

export interface FlowFolderWatcherOptions {
  dir: string;
  store: FlowStore;
  validate: FlowValidator;
  clock: Clock;
  logger: Logger;
  /** Quiet time after the last change before scanning. Default 250 ms. */
  debounceMs?: number;
  /** Starts watching the folder; default node:fs watch. Tests inject their own trigger. */
  watch?: (dir: string, onChange: () => void) => Closable;
}

const defaultWatch = (dir: string, onChange: () => void): Closable => {
  const w = fsWatch(dir, { persistent: false }, (_event, name) => {
    if (name === null || String(name).endsWith('.json')) onChange();
  });
  return w;
};

function errors(issues: FlowIssue[]): FlowIssue[] {
  return issues.filter((i) => i.severity === 'error');
}

export class FlowFolderWatcher {
  /** File name → fingerprint of the content this instance last handled. */
  private readonly seen = new Map<string, string>();
  private scanning: Promise<ScanReport> | undefined;
  private next: Promise<ScanReport> | undefined;
  private debounce: TimerHandle | undefined;
  private watcher: Closable | undefined;
  private started = false;
  private readonly log: Logger;

  constructor(private readonly options: FlowFolderWatcherOptions) {
    this.log = options.logger.child({ component: 'flow-watcher', dir: options.dir });
  }

  /** First scan (import without reverting), then watches the folder. */
  async start(): Promise<ScanReport> {
    const report = await this.rescan();
    this.started = true;
    this.watcher = (this.options.watch ?? defaultWatch)(this.options.dir, () => this.notifyChange());
    return report;
  }

  stop(): void {
    this.debounce?.cancel();
    this.debounce = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** A file changed: scan after the debounce period (further changes restart it). */
  notifyChange(): void {
    this.debounce?.cancel();
    this.debounce = this.options.clock.setTimer(this.options.debounceMs ?? 250, () => {
      this.debounce = undefined;
      this.rescan().catch((err: unknown) => this.log.error({ err }, 'scanning the flows folder failed'));
    });
  }

  /** Resolves when no scan is running or due to run (for tests and shutdown). */
  async whenIdle(): Promise<void> {
    while (this.scanning || this.next) {
      await (this.next ?? this.scanning)!.catch(() => undefined);
    }
  }

  /** True while a debounced scan is waiting for its quiet period. */
  get scanPending(): boolean {
    return this.debounce !== undefined;
  }

  /** The service wrote this flow's file itself (API publish): do not import it back. */
  noteWritten(flowId: string, doc: FlowDocument): void {
    this.seen.set(`${flowId}.json`, contentHash(doc));
  }

  noteRemoved(flowId: string): void {
    this.seen.delete(`${flowId}.json`);
  }

  /** Scans the folder now. Calls during a scan share one more scan after it (so no change is missed). */
  rescan(): Promise<ScanReport> {
    if (!this.scanning) {
      this.scanning = this.scan().finally(() => {
        this.scanning = undefined;
      });
      return this.scanning;
    }
    this.next ??= this.scanning.then(
      () => {
        this.next = undefined;
        return this.rescan();
      },
      () => {
        this.next = undefined;
        return this.rescan();
      },
    );
    return this.next;
  }

  private async scan(): Promise<ScanReport> {
    const report: ScanReport = { published: [], unchanged: [], invalid: [], removed: [] };
    const mode = this.started ? 'publish' : 'import';
    const names = (await readdir(this.options.dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith('.json') && !NON_FLOW_FILES.has(e.name) && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    const fileIds = names.map((n) => n.slice(0, -'.json'.length)).filter(isFlowId);
    const flowIds = new Set([...(await this.options.store.ids()), ...fileIds]);

    for (const name of names) {
      try {
        await this.scanFile(name, flowIds, mode, report);
      } catch (err) {
        // Leave `seen` untouched so that the next scan retries this file.
        this.log.error({ err, file: name }, 'handling a flow file failed');
      }
    }
    for (const name of [...this.seen.keys()]) {
      if (!names.includes(name)) {
        this.seen.delete(name);
        report.removed.push(name);
        this.log.warn({ file: name }, 'flow file removed; its published version keeps serving until deleted through the API');
      }
    }
    return report;
  }

  private async scanFile(name: string, flowIds: ReadonlySet<string>, mode: 'import' | 'publish', report: ScanReport): Promise<void> {
    const path = join(this.options.dir, name);
    const idFromName = name.slice(0, -'.json'.length);
    const flowId = isFlowId(idFromName) ? idFromName : undefined;
    const text = await readFile(path, 'utf8');
    const parsed = parseFlowJson(text, name);
    if (parsed.issue) {
      const fingerprint = `raw:${createHash('sha256').update(text).digest('hex')}`;
      if (this.seen.get(name) === fingerprint) return;
      await this.invalid(name, flowId, [parsed.issue], report);
      this.seen.set(name, fingerprint);
      return;
    }
    const doc = parsed.doc;
    const fingerprint = contentHash(doc);
    if (this.seen.get(name) === fingerprint) return;

    const result = this.options.validate(doc, { file: name, flowIds });
    const mismatch = result.flow && fileNameMismatch(result.flow, name);
    const issues = mismatch ? [...result.issues, mismatch] : result.issues;
    if (!result.flow || errors(issues).length > 0) {
      await this.invalid(name, flowId, issues, report);
      this.seen.set(name, fingerprint);
      return;
    }
    for (const w of issues) this.log.warn({ file: name, pointer: w.pointer }, w.message);
    const saved = await this.options.store.save(result.flow, { source: 'file', author: name, mode, markValid: true });
    this.seen.set(name, fingerprint);
    if (saved.published) {
      report.published.push({ file: name, flowId: result.flow.id, version: saved.version });
      this.log.info({ file: name, flowId: result.flow.id, version: saved.version }, 'flow file published');
    } else {
      report.unchanged.push(name);
    }
  }

  private async invalid(name: string, flowId: string | undefined, issues: FlowIssue[], report: ScanReport): Promise<void> {
    report.invalid.push({ file: name, ...(flowId ? { flowId } : {}), issues });
    for (const i of errors(issues)) this.log.error({ file: name, pointer: i.pointer }, `invalid flow file: ${i.message}`);
    if (flowId) {
      await this.options.store.reportInvalid(flowId, name, issues);
      this.log.error({ file: name, flowId, version: await this.publishedVersion(flowId) }, 'flow file rejected; the last good version keeps serving');
    }
  }

  private async publishedVersion(flowId: string): Promise<number | undefined> {
    return (await this.options.store.summary(flowId))?.publishedVersion;
  }
}
