import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flowJsonSchemaText } from '../../src/flows/json-schema.ts';

describe('published flow schema', () => {
  it('ivr-flows/flow.schema.json is up to date with the schema in code (run `npm run schema:write`)', () => {
    const published = readFileSync(new URL('../../ivr-flows/flow.schema.json', import.meta.url), 'utf8');
    expect(published).toBe(flowJsonSchemaText());
  });
});
