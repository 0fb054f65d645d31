/**
 * What the flow language knows about a node type: its schema (data), its exits
 * and its static checks. The engine's handler for the same type lives in
 * src/engine/nodes/<type>.ts (definition apart from interpreter, as XState does).
 */
import type { Static, TObject } from '@sinclair/typebox';
import type { LocalizedText, PromptSpec } from './common.ts';

/** An exit of a node: its name (what the handler returns), its target node, and where it is written. */
export interface ExitRef {
  /** e.g. "next", "noinput", "nomatch", "error", "timeout", "choice:0", "key:1" */
  name: string;
  target: string;
  /** JSON pointer relative to the node, e.g. "/choices/2/next". */
  pointer: string;
}

/** A place in a node that holds caller-facing content. */
export interface PromptRef {
  pointer: string;
  prompt: PromptSpec;
}

export interface TextRef {
  pointer: string;
  text: LocalizedText;
}

export interface FlowIssue {
  /** File name as given to the loader, or the flow id when not from a file. */
  file: string;
  /** JSON pointer into the flow document, e.g. /nodes/billing/choices/2/next */
  pointer: string;
  message: string;
  severity: 'error' | 'warning';
}

/** Allow-list of transfer/dial destinations (toll-fraud protection). */
export interface DestinationPolicy {
  /** True when `target` (after templating) may be called. */
  allows(target: string): boolean;
  /** Human description for error messages. */
  describe(): string;
}

/** What flow checks need to know of a configured ACD queue (a QueueConfig satisfies it). */
export interface QueueFacts {
  /** Most callers waiting; 0 = no limit. */
  readonly maxLength: number;
}

/** What static checks may ask about the world outside the flow. */
export interface CheckContext {
  /** Languages the flow declares; every caller-facing text must exist in each. */
  languages: readonly string[];
  /** Ids of every known flow (for subflow/goto). */
  flowIds: ReadonlySet<string>;
  /** Known queues by id, when queues are configured (undefined: not checked). */
  queues?: ReadonlyMap<string, QueueFacts>;
  transferPolicy: DestinationPolicy;
  /** True when the audio file exists (path as written in the flow, per language resolved). */
  audioExists(path: string): boolean;
  /** Reports a problem at a pointer relative to the node. */
  report(pointer: string, message: string, severity?: 'error' | 'warning'): void;
}

export interface NodeDefinition<S extends TObject = TObject> {
  type: string;
  schema: S;
  /** Every exit the node can take, with its target. */
  exits(node: Static<S>): ExitRef[];
  /** True when running the node always waits for the caller or plays audio (so a loop through it cannot spin). */
  waitsForCaller(node: Static<S>): boolean;
  /** Every prompt in the node (checked for languages, templates and audio files). */
  prompts?(node: Static<S>): PromptRef[];
  /** Other caller-facing texts (e.g. spoken phrases per language). */
  texts?(node: Static<S>): TextRef[];
  /** Checks beyond the schema and the graph (allow-list, subflow ids, queue ids...). */
  check?(node: Static<S>, ctx: CheckContext): void;
}

export function defineNode<S extends TObject>(def: NodeDefinition<S>): NodeDefinition<S> {
  return def;
}

/** Exit refs for the optional standard exits present on a node. */
export function standardExits(node: Record<string, unknown>, names: readonly string[]): ExitRef[] {
  const out: ExitRef[] = [];
  for (const name of names) {
    const v = node[name];
    if (typeof v === 'string') out.push({ name, target: v, pointer: `/${name}` });
  }
  return out;
}
