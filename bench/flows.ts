/**
 * npm run bench:flows — simulated calls through the example flow
 * (ivr-flows/main.json) on one engine and one simulated driver, virtual time.
 *
 * 1. Throughput: CALLS calls, CONCURRENCY at a time, each taking the whole
 *    path (language choice, account number, CRM lookup answered by a canned
 *    response, balance read back, menu by speech, transfer). Prints calls/s.
 * 2. Memory: 5,000 calls parked at the main menu waiting for the caller;
 *    heap growth per active call after a forced GC.
 * The last line is JSON with the figures. Run with --expose-gc for (2).
 */
import pino from 'pino';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadFlowDirectory } from '../src/flows/loader.ts';
import { createDestinationPolicy } from '../src/flows/destination-policy.ts';
import { FlowEngine } from '../src/engine/engine.ts';
import type { EngineServices } from '../src/engine/context.ts';
import { stubbedHttp } from '../src/engine/http-stub.ts';
import { SimTelephony } from '../src/telephony/sim/sim-telephony.ts';
import type { CallerAction } from '../src/telephony/sim/caller-script.ts';
import { VirtualClock } from '../src/util/virtual-clock.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 500);
const PARKED = Number(process.env.BENCH_PARKED ?? 5_000);

const flowsDir = fileURLToPath(new URL('../ivr-flows', import.meta.url));
const transferPolicy = createDestinationPolicy(['sip:*@pbx.example.com']);
const loaded = await loadFlowDirectory(flowsDir, { transferPolicy });
const main = loaded.flows.get('main')?.flow;
if (!main) {
  console.error('ivr-flows/main.json is missing or invalid', loaded.issues);
  process.exit(1);
}

// Polish caller, business hours, account 12345678, billing by speech.
const fullPath: CallerAction[] = [{ digits: '1' }, { digits: '12345678#' }, { say: 'sprzedaż', confidence: 0.9 }];
const http = stubbedHttp([{ method: 'GET', url: 'https://crm.example.com/api/accounts/*', status: 200, body: { name: 'Jan Kowalski', balance: 123.45, vip: false } }]);

function setup(clock: VirtualClock) {
  const logger = pino({ level: 'silent' });
  const services: EngineServices = {
    flows: { get: (id) => loaded.flows.get(id)?.flow },
    http: http.client,
    transferPolicy,
    audioDir: '',
    recordingsDir: 'recordings',
  };
  const sim = new SimTelephony({ clock, logger });
  const engine = new FlowEngine({ clock, logger, services });
  return { sim, engine };
}

async function throughput(): Promise<{ callsPerS: number; nodesPerCall: number; ended: Record<string, number> }> {
  // Monday 10:00 Warsaw time: open.
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const stop = clock.startAuto(2);
  const { sim, engine } = setup(clock);
  const ended: Record<string, number> = {};
  let nodes = 0;
  let started = 0;
  let done = 0;
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    sim.onIncoming((call) => {
      void engine.handle(call, main!).then((r) => {
        ended[r.ended] = (ended[r.ended] ?? 0) + 1;
        nodes += r.state.trace.length;
        done++;
        if (started < CALLS) startOne();
        if (done === CALLS) resolve();
      });
    });
    const startOne = (): void => {
      started++;
      sim.incoming({ from: '+48600100200', to: '+48221234567', script: fullPath, onScriptEnd: 'hangup' });
    };
    for (let i = 0; i < Math.min(CONCURRENCY, CALLS); i++) startOne();
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  stop();
  return { callsPerS: CALLS / seconds, nodesPerCall: nodes / CALLS, ended };
}

async function memory(): Promise<{ bytesPerCall: number; gc: boolean; parked: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Manual time: every call runs the same script from the same moment, so they
  // move in lockstep and are all inside the main menu prompt at once.
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const { sim, engine } = setup(clock);
  sim.onIncoming((call) => void engine.handle(call, main!));
  for (let i = 0; i < 3; i++) gc?.();
  const before = process.memoryUsage().heapUsed;
  const parties = [];
  for (let i = 0; i < PARKED; i++) {
    parties.push(sim.incoming({ from: `+4860${String(i).padStart(7, '0')}`, to: '+48221234567', script: [{ digits: '1' }, { digits: '12345678#' }], onScriptEnd: 'silence' }).party);
  }
  let parked = 0;
  for (let step = 0; step < 600 && parked < PARKED; step++) {
    await clock.advance(200);
    parked = engine.activeCalls().filter((c) => c.nodeId === 'mainMenu').length;
  }
  for (let i = 0; i < 3; i++) gc?.();
  const after = process.memoryUsage().heapUsed;
  for (const p of parties) p.hangup();
  await clock.settle(10);
  if (parked < PARKED) console.error(`only ${parked} of ${PARKED} calls reached the menu`);
  return { bytesPerCall: (after - before) / Math.max(1, parked), gc: Boolean(gc), parked };
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`bench:flows on ${cpus().length} × ${cpu}, Node ${process.version}`);
// Memory first, on a quiet heap; then throughput.
const m = await memory();
const t = await throughput();
console.log(`throughput: ${CALLS} calls (${CONCURRENCY} concurrent), ${t.nodesPerCall.toFixed(1)} nodes/call: ${Math.round(t.callsPerS)} calls/s  (goal ≥ 2000)`);
console.log(`  ended: ${JSON.stringify(t.ended)}`);
console.log(`memory: ${PARKED} calls waiting at the menu: ${(m.bytesPerCall / 1024).toFixed(1)} KB per active call  (goal < 50 KB)${m.gc ? '' : '  [run with --expose-gc for a precise figure]'}`);
console.log(JSON.stringify({ calls_per_s: Math.round(t.callsPerS), kb_per_call: Number((m.bytesPerCall / 1024).toFixed(1)), concurrent: PARKED, calls: CALLS, nodes_per_call: Number(t.nodesPerCall.toFixed(1)) }));
