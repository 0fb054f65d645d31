/**
 * The versioned flow store, shared by every instance through Redis.
 *
 * - Each save is an immutable version (identical content reuses its version).
 * - Publishing a version makes it live; rolling back is publishing an earlier
 *   one (or, with no version given, the one live before the current).
 * - A flow cannot be deleted while a dialed number routes to it.
 * - Changes are announced on a pub/sub channel (FlowEvent) so that every
 *   instance's FlowRegistry serves the same published version.
 * Every change is one Lua script (scripts/*.lua): one round trip, atomic.
 */
import type { RedisClient } from '../../util/redis-client.ts';
import type { Clock } from '../../util/clock.ts';
import type { FlowDocument } from '../flow-schema.ts';
import type { FlowIssue } from '../node-definition.ts';
import { FlowRoutedError, FlowStoreError } from './errors.ts';
import { contentHash, isFlowId } from './files.ts';
import { flowKeys, type FlowEvent, type FlowKeys } from './keys.ts';
import { defineFlowScripts } from './scripts.ts';

export type VersionSource = 'api' | 'file';

export interface FlowVersion {
  flowId: string;
  version: number;
  createdAt: number;
  source: VersionSource;
  /** Token name of the API caller, or the file name. */
  author?: string;
  hash: string;
  doc: FlowDocument;
}

export interface FlowSummary {
  id: string;
  name?: string;
  /** Live version; undefined when none is published (e.g. only an invalid file was seen). */
  publishedVersion?: number;
  latestVersion?: number;
  previousVersion?: number;
  updatedAt?: number;
  publishedAt?: number;
  /** "invalid": the source file's last change did not validate; the published version keeps serving. */
  status: 'ok' | 'invalid';
  statusAt?: number;
  statusFile?: string;
  issues: FlowIssue[];
}

export interface SaveResult {
  version: number;
  /** False when identical content was already stored as `version`. */
  created: boolean;
  /** True when the live version changed. */
  published: boolean;
}

export type SaveMode = 'save' | 'publish' | 'import';

interface StoredRecord {
  createdAt: number;
  source: VersionSource;
  author?: string;
  hash: string;
  doc: FlowDocument;
}

export interface FlowStoreOptions {
  redis: RedisClient;
  /** Service-wide key prefix, e.g. "ivr:". */
  prefix: string;
  clock: Clock;
}

function num(v: string | undefined): number | undefined {
  return v === undefined || v === '' ? undefined : Number(v);
}

export class FlowStore {
  readonly keys: FlowKeys;
  private readonly redis: RedisClient;
  private readonly clock: Clock;

  constructor(options: FlowStoreOptions) {
    this.redis = options.redis;
    this.clock = options.clock;
    this.keys = flowKeys(options.prefix);
    defineFlowScripts(this.redis);
  }

  /** Stores `doc` as a version of flow `doc.id` (already validated by the caller). */
  async save(doc: FlowDocument, options: { source: VersionSource; author?: string; mode: SaveMode; markValid?: boolean }): Promise<SaveResult> {
    this.checkId(doc.id);
    const hash = contentHash(doc);
    const now = this.clock.now();
    const record: StoredRecord = { createdAt: now, source: options.source, hash, doc, ...(options.author ? { author: options.author } : {}) };
    const k = this.keys;
    const [version, created, published] = await this.redis.ivrFlowSaveVersion(
      k.index, k.meta(doc.id), k.versions(doc.id), k.hashes(doc.id),
      doc.id, hash, JSON.stringify(record), now, doc.name, k.channel, options.mode, options.markValid ? '1' : '0',
    );
    return { version: Number(version), created: created === 1, published: published === 1 };
  }

  /** Makes `version` live (or, without a version, the one live before the current). Returns the live version. */
  async publish(flowId: string, version?: number): Promise<number> {
    this.checkId(flowId);
    const r = await this.redis.ivrFlowPublish(this.keys.meta(flowId), this.keys.versions(flowId), flowId, version === undefined ? '' : String(version), this.clock.now(), this.keys.channel);
    if (r === -1) {
      if (!(await this.exists(flowId))) throw new FlowStoreError('FLOW_NOT_FOUND', `no flow ${flowId}`);
      throw new FlowStoreError('VERSION_NOT_FOUND', `flow ${flowId} has no version ${version}`);
    }
    if (r === -2) {
      if (!(await this.exists(flowId))) throw new FlowStoreError('FLOW_NOT_FOUND', `no flow ${flowId}`);
      throw new FlowStoreError('NO_PREVIOUS_VERSION', `flow ${flowId} has no earlier published version`);
    }
    return Number(r);
  }

  /** Deletes the flow and all its versions. False when there was no such flow; FlowRoutedError while a number routes to it. */
  async delete(flowId: string): Promise<boolean> {
    this.checkId(flowId);
    const k = this.keys;
    const [code, did] = await this.redis.ivrFlowDelete(k.index, k.meta(flowId), k.versions(flowId), k.hashes(flowId), k.routes, flowId, k.channel);
    if (code === -1) throw new FlowRoutedError(flowId, did);
    return code === 1;
  }

  /** Records that the flow's source file is invalid; the published version keeps serving. */
  async reportInvalid(flowId: string, file: string, issues: FlowIssue[]): Promise<void> {
    this.checkId(flowId);
    await this.redis.ivrFlowSetStatus(this.keys.index, this.keys.meta(flowId), flowId, JSON.stringify(issues), file, this.clock.now(), this.keys.channel);
  }

  async exists(flowId: string): Promise<boolean> {
    if (!isFlowId(flowId)) return false;
    return (await this.redis.sismember(this.keys.index, flowId)) === 1;
  }

  async ids(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.index)).sort();
  }

  async summary(flowId: string): Promise<FlowSummary | undefined> {
    if (!(await this.exists(flowId))) return undefined;
    return this.toSummary(flowId, await this.redis.hgetall(this.keys.meta(flowId)));
  }

  async list(): Promise<FlowSummary[]> {
    const ids = await this.ids();
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.keys.meta(id));
    const results = (await pipe.exec()) ?? [];
    return ids.map((id, i) => {
      const [err, meta] = results[i] ?? [null, {}];
      if (err) throw err;
      return this.toSummary(id, meta as Record<string, string>);
    });
  }

  async getVersion(flowId: string, version: number): Promise<FlowVersion | undefined> {
    if (!isFlowId(flowId)) return undefined;
    const raw = await this.redis.hget(this.keys.versions(flowId), String(version));
    return raw === null ? undefined : this.toVersion(flowId, version, raw);
  }

  /** Versions of a flow, newest first, without their documents. */
  async listVersions(flowId: string): Promise<Array<Omit<FlowVersion, 'doc'>>> {
    if (!isFlowId(flowId)) return [];
    const all = await this.redis.hgetall(this.keys.versions(flowId));
    return Object.entries(all)
      .map(([v, raw]) => {
        const { doc: _doc, ...rest } = this.toVersion(flowId, Number(v), raw);
        return rest;
      })
      .sort((a, b) => b.version - a.version);
  }

  async getPublished(flowId: string): Promise<FlowVersion | undefined> {
    if (!isFlowId(flowId)) return undefined;
    const v = await this.redis.hget(this.keys.meta(flowId), 'published');
    return v === null ? undefined : this.getVersion(flowId, Number(v));
  }

  /** Every published flow with its live version (for a registry's full load). */
  async allPublished(): Promise<FlowVersion[]> {
    const ids = await this.ids();
    const out: FlowVersion[] = [];
    for (const id of ids) {
      const v = await this.getPublished(id);
      if (v) out.push(v);
    }
    return out;
  }

  /** Content hashes already stored for a flow (hash → version). */
  async knownHashes(flowId: string): Promise<Map<string, number>> {
    if (!isFlowId(flowId)) return new Map();
    const all = await this.redis.hgetall(this.keys.hashes(flowId));
    return new Map(Object.entries(all).map(([h, v]) => [h, Number(v)]));
  }

  /** Parses a channel message; undefined for anything malformed. */
  static parseEvent(message: string): FlowEvent | undefined {
    try {
      const e = JSON.parse(message) as Partial<FlowEvent>;
      if (typeof e.flowId !== 'string') return undefined;
      if (e.type === 'published' && typeof e.version === 'number') return { type: 'published', flowId: e.flowId, version: e.version };
      if (e.type === 'deleted' || e.type === 'status') return { type: e.type, flowId: e.flowId };
      return undefined;
    } catch {
      return undefined;
    }
  }

  private toSummary(id: string, meta: Record<string, string>): FlowSummary {
    let issues: FlowIssue[] = [];
    if (meta.issues) {
      try {
        issues = JSON.parse(meta.issues) as FlowIssue[];
      } catch {
        issues = [{ file: meta.statusFile ?? id, pointer: '', message: 'stored issues are unreadable', severity: 'error' }];
      }
    }
    return {
      id,
      name: meta.name,
      publishedVersion: num(meta.published),
      latestVersion: num(meta.latest),
      previousVersion: num(meta.previous),
      updatedAt: num(meta.updatedAt),
      publishedAt: num(meta.publishedAt),
      status: meta.status === 'invalid' ? 'invalid' : 'ok',
      statusAt: num(meta.statusAt),
      statusFile: meta.statusFile,
      issues,
    };
  }

  private toVersion(flowId: string, version: number, raw: string): FlowVersion {
    const r = JSON.parse(raw) as StoredRecord;
    return { flowId, version, createdAt: r.createdAt, source: r.source, hash: r.hash, doc: r.doc, ...(r.author ? { author: r.author } : {}) };
  }

  private checkId(flowId: string): void {
    if (!isFlowId(flowId)) throw new FlowStoreError('INVALID_ID', 'flow id must be a letter followed by letters, digits, _ or - (at most 64)');
  }
}
