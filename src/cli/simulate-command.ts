/**
 * `ivr simulate <flow>`: runs a flow on the simulated driver. With --input the
 * caller is scripted and the prompts heard and the path taken are printed
 * (--json for the whole trace); without it the terminal plays the caller.
 */
import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadFlowDirectory, loadFlowPaths } from '../flows/loader.ts';
import { formatIssue } from '../flows/validate.ts';
import type { FlowDocument } from '../flows/flow-schema.ts';
import { parseCallerInput, parseCallerAction, InputSyntaxError } from '../telephony/sim/input-syntax.ts';
import type { CallerAction } from '../telephony/sim/caller-script.ts';
import type { SimCall } from '../telephony/sim/sim-call.ts';
import type { SimParty } from '../telephony/sim/sim-party.ts';
import { simulateFlow, type SimulationResult } from '../engine/simulate.ts';
import { stubbedHttp, type CannedResponse } from '../engine/http-stub.ts';
import { ScriptedCallbackService, ScriptedQueueService, type CallbackScript, type QueueScript } from '../engine/scripted-services.ts';
import type { EngineServices } from '../engine/context.ts';
import { VirtualClock } from '../util/virtual-clock.ts';
import type { CliIo } from './main.ts';
import type { CliEnvironment } from './environment.ts';

export async function simulateCommand(args: string[], io: CliIo, env: CliEnvironment): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      flows: { type: 'string' },
      lang: { type: 'string' },
      input: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      now: { type: 'string' },
      http: { type: 'string' },
      queue: { type: 'string', multiple: true },
      callback: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const target = positionals[0];
  if (!target || positionals.length > 1) {
    io.err('ivr simulate: give exactly one flow (an id from the flows folder, or a file)');
    return 2;
  }
  const flowsDir = values.flows ? resolve(io.cwd, values.flows) : env.flowsDir;
  const loaded = existsSync(flowsDir) ? await loadFlowDirectory(flowsDir, { transferPolicy: env.transferPolicy, queues: env.queues }) : undefined;
  const flows = new Map<string, FlowDocument>([...(loaded?.flows ?? new Map())].map(([id, f]) => [id, f.flow]));
  let flow: FlowDocument | undefined;
  const asFile = resolve(io.cwd, target);
  if (target.endsWith('.json') && existsSync(asFile)) {
    const one = await loadFlowPaths([asFile], { transferPolicy: env.transferPolicy, queues: env.queues, extraFlowIds: flows.keys() });
    for (const i of one.issues) (i.severity === 'error' ? io.err : io.out)(formatIssue(i));
    flow = one.flows.get(basename(asFile, '.json'))?.flow;
    if (!flow) return 1;
  } else {
    flow = flows.get(target);
    if (!flow) {
      const bad = loaded?.issues.filter((i) => i.file.endsWith(`/${target}.json`) && i.severity === 'error') ?? [];
      if (bad.length) bad.forEach((i) => io.err(formatIssue(i)));
      else io.err(`ivr simulate: no valid flow "${target}" in ${flowsDir} (known: ${[...flows.keys()].join(', ') || 'none'})`);
      return 1;
    }
  }

  let input: CallerAction[] | undefined;
  try {
    input = values.input?.flatMap(parseCallerInput);
  } catch (err) {
    if (err instanceof InputSyntaxError) {
      io.err(`ivr simulate: ${err.message}`);
      return 2;
    }
    throw err;
  }
  let start: number | undefined;
  if (values.now !== undefined) {
    start = Date.parse(values.now);
    if (Number.isNaN(start)) {
      io.err(`ivr simulate: --now "${values.now}" is not an ISO date-time`);
      return 2;
    }
  }
  const services: Partial<EngineServices> = { transferPolicy: env.transferPolicy };
  if (values.http) {
    try {
      services.http = stubbedHttp(JSON.parse(readFileSync(resolve(io.cwd, values.http), 'utf8')) as CannedResponse[]).client;
    } catch (err) {
      io.err(`ivr simulate: --http ${values.http}: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    }
  }
  // Queues and call-backs answer from the command line (no Redis): --queue billing=served --callback accepted
  const queueScripts: Record<string, QueueScript> = {};
  for (const q of values.queue ?? []) {
    const m = /^([A-Za-z][A-Za-z0-9_-]*)=(served|timeout|full|noagents|callback|hangup|key:[0-9*#])(?:@(\d+))?$/.exec(q);
    if (!m) {
      io.err(`ivr simulate: --queue "${q}": use <queue>=<served|timeout|full|noagents|callback|hangup|key:N>[@waitSeconds], e.g. billing=served@45`);
      return 2;
    }
    const outcome = m[2]!.startsWith('key:') ? 'key' : (m[2] as QueueScript['outcome']);
    queueScripts[m[1]!] = { outcome, ...(outcome === 'key' ? { key: m[2]!.slice(4) } : {}), ...(m[3] !== undefined ? { waitSeconds: Number(m[3]) } : {}) };
  }
  let callbackScript: CallbackScript | undefined;
  if (values.callback !== undefined) {
    const m = /^(accepted|declined|failed)(,short)?$/.exec(values.callback);
    if (!m) {
      io.err(`ivr simulate: --callback "${values.callback}": use accepted, declined or failed (add ",short" when the estimated wait is short)`);
      return 2;
    }
    callbackScript = { outcome: m[1] as CallbackScript['outcome'], ...(m[2] ? { waitIsShort: true } : {}) };
  }
  const clock = new VirtualClock(start);
  const queues = new ScriptedQueueService(queueScripts, clock);
  services.queues = queues;
  services.callbacks = new ScriptedCallbackService(callbackScript);
  const common = { flow, flows: [...flows.values()], language: values.lang, from: values.from, to: values.to, services };
  const hint = (): void => {
    for (const q of new Set(queues.unscripted)) io.err(`note: the call entered queue "${q}" with no --queue ${q}=<outcome>, so the queue node failed`);
  };

  if (input) {
    clock.startAuto();
    try {
      const result = await simulateFlow({ ...common, input, clock });
      print(result, io, values.json ?? false);
    } finally {
      clock.stopAuto();
    }
    hint();
    return 0;
  }
  const code = await interactive(common, io, clock);
  hint();
  return code;
}

function print(result: SimulationResult, io: CliIo, json: boolean): void {
  if (json) {
    io.out(
      JSON.stringify(
        { heard: result.heard, path: result.path, ended: result.ended, language: result.state.language, vars: result.vars, recordings: result.state.recordings, trace: result.trace, durationMs: result.durationMs },
        null,
        2,
      ),
    );
    return;
  }
  io.out('heard:');
  for (const h of result.heard) io.out(`  ${h}`);
  io.out(`path: ${result.path.join(' → ')}`);
  io.out(`ended: ${result.ended} after ${(result.durationMs / 1000).toFixed(1)} s (simulated)`);
}

/** The terminal plays the caller: prompts are printed as heard, input is read when the flow listens. */
async function interactive(common: Parameters<typeof simulateFlow>[0], io: CliIo, clock: VirtualClock): Promise<number> {
  const rl = createInterface({ input: io.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  io.out('You are the caller. When asked, type keys (1, 123#), say:<phrase>, silence (or an empty line), speak:<seconds>, or hangup.');
  let shown = 0;
  const show = (call: SimCall): void => {
    for (; shown < call.heard.length; shown++) io.out(`  ♪ ${call.heard[shown]!.text}`);
  };
  let party: SimParty | undefined;
  let call: SimCall | undefined;
  // The clock runs on its own; while the call waits for the terminal, the
  // simulated caller holds it still (onScriptEnd 'wait').
  clock.startAuto();
  const run = simulateFlow({
    ...common,
    clock,
    input: [],
    onScriptEnd: 'wait',
    onCall: (c, p) => {
      call = c;
      party = p;
    },
  });
  const finished = run.then(() => 'ended' as const);
  try {
    while (party && call) {
      const what = await Promise.race([party.waitForListening().catch(() => 'ended' as const), finished]);
      show(call);
      if (what === 'ended') break;
      io.out(`[${what === 'digits' ? 'keys' : what === 'speech' ? 'say something or press keys' : 'recording: speak:<seconds>'}] >`);
      const next = await lines.next();
      const text = next.done ? 'hangup' : next.value.trim() || 'silence';
      let action: CallerAction;
      try {
        action = parseCallerAction(text);
      } catch (err) {
        io.err(err instanceof Error ? err.message : String(err));
        continue;
      }
      if ('silence' in action) party.silence();
      else party.script([action]);
      // Let the flow take the input before asking again.
      await clock.settle();
    }
    const result = await run;
    show(result.call);
    io.out(`path: ${result.path.join(' → ')}`);
    io.out(`ended: ${result.ended}`);
    return 0;
  } finally {
    clock.stopAuto();
    rl.close();
  }
}
