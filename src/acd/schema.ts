/** JSON Schemas of the ACD configuration files (ivr-flows/acd/*.schema.json), from the TypeBox source. */
import { AgentsFile, QueuesFile } from './model.ts';

export function acdSchemas(): { queues: unknown; agents: unknown } {
  const plain = (s: unknown): unknown => JSON.parse(JSON.stringify(s));
  return {
    queues: { $schema: 'http://json-schema.org/draft-07/schema#', ...(plain(QueuesFile) as object) },
    agents: { $schema: 'http://json-schema.org/draft-07/schema#', ...(plain(AgentsFile) as object) },
  };
}
