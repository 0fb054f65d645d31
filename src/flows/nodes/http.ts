/**
 * `http`: calls a web service (a CRM, a billing system) and maps fields of
 * its JSON response into variables. URL, headers and JSON body take templates;
 * values expanded into the URL are percent-encoded, and the URL's scheme and
 * host must be written literally (a variable can never redirect the request
 * to another server). 2xx takes `next`; another status, a network failure or
 * a bad response takes `error`; no answer within `timeoutSeconds` takes
 * `timeout` (else `error`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { NodeSchema, Exit, Obj, Prompts } from '../common.ts';
import { promptRefs } from './menu.ts';
import { defineNode, standardExits, type CheckContext } from '../node-definition.ts';
import { hasTemplate, templateProblems } from '../../lang/template.ts';

const VarName = { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' };
export const HEADER_NAME = '^[A-Za-z0-9!#$%&\'*+.^_`|~-]{1,100}$';
export const RESPONSE_PATH = '^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$';

const HeaderValue = Type.Union(
  [
    Type.String({ maxLength: 4000, description: 'Header value; templates allowed' }),
    Obj(
      {
        value: Type.String({ maxLength: 4000, description: 'Header value; templates allowed' }),
        secret: Type.Boolean({ description: 'Never log this value (tokens, keys)' }),
      },
      { description: 'A header value marked secret' },
    ),
  ],
  { description: 'A header value, or {"value": "...", "secret": true} for a value never to be logged' },
);

export const HttpNode = NodeSchema(
  'http',
  {
    method: Type.Optional(
      Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('PUT'), Type.Literal('PATCH'), Type.Literal('DELETE')], {
        default: 'GET',
        description: 'HTTP method. Default GET',
      }),
    ),
    url: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'http(s) URL; templates allowed after the host and are percent-encoded, e.g. "https://crm.example.com/customers?phone={{caller.number}}"',
    }),
    headers: Type.Optional(Type.Record(Type.String({ pattern: HEADER_NAME }), HeaderValue, { description: 'Request headers by name; Authorization, Cookie and X-Api-Key are always treated as secret' })),
    body: Type.Optional(Type.Unknown({ description: 'JSON body (sent with Content-Type: application/json); every string in it is a template' })),
    timeoutSeconds: Type.Optional(Type.Number({ minimum: 0.1, maximum: 30, default: 5, description: 'Give up after this many seconds (default 5, max 30)' })),
    responseVars: Type.Optional(
      Type.Record(Type.String(VarName), Type.String({ pattern: RESPONSE_PATH, description: 'Path into the JSON response, e.g. "customer.name" or "items.0.id"' }), {
        description: 'Variables to set from the JSON response: {"customerName": "customer.name"}; a missing field sets null',
      }),
    ),
    waitPrompt: Type.Optional(
      Type.Union(Prompts.anyOf, { description: 'Played while waiting for the answer ("One moment, please"); cut off as soon as the answer arrives' }),
    ),
    statusVariable: Type.Optional(Type.String({ ...VarName, description: 'Variable that receives the HTTP status code (also on non-2xx answers)' })),
    next: Exit,
    error: Type.Optional(Exit),
    timeout: Type.Optional(Type.String({ pattern: Exit.pattern, description: 'Node taken when the service does not answer in time (default: error)' })),
  },
  'Calls a web service with templated URL, headers and JSON body; maps response fields into variables.',
);
export type HttpNode = Static<typeof HttpNode>;

/** True when the URL's scheme and host are literal (templates, if any, come after the host). */
export function urlOriginIsLiteral(url: string): boolean {
  const prefix = url.split('{{')[0] ?? '';
  if (!hasTemplate(url)) return true;
  return /^https?:\/\/[^/?#{}]+[/?#]/i.test(prefix);
}

function checkUrl(url: string, ctx: CheckContext): void {
  const problems = templateProblems(url);
  for (const p of problems) ctx.report('/url', p);
  if (problems.length > 0) return;
  if (!urlOriginIsLiteral(url)) {
    ctx.report('/url', 'the scheme and host of the URL must be written literally; templates may only follow the host (e.g. https://crm.example.com/{{vars.path}})');
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/\{\{[^{}]*\}\}/g, 'x'));
  } catch {
    ctx.report('/url', `"${url}" is not a URL`);
    return;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ctx.report('/url', `only http: and https: URLs can be called, not ${parsed.protocol}`);
  if (parsed.username !== '' || parsed.password !== '') ctx.report('/url', 'do not put credentials in the URL: use a header marked secret');
}

function checkBody(value: unknown, pointer: string, ctx: CheckContext): void {
  if (typeof value === 'string') {
    for (const p of templateProblems(value)) ctx.report(pointer, p);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkBody(v, `${pointer}/${i}`, ctx));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) checkBody(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, ctx);
  }
}

export const httpDefinition = defineNode({
  type: 'http',
  schema: HttpNode,
  exits: (n) => standardExits(n, ['next', 'error', 'timeout']),
  waitsForCaller: () => false,
  prompts: (n) => promptRefs('waitPrompt', n.waitPrompt),
  check: (n, ctx) => {
    checkUrl(n.url, ctx);
    for (const [name, v] of Object.entries(n.headers ?? {})) {
      const value = typeof v === 'string' ? v : v.value;
      const pointer = typeof v === 'string' ? `/headers/${name}` : `/headers/${name}/value`;
      for (const p of templateProblems(value)) ctx.report(pointer, p);
      if (/[\r\n]/.test(value)) ctx.report(pointer, 'a header value may not contain line breaks');
    }
    if (n.body !== undefined) {
      if ((n.method ?? 'GET') === 'GET') ctx.report('/body', 'a GET request cannot have a body: use "method": "POST" (or PUT, PATCH)');
      checkBody(n.body, '/body', ctx);
    }
  },
});
