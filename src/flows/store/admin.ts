/**
 * Flow administration as the API uses it: validate like `ivr flows check`,
 * store versions, publish, roll back, delete. When a flows folder is given,
 * the live version is written back to <dir>/<id>.json (atomically) so that
 * the folder and the published flows agree; the watcher is told, so it does
 * not import the write back.
 */
import type { Logger } from 'pino';
import type { FlowDocument } from '../flow-schema.ts';
import { FlowInvalidError, FlowStoreError } from './errors.ts';
import { isFlowId, removeFlowFile, writeFlowFile } from './files.ts';
import type { FlowStore, SaveResult } from './flow-store.ts';
import type { FlowFolderWatcher, FlowValidationResult, FlowValidator } from './watcher.ts';

export interface FlowAdminOptions {
  store: FlowStore;
  validate: FlowValidator;
  logger: Logger;
  /** Flows folder to write published versions back to; undefined: no write back. */
  writeBackDir?: string;
  watcher?: Pick<FlowFolderWatcher, 'noteWritten' | 'noteRemoved'>;
}

export class FlowAdmin {
  private readonly log: Logger;

  constructor(private readonly options: FlowAdminOptions) {
    this.log = options.logger.child({ component: 'flow-admin' });
  }

  get store(): FlowStore {
    return this.options.store;
  }

  /** Validates without saving. `flowId`, when given, must equal the document's id. */
  async check(doc: unknown, flowId?: string): Promise<FlowValidationResult> {
    const flowIds = new Set(await this.options.store.ids());
    const file = flowId && isFlowId(flowId) ? `${flowId}.json` : 'request body';
    if (flowId) flowIds.add(flowId);
    const result = this.options.validate(doc, { file, flowIds });
    if (result.flow && flowId !== undefined && result.flow.id !== flowId) {
      return {
        issues: [...result.issues, { file, pointer: '/id', message: `flow id "${result.flow.id}" must match the id in the address (${flowId})`, severity: 'error' }],
      };
    }
    return result;
  }

  /** Validates and stores a version; publishes it when asked. Nothing is stored when invalid. */
  async save(flowId: string, doc: unknown, options: { publish: boolean; author?: string }): Promise<SaveResult & { warnings: FlowValidationResult['issues'] }> {
    this.checkId(flowId);
    const result = await this.check(doc, flowId);
    const errors = result.issues.filter((i) => i.severity === 'error');
    if (!result.flow || errors.length > 0) throw new FlowInvalidError(flowId, result.issues);
    const saved = await this.options.store.save(result.flow, {
      source: 'api',
      mode: options.publish ? 'publish' : 'save',
      ...(options.author ? { author: options.author } : {}),
    });
    if (saved.published) await this.writeBack(flowId, result.flow);
    return { ...saved, warnings: result.issues.filter((i) => i.severity === 'warning') };
  }

  /** Publishes a stored version (or, without one, rolls back to the version live before the current). */
  async publish(flowId: string, version?: number): Promise<number> {
    this.checkId(flowId);
    const live = await this.options.store.publish(flowId, version);
    const v = await this.options.store.getVersion(flowId, live);
    if (v) await this.writeBack(flowId, v.doc);
    return live;
  }

  async delete(flowId: string): Promise<boolean> {
    this.checkId(flowId);
    const deleted = await this.options.store.delete(flowId);
    if (deleted && this.options.writeBackDir) {
      await removeFlowFile(this.options.writeBackDir, flowId);
      this.options.watcher?.noteRemoved(flowId);
    }
    return deleted;
  }

  private async writeBack(flowId: string, doc: FlowDocument): Promise<void> {
    const dir = this.options.writeBackDir;
    if (!dir) return;
    try {
      await writeFlowFile(dir, flowId, doc);
      // After the write: a scan that read the new file first only finds the version already live.
      this.options.watcher?.noteWritten(flowId, doc);
    } catch (err) {
      // Redis holds the truth; the folder copy is a convenience. Say so loudly.
      this.log.error({ err, flowId, dir }, 'writing the published flow back to the flows folder failed');
    }
  }

  private checkId(flowId: string): void {
    if (!isFlowId(flowId)) throw new FlowStoreError('INVALID_ID', 'flow id must be a letter followed by letters, digits, _ or - (at most 64), and not "routes"');
  }
}
