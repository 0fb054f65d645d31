/** Typed failures of the flow store and routing table. Branch on `code`. */
import type { FlowIssue } from '../node-definition.ts';

export type FlowStoreErrorCode =
  | 'FLOW_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'NO_PREVIOUS_VERSION'
  | 'FLOW_ROUTED'
  | 'FLOW_INVALID'
  | 'FLOW_ID_MISMATCH'
  | 'FLOW_NOT_PUBLISHED'
  | 'INVALID_ID';

export class FlowStoreError extends Error {
  constructor(
    readonly code: FlowStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FlowStoreError';
  }
}

/** The flow did not pass validation; `issues` lists every problem with its JSON pointer. */
export class FlowInvalidError extends FlowStoreError {
  constructor(
    readonly flowId: string,
    readonly issues: FlowIssue[],
  ) {
    super('FLOW_INVALID', `flow ${flowId} is invalid (${issues.filter((i) => i.severity === 'error').length} errors)`);
    this.name = 'FlowInvalidError';
  }
}

/** A dialed number routes to the flow, so it cannot be deleted. */
export class FlowRoutedError extends FlowStoreError {
  constructor(
    readonly flowId: string,
    readonly did: string,
  ) {
    super('FLOW_ROUTED', `flow ${flowId} cannot be deleted: number ${did} routes to it`);
    this.name = 'FlowRoutedError';
  }
}
