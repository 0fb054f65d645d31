/** `npm run schema:write`: regenerates ivr-flows/flow.schema.json and the ACD's ivr-flows/acd/*.schema.json. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { flowJsonSchemaText } from './json-schema.ts';
import { acdSchemas } from '../acd/schema.ts';

const out = (rel: string, text: string): void => {
  const target = fileURLToPath(new URL(`../../ivr-flows/${rel}`, import.meta.url));
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
};
out('flow.schema.json', flowJsonSchemaText());
const acd = acdSchemas();
out('acd/queues.schema.json', `${JSON.stringify(acd.queues, null, 2)}\n`);
out('acd/agents.schema.json', `${JSON.stringify(acd.agents, null, 2)}\n`);
