/**
 * Validation of a flow document: schema, graph (exit targets, reachability,
 * loops that can spin), and each node's own checks. Every issue names the
 * file and the JSON pointer.
 */
import type { FlowDocument } from './flow-schema.ts';
import type { CheckContext, FlowIssue } from './node-definition.ts';

export interface ValidateOptions {
  /** File name for messages (e.g. "ivr-flows/main.json"), or the flow id. */
  file: string;
  /** Ids of every other known flow (subflow/goto targets). */
  flowIds: ReadonlySet<string>;
  queueIds?: ReadonlySet<string>;
  transferPolicy: CheckContext['transferPolicy'];
  audioExists: (path: string) => boolean;
}

export interface ValidationResult {
  /** Present when there is no error (warnings allowed). */
  flow?: FlowDocument;
  issues: FlowIssue[];
}

export function validateFlowDocument(_doc: unknown, _options: ValidateOptions): ValidationResult {
  throw new Error('not implemented yet');
}

export function formatIssue(issue: FlowIssue): string {
  return `${issue.file}: ${issue.pointer || '/'}: ${issue.severity === 'warning' ? 'warning: ' : ''}${issue.message}`;
}
