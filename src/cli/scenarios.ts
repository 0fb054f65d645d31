/**
 * Scenario files for `ivr flows test`: ivr-flows/tests/*.json. Each file names
 * a flow and lists scenarios: caller input step by step, canned HTTP answers,
 * the virtual time of the call, and what is expected (path, prompts heard,
 * variables, how the call ended). Every failed expectation is reported with
 * the file and the JSON pointer of the expectation.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { readFile } from 'node:fs/promises';
import type { FlowDocument } from '../flows/flow-schema.ts';
import type { DestinationPolicy } from '../flows/node-definition.ts';
import { Obj } from '../flows/common.ts';
import { parseCallerAction, InputSyntaxError } from '../telephony/sim/input-syntax.ts';
import type { CallerAction } from '../telephony/sim/caller-script.ts';
import { simulateFlow, type SimulationResult } from '../engine/simulate.ts';
import { stubbedHttp } from '../engine/http-stub.ts';
import { ScriptedCallbackService, ScriptedQueueService, type CallbackScript, type QueueScript } from '../engine/scripted-services.ts';
import { VirtualClock } from '../util/virtual-clock.ts';
import type { JsonValue } from '../engine/context.ts';
import { parseFlowJson } from '../flows/loader.ts';

const Json = Type.Unsafe<JsonValue>({ description: 'any JSON value' });

const CannedResponse = Obj({
  method: Type.Optional(Type.String({ description: 'HTTP method, default GET' })),
  url: Type.String({ minLength: 1, description: 'URL after templating; a trailing * matches a prefix' }),
  status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
  body: Type.Optional(Json),
  hang: Type.Optional(Type.Boolean({ description: 'never answer (tests the timeout)' })),
});

const QueueScriptSchema = Obj(
  {
    outcome: Type.Union(['served', 'timeout', 'full', 'noagents', 'key', 'callback', 'hangup'].map((o) => Type.Literal(o)), {
      description: 'what happens in the queue',
    }),
    waitSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400, description: 'seconds of music on hold first (default 30; 0 for full and noagents)' })),
    agent: Type.Optional(Type.String({ minLength: 1, description: 'agent who answers (served)' })),
    talkSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400, description: 'seconds the agent talks before hanging up (served, default 120)' })),
    key: Type.Optional(Type.String({ pattern: '^[0-9*#]$', description: 'exit key pressed (outcome key)' })),
  },
  { description: 'Scripted outcome of a queue node (no Redis needed)' },
);

const CallbackScriptSchema = Obj(
  {
    outcome: Type.Union(['accepted', 'declined', 'failed'].map((o) => Type.Literal(o)), { description: 'what the caller does when offered or asking for a call-back' }),
    waitIsShort: Type.Optional(Type.Boolean({ description: 'the estimated wait is short: offers with a wait threshold are not made' })),
    number: Type.Optional(Type.String({ minLength: 1 })),
  },
  { description: 'Scripted outcome of callback nodes (no Redis needed)' },
);

const Expectation = Obj({
  path: Type.Optional(Type.Array(Type.String(), { description: 'exact list of node ids visited' })),
  pathIncludes: Type.Optional(Type.Array(Type.String(), { description: 'node ids visited, in this order, others may come between' })),
  pathExcludes: Type.Optional(Type.Array(Type.String())),
  heard: Type.Optional(Type.Array(Type.String(), { description: 'exact list of prompts heard' })),
  heardIncludes: Type.Optional(Type.Array(Type.String(), { description: 'substrings of prompts heard, in this order' })),
  vars: Type.Optional(Type.Record(Type.String(), Json, { description: 'variables that must have these values at the end' })),
  ended: Type.Optional(Type.Union([Type.Literal('hangup'), Type.Literal('transferred'), Type.Literal('completed'), Type.Literal('error')])),
  language: Type.Optional(Type.String()),
  recordings: Type.Optional(Type.Integer({ minimum: 0, description: 'number of recordings made' })),
  queued: Type.Optional(Type.Array(Type.String(), { description: 'queues entered, in order' })),
  callbackOffers: Type.Optional(Type.Integer({ minimum: 0, description: 'number of call-back offers made (callback nodes run)' })),
});

const Scenario = Obj({
  name: Type.String({ minLength: 1 }),
  language: Type.Optional(Type.String()),
  from: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  vars: Type.Optional(Type.Record(Type.String(), Json)),
  now: Type.Optional(Type.String({ description: 'ISO date-time of the call, e.g. 2026-01-05T10:00:00+01:00' })),
  http: Type.Optional(Type.Array(CannedResponse)),
  queues: Type.Optional(Type.Record(Type.String(), QueueScriptSchema, { description: 'scripted outcome per queue id' })),
  callback: Type.Optional(CallbackScriptSchema),
  input: Type.Array(Type.String(), { description: 'caller input steps: "1", "123#", "say:rozliczenia", "say:tak@0.3", "silence", "speak:5#", "hangup"' }),
  expect: Expectation,
});

export const ScenarioFileSchema = Obj({
  $schema: Type.Optional(Type.String()),
  flow: Type.String({ minLength: 1, description: 'id of the flow under test' }),
  scenarios: Type.Array(Scenario, { minItems: 1 }),
});
export type ScenarioFile = Static<typeof ScenarioFileSchema>;
type ScenarioSpec = Static<typeof Scenario>;

const validateScenarioFile = new Ajv({ allErrors: true, strict: false }).compile(ScenarioFileSchema);

export interface ScenarioFailure {
  file: string;
  scenario: string;
  pointer: string;
  message: string;
}

export interface ScenarioRun {
  file: string;
  name: string;
  passed: boolean;
  failures: ScenarioFailure[];
  result?: SimulationResult;
}

export async function readScenarioFile(file: string): Promise<{ spec?: ScenarioFile; failures: ScenarioFailure[] }> {
  const { doc, issue } = parseFlowJson(await readFile(file, 'utf8'), file);
  if (issue) return { failures: [{ file, scenario: '', pointer: '', message: issue.message }] };
  if (!validateScenarioFile(doc)) {
    return {
      failures: (validateScenarioFile.errors ?? []).map((e) => ({
        file,
        scenario: '',
        pointer: e.instancePath || '/',
        message: e.keyword === 'additionalProperties' ? `unknown property "${String((e.params as { additionalProperty?: unknown }).additionalProperty)}"` : (e.message ?? e.keyword),
      })),
    };
  }
  return { spec: doc as ScenarioFile, failures: [] };
}

function inOrder(haystack: string[], needles: string[], match: (h: string, n: string) => boolean): string | undefined {
  let i = 0;
  for (const n of needles) {
    while (i < haystack.length && !match(haystack[i]!, n)) i++;
    if (i === haystack.length) return n;
    i++;
  }
  return undefined;
}

function same(a: JsonValue | undefined, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function runScenarioFile(
  file: string,
  flows: ReadonlyMap<string, FlowDocument>,
  transferPolicy: DestinationPolicy,
): Promise<{ runs: ScenarioRun[]; failures: ScenarioFailure[] }> {
  const { spec, failures } = await readScenarioFile(file);
  if (!spec) return { runs: [], failures };
  const flow = flows.get(spec.flow);
  if (!flow) return { runs: [], failures: [{ file, scenario: '', pointer: '/flow', message: `unknown or invalid flow "${spec.flow}"` }] };
  const runs: ScenarioRun[] = [];
  for (const [i, sc] of spec.scenarios.entries()) runs.push(await runOne(file, `/scenarios/${i}`, sc, flow, flows, transferPolicy));
  return { runs, failures: [] };
}

async function runOne(
  file: string,
  base: string,
  sc: ScenarioSpec,
  flow: FlowDocument,
  flows: ReadonlyMap<string, FlowDocument>,
  transferPolicy: DestinationPolicy,
): Promise<ScenarioRun> {
  const failures: ScenarioFailure[] = [];
  const fail = (pointer: string, message: string): void => {
    failures.push({ file, scenario: sc.name, pointer: base + pointer, message });
  };
  const input: CallerAction[] = [];
  for (const [i, step] of sc.input.entries()) {
    try {
      input.push(parseCallerAction(step));
    } catch (err) {
      fail(`/input/${i}`, err instanceof InputSyntaxError ? err.message : String(err));
    }
  }
  let start: number | undefined;
  if (sc.now !== undefined) {
    start = Date.parse(sc.now);
    if (Number.isNaN(start)) fail('/now', `"${sc.now}" is not an ISO date-time`);
  }
  if (failures.length) return { file, name: sc.name, passed: false, failures };
  const http = stubbedHttp(sc.http ?? []);
  const clock = new VirtualClock(start);
  const queues = new ScriptedQueueService((sc.queues ?? {}) as Record<string, QueueScript>, clock);
  const callbacks = new ScriptedCallbackService(sc.callback as CallbackScript | undefined);
  const stop = clock.startAuto();
  let result: SimulationResult;
  try {
    result = await simulateFlow({
      flow,
      flows: [...flows.values()],
      input,
      language: sc.language,
      from: sc.from,
      to: sc.to,
      headers: sc.headers,
      vars: sc.vars,
      clock,
      services: { http: http.client, transferPolicy, queues, callbacks },
    });
  } finally {
    stop();
  }
  for (const u of http.unmatched) fail('/http', `unexpected HTTP request ${u} (add a canned response)`);
  for (const q of queues.unscripted) fail('/queues', `the call entered queue "${q}", for which the scenario gives no outcome (add "queues": {"${q}": {"outcome": "served"}})`);
  const ex = sc.expect;
  const e = '/expect';
  if (ex.path && !same(result.path, ex.path)) fail(`${e}/path`, `path was ${JSON.stringify(result.path)}, expected ${JSON.stringify(ex.path)}`);
  if (ex.pathIncludes) {
    const missing = inOrder(result.path, ex.pathIncludes, (h, n) => h === n);
    if (missing !== undefined) fail(`${e}/pathIncludes`, `node "${missing}" not visited in the expected order; path was ${JSON.stringify(result.path)}`);
  }
  for (const n of ex.pathExcludes ?? []) if (result.path.includes(n)) fail(`${e}/pathExcludes`, `node "${n}" was visited; path was ${JSON.stringify(result.path)}`);
  if (ex.heard && !same(result.heard, ex.heard)) fail(`${e}/heard`, `heard ${JSON.stringify(result.heard, null, 1)}\nexpected ${JSON.stringify(ex.heard, null, 1)}`);
  if (ex.heardIncludes) {
    const missing = inOrder(result.heard, ex.heardIncludes, (h, n) => h.includes(n));
    if (missing !== undefined) fail(`${e}/heardIncludes`, `prompt containing "${missing}" not heard in the expected order; heard ${JSON.stringify(result.heard, null, 1)}`);
  }
  for (const [k, v] of Object.entries(ex.vars ?? {})) {
    if (!same(result.vars[k], v)) fail(`${e}/vars/${k}`, `variable ${k} was ${JSON.stringify(result.vars[k])}, expected ${JSON.stringify(v)}`);
  }
  if (ex.ended && result.ended !== ex.ended) fail(`${e}/ended`, `call ended by ${result.ended}, expected ${ex.ended}`);
  if (ex.language && result.state.language !== ex.language) fail(`${e}/language`, `language was ${result.state.language}, expected ${ex.language}`);
  const queued = queues.entered.map((q) => q.queueId);
  if (ex.queued && !same(queued, ex.queued)) fail(`${e}/queued`, `queues entered ${JSON.stringify(queued)}, expected ${JSON.stringify(ex.queued)}`);
  if (ex.callbackOffers !== undefined && callbacks.offers.length !== ex.callbackOffers) {
    fail(`${e}/callbackOffers`, `${callbacks.offers.length} call-back offer(s) made, expected ${ex.callbackOffers}`);
  }
  if (ex.recordings !== undefined && result.state.recordings.length !== ex.recordings) {
    fail(`${e}/recordings`, `${result.state.recordings.length} recordings made, expected ${ex.recordings}`);
  }
  return { file, name: sc.name, passed: failures.length === 0, failures, result };
}
