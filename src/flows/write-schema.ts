/** `npm run schema:write`: regenerates ivr-flows/flow.schema.json. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { flowJsonSchemaText } from './json-schema.ts';

const target = fileURLToPath(new URL('../../ivr-flows/flow.schema.json', import.meta.url));
writeFileSync(target, flowJsonSchemaText());
console.log(`wrote ${target}`);
