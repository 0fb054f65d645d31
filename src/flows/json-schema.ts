/** The published JSON Schema of flow files (ivr-flows/flow.schema.json), generated from the TypeBox source. */
import { FlowDocumentSchema } from './flow-schema.ts';

export function flowJsonSchema(): Record<string, unknown> {
  // JSON round trip drops TypeBox's symbol keys, leaving plain JSON Schema.
  const schema = JSON.parse(JSON.stringify(FlowDocumentSchema)) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...schema };
}

export function flowJsonSchemaText(): string {
  return JSON.stringify(flowJsonSchema(), null, 2) + '\n';
}
