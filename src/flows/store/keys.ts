/**
 * Every Redis key and channel of the flow store and the routing table, built
 * in one place. `prefix` is the service-wide key prefix (e.g. "ivr:").
 *
 * | key | type | holds |
 * |---|---|---|
 * | {p}flows:index | set | ids of every known flow (stored, or reported invalid from a file) |
 * | {p}flow:{id}:meta | hash | latest, published, previous (version numbers), name, updatedAt, status (ok/invalid), issues (JSON), statusAt, statusSource |
 * | {p}flow:{id}:versions | hash | version number → JSON {doc, hash, createdAt, source, author?} (immutable) |
 * | {p}flow:{id}:hashes | hash | content hash → version number (saving identical content reuses the version) |
 * | {p}routes | hash | dialed number (DID, or "*" for the default) → flow id |
 * | {p}flows:events | pub/sub channel | JSON FlowEvent: a flow was published, deleted or its status changed |
 */
export interface FlowKeys {
  index: string;
  meta(flowId: string): string;
  versions(flowId: string): string;
  hashes(flowId: string): string;
  routes: string;
  channel: string;
}

export function flowKeys(prefix: string): FlowKeys {
  return {
    index: `${prefix}flows:index`,
    meta: (id) => `${prefix}flow:${id}:meta`,
    versions: (id) => `${prefix}flow:${id}:versions`,
    hashes: (id) => `${prefix}flow:${id}:hashes`,
    routes: `${prefix}routes`,
    channel: `${prefix}flows:events`,
  };
}

/** What instances tell each other on the channel. */
export type FlowEvent =
  | { type: 'published'; flowId: string; version: number }
  | { type: 'deleted'; flowId: string }
  | { type: 'status'; flowId: string };
