import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import type { HttpNode } from '../../src/flows/nodes/http.ts';
import { createFetchHttpClient, MAX_RESPONSE_BYTES } from '../../src/engine/nodes/http.ts';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { stubbedHttp } from '../../src/engine/http-stub.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
/** Resolvers waiting for a request to /hang (the test then controls time). */
let hangArrived: Array<(info: { closed: Promise<void> }) => void> = [];

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', base);
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  switch (url.pathname) {
    case '/customers':
      json(200, { customer: { name: 'Jan Kowalski', phone: url.searchParams.get('phone') }, items: [{ id: 7 }, { id: 9 }] });
      return;
    case '/tickets':
      json(201, { ticket: { id: 'T-1' }, received: JSON.parse(body || 'null') });
      return;
    case '/missing':
      json(404, { error: 'no such customer' });
      return;
    case '/text':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello');
      return;
    case '/big': {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'x'.repeat(64 * 1024);
      res.write('"');
      for (let i = 0; i < 20; i++) res.write(chunk);
      res.end('"');
      return;
    }
    case '/redirect':
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
      res.end();
      return;
    case '/hang': {
      const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
      const waiters = hangArrived;
      hangArrived = [];
      for (const w of waiters) w({ closed });
      return; // never answers
    }
    default:
      json(500, { error: 'unexpected path' });
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const http = createFetchHttpClient();

function httpFlow(node: Partial<HttpNode>): FlowDocument {
  return flowOf({
    lookup: {
      type: 'http',
      url: `${base}/customers?phone={{caller.number}}`,
      next: 'found',
      error: 'failed',
      timeout: 'slow',
      ...node,
    },
    found: { type: 'hangup', prompt: 'Dzień dobry {{vars.name}}' },
    failed: { type: 'hangup', prompt: 'Nie możemy sprawdzić danych' },
    slow: { type: 'hangup', prompt: 'System odpowiada zbyt wolno' },
  });
}

const lastRequest = (): Seen => seen[seen.length - 1]!;

/** Waits for the request to reach the server; fails at once if the flow ends first (e.g. it failed validation). */
function whenArrived<T>(arrived: Promise<{ closed: Promise<void> }>, run: Promise<T>): Promise<{ closed: Promise<void> }> {
  return Promise.race([
    arrived,
    run.then(() => {
      throw new Error('the flow ended before the request reached the server');
    }),
  ]);
}

describe('http node', () => {
  it('GETs with a templated, percent-encoded URL and headers, and maps response fields into variables', async () => {
    const r = await runScenario({
      flow: httpFlow({
        headers: { 'X-Caller': '{{caller.number}}', Authorization: { value: 'Bearer {{vars.token}}', secret: true } },
        responseVars: { name: 'customer.name', firstItem: 'items.0.id', second: 'items.1.id', missing: 'customer.email' },
        statusVariable: 'status',
      }),
      vars: { token: 's3cr3t' },
      from: '+48600100200',
      services: { http },
    });
    expect(lastRequest().url).toBe('/customers?phone=%2B48600100200');
    expect(lastRequest().headers['x-caller']).toBe('+48600100200');
    expect(lastRequest().headers.authorization).toBe('Bearer s3cr3t');
    expect(r.vars).toMatchObject({ name: 'Jan Kowalski', firstItem: 7, second: 9, missing: null, status: 200 });
    expect(r.path).toEqual(['lookup', 'found']);
    expect(r.heard).toEqual(['tts[pl]: Dzień dobry Jan Kowalski']);
  });

  it('POSTs a JSON body whose strings are templates', async () => {
    const r = await runScenario({
      flow: httpFlow({
        method: 'POST',
        url: `${base}/tickets`,
        body: { caller: '{{caller.number}}', account: '{{vars.account}}', urgent: true, tags: ['ivr', '{{call.language}}'] },
        responseVars: { name: 'ticket.id' },
      }),
      vars: { account: '12345678' },
      from: '+48600100200',
      services: { http },
    });
    expect(lastRequest().method).toBe('POST');
    expect(lastRequest().headers['content-type']).toBe('application/json');
    expect(JSON.parse(lastRequest().body)).toEqual({ caller: '+48600100200', account: '12345678', urgent: true, tags: ['ivr', 'pl'] });
    expect(r.vars.name).toBe('T-1');
    expect(r.path).toEqual(['lookup', 'found']);
  });

  it('takes error on a non-2xx status, with the status in a variable', async () => {
    const r = await runScenario({ flow: httpFlow({ url: `${base}/missing`, statusVariable: 'status' }), services: { http } });
    expect(r.vars.status).toBe(404);
    expect(r.path).toEqual(['lookup', 'failed']);
    expect(r.heard).toEqual(['tts[pl]: Nie możemy sprawdzić danych']);
    expect(r.trace[0]?.detail).toBe(`HttpNodeError: GET ${base}/missing answered 404`);
  });

  it('takes error when fields are to be read from a response that is not JSON', async () => {
    const r = await runScenario({ flow: httpFlow({ url: `${base}/text`, responseVars: { name: 'customer.name' } }), services: { http } });
    expect(r.path).toEqual(['lookup', 'failed']);
    expect(r.vars.name).toBeUndefined();
  });

  it('takes error on a response larger than the cap', async () => {
    const r = await runScenario({ flow: httpFlow({ url: `${base}/big` }), services: { http } });
    expect(r.path).toEqual(['lookup', 'failed']);
    expect(r.trace[0]?.detail).toBe(`HttpNodeError: GET ${base}/big: response larger than ${MAX_RESPONSE_BYTES} bytes`);
  });

  it('does not follow redirects', async () => {
    const r = await runScenario({ flow: httpFlow({ url: `${base}/redirect`, statusVariable: 'status' }), services: { http } });
    expect(r.vars.status).toBe(302);
    expect(r.path).toEqual(['lookup', 'failed']);
  });

  it('takes error when the service cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await runScenario({ flow: httpFlow({ url: `http://127.0.0.1:${port}/customers` }), services: { http } });
    expect(r.path).toEqual(['lookup', 'failed']);
    expect(r.trace[0]?.detail).toMatch(/^HttpNodeError: GET http:\/\/127\.0\.0\.1:\d+\/customers failed/);
  });

  it('takes timeout when the service does not answer in time, and drops the request', async () => {
    const clock = new VirtualClock();
    const stop = clock.startAuto();
    try {
      const arrived = new Promise<{ closed: Promise<void> }>((resolve) => hangArrived.push(resolve));
      const run = runScenario({ flow: httpFlow({ url: `${base}/hang`, timeoutSeconds: 3 }), services: { http }, clock });
      const { closed } = await whenArrived(arrived, run);
      // Real I/O is in flight, so auto-advance holds the virtual clock still; move it past the timeout.
      await clock.advance(3000);
      const r = await run;
      expect(r.path).toEqual(['lookup', 'slow']);
      expect(r.heard).toEqual(['tts[pl]: System odpowiada zbyt wolno']);
      await closed; // the server saw the request go away: nothing is left running
    } finally {
      stop();
    }
  });

  it('takes error on a timeout when there is no timeout exit', async () => {
    const clock = new VirtualClock();
    const stop = clock.startAuto();
    try {
      const arrived = new Promise<{ closed: Promise<void> }>((resolve) => hangArrived.push(resolve));
      const flow = flowOf({
        lookup: { type: 'http', url: `${base}/hang`, next: 'found', error: 'failed' },
        found: { type: 'hangup', prompt: 'Dzień dobry' },
        failed: { type: 'hangup', prompt: 'Nie możemy sprawdzić danych' },
      });
      const run = runScenario({ flow, services: { http }, clock });
      await whenArrived(arrived, run);
      await clock.advance(5000);
      const r = await run;
      expect(r.path).toEqual(['lookup', 'failed']);
      expect(r.trace[0]?.detail).toBe(`HttpNodeError: GET ${base}/hang: no answer within 5000 ms`);
    } finally {
      stop();
    }
  });

  it('with an in-process client (canned answers), a request that never answers reaches its timeout in auto mode', async () => {
    const client = Object.assign(stubbedHttp([{ url: '*', hang: true }]).client, { inProcess: true });
    const r = await runScenario({ flow: httpFlow({ url: 'https://crm.example.com/customers' }), services: { http: client } });
    expect(r.path).toEqual(['lookup', 'slow']);
  });

  it('plays the wait prompt while waiting and cuts it off when the answer arrives', async () => {
    const r = await runScenario({
      flow: httpFlow({ waitPrompt: 'Chwileczkę, sprawdzam dane', responseVars: { name: 'customer.name' } }),
      services: { http },
    });
    expect(r.heard).toEqual(['tts[pl]: Chwileczkę, sprawdzam dane', 'tts[pl]: Dzień dobry Jan Kowalski']);
    expect(r.call.heard[0]?.interrupted).toBe(true);
    expect(r.path).toEqual(['lookup', 'found']);
  });

  it('plays the wait prompt, then the timeout exit, when the answer never comes', async () => {
    const client = Object.assign(stubbedHttp([{ url: '*', hang: true }]).client, { inProcess: true });
    const r = await runScenario({ flow: httpFlow({ url: 'https://crm.example.com/customers', waitPrompt: 'Chwileczkę' }), services: { http: client } });
    expect(r.heard).toEqual(['tts[pl]: Chwileczkę', 'tts[pl]: System odpowiada zbyt wolno']);
    expect(r.path).toEqual(['lookup', 'slow']);
  });

  it('refuses a templated host at run time too (a flow that skipped validation), sending nothing', async () => {
    const before = seen.length;
    const r = await runScenario({ flow: httpFlow({ url: '{{vars.crm}}/customers' }), vars: { crm: base }, services: { http }, skipValidation: true });
    expect(r.path).toEqual(['lookup', 'failed']);
    expect(seen.length).toBe(before);
  });

  it('stops the request at once when the caller hangs up', async () => {
    const arrived = new Promise<{ closed: Promise<void> }>((resolve) => hangArrived.push(resolve));
    const run = runScenario({
      flow: httpFlow({ url: `${base}/hang` }),
      services: { http },
      onCall: (_call, party) => {
        void arrived.then(() => party.hangup());
      },
    });
    const { closed } = await whenArrived(arrived, run);
    const r = await run;
    expect(r.ended).toBe('hangup');
    expect(r.heard).toEqual([]);
    await closed;
  });

  it('never logs secret header values', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    await runScenario({
      flow: httpFlow({ headers: { 'X-Token': { value: '{{vars.token}}', secret: true }, Cookie: 'sid={{vars.token}}', 'X-Plain': 'visible' } }),
      vars: { token: 'tok-123456' },
      services: { http },
      logger: pino({ level: 'debug' }, sink),
    });
    const all = lines.join('');
    expect(all).toContain('visible');
    expect(all).toContain('[secret]');
    expect(all).not.toContain('tok-123456');
    expect(all).not.toContain('phone=');
  });
});

describe('http node: validation', () => {
  const check = (node: Partial<HttpNode>): string[] =>
    validateFlowDocument(httpFlow(node), { file: 'main.json', flowIds: new Set(), transferPolicy: denyAllDestinations, audioExists: () => true }).issues.map(formatIssue);

  it('accepts a good node', () => {
    expect(check({})).toEqual([]);
  });

  it('requires the scheme and host to be literal', () => {
    expect(check({ url: '{{vars.crm}}/customers' })).toEqual([
      'main.json: /nodes/lookup/url: the scheme and host of the URL must be written literally; templates may only follow the host (e.g. https://crm.example.com/{{vars.path}})',
    ]);
    expect(check({ url: 'https://{{vars.host}}.example.com/x' })).toHaveLength(1);
  });

  it('refuses other schemes, credentials in the URL and bodies on GET', () => {
    expect(check({ url: 'ftp://files.example.com/x' })).toEqual(['main.json: /nodes/lookup/url: only http: and https: URLs can be called, not ftp:']);
    expect(check({ url: 'https://user:pw@crm.example.com/x' })).toEqual(['main.json: /nodes/lookup/url: do not put credentials in the URL: use a header marked secret']);
    expect(check({ body: { a: 1 } })).toEqual(['main.json: /nodes/lookup/body: a GET request cannot have a body: use "method": "POST" (or PUT, PATCH)']);
  });

  it('checks templates in headers and body', () => {
    expect(check({ method: 'POST', headers: { 'X-A': '{{caler.number}}' }, body: { nested: ['{{vars.ok}}', '{{foo}}'] } })).toEqual([
      'main.json: /nodes/lookup/headers/X-A: template "{{caler.number}}" reads "caler", which does not exist (use vars, caller, call, headers)',
      'main.json: /nodes/lookup/body/nested/1: template "{{foo}}" reads "foo", which does not exist (use vars, caller, call, headers)',
    ]);
  });

  it('limits the timeout to 30 seconds in the schema', () => {
    const issues = check({ timeoutSeconds: 60 });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^main\.json: \/nodes\/lookup\/timeoutSeconds: /);
  });
});
