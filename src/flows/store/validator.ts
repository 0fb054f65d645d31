/**
 * The flow validator used by the store's folder watcher and the API: the same
 * checks as `ivr flows check` (schema, graph, languages, templates, audio
 * files, transfer allow-list, queue ids).
 */
import type { DestinationPolicy, QueueFacts } from '../node-definition.ts';
import { audioCheckerFor } from '../loader.ts';
import { validateFlowDocument } from '../validate.ts';
import type { FlowValidator } from './watcher.ts';

export interface FlowValidatorOptions {
  transferPolicy: DestinationPolicy;
  /** ivr-flows/audio */
  audioDir: string;
  /** Known queues now (undefined: not checked). */
  queues?: () => ReadonlyMap<string, QueueFacts> | undefined;
}

export function createFlowValidator(options: FlowValidatorOptions): FlowValidator {
  const audioExists = audioCheckerFor(options.audioDir);
  return (doc, { file, flowIds }) => {
    const queues = options.queues?.();
    return validateFlowDocument(doc, {
      file,
      flowIds,
      ...(queues ? { queues } : {}),
      transferPolicy: options.transferPolicy,
      audioExists,
    });
  };
}
