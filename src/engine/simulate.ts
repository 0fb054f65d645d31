/**
 * Runs a flow on the simulated telephony driver with a scripted caller and a
 * virtual clock: what `ivr simulate`, `ivr flows test`, the admin API's
 * simulate route and the flow tests use. Timeouts elapse instantly.
 */
import pino, { type Logger } from 'pino';
import type { FlowDocument } from '../flows/flow-schema.ts';
import type { DestinationPolicy } from '../flows/node-definition.ts';
import { createDestinationPolicy } from '../flows/destination-policy.ts';
import { SimTelephony } from '../telephony/sim/sim-telephony.ts';
import type { SimCall } from '../telephony/sim/sim-call.ts';
import type { SimParty } from '../telephony/sim/sim-party.ts';
import type { CallerAction } from '../telephony/sim/caller-script.ts';
import { VirtualClock } from '../util/virtual-clock.ts';
import type { CallState, EngineServices, JsonValue, TraceEntry } from './context.ts';
import { createFetchHttpClient } from './nodes/http.ts';
import { FlowEngine, type CallEnd } from './engine.ts';

export interface SimulateOptions {
  flow: FlowDocument;
  /** Other flows (subflow/goto targets). */
  flows?: FlowDocument[];
  input?: CallerAction[];
  /** What the caller does when the input runs out (default: hang up). */
  onScriptEnd?: 'hangup' | 'silence' | 'wait';
  language?: string;
  from?: string;
  to?: string;
  headers?: Record<string, string>;
  vars?: Record<string, JsonValue>;
  services?: Partial<EngineServices>;
  /** Default: a new VirtualClock in auto-advance mode (stopped at the end). */
  clock?: VirtualClock;
  logger?: Logger;
  /** Configures the simulated driver before the call (failing transfers, agents' endpoints...). */
  onSim?: (sim: SimTelephony) => void;
  /** Audio files the simulated media server cannot find (play fails with FILE_NOT_FOUND). */
  missingFiles?: string[] | ((path: string) => boolean);
  /** Called with the inbound call and the simulated caller as soon as the call exists (interactive use). */
  onCall?: (call: SimCall, party: SimParty) => void;
}

export interface SimulationResult {
  /** What the caller heard, in order ("tts[pl]: ...", "file: ...", "tone: beep"). */
  heard: string[];
  /** Node ids visited, in order (subflow nodes included, as flowId#nodeId when outside the main flow). */
  path: string[];
  trace: TraceEntry[];
  vars: Record<string, JsonValue>;
  state: CallState;
  ended: CallEnd;
  call: SimCall;
  sim: SimTelephony;
  /** Virtual time the call took. */
  durationMs: number;
}

/** A policy that allows nothing: transfers must be allowed by configuration. */
export const denyAllDestinations: DestinationPolicy = createDestinationPolicy([]);


export function pathOf(trace: TraceEntry[], mainFlowId: string): string[] {
  return trace.map((t) => (t.flowId === mainFlowId ? t.nodeId : `${t.flowId}#${t.nodeId}`));
}

export async function simulateFlow(options: SimulateOptions): Promise<SimulationResult> {
  const clock = options.clock ?? new VirtualClock();
  const ownClock = !options.clock;
  const stopAuto = ownClock ? clock.startAuto() : undefined;
  const logger = options.logger ?? pino({ level: 'silent' });
  const flows = new Map<string, FlowDocument>();
  for (const f of options.flows ?? []) flows.set(f.id, f);
  flows.set(options.flow.id, options.flow);
  const services: EngineServices = {
    flows: { get: (id) => flows.get(id) },
    http: createFetchHttpClient(),
    transferPolicy: denyAllDestinations,
    audioDir: '',
    recordingsDir: 'recordings',
    ...options.services,
  };
  const sim = new SimTelephony({ clock, logger });
  if (options.missingFiles) sim.missingFiles(options.missingFiles);
  options.onSim?.(sim);
  const engine = new FlowEngine({ clock, logger, services });
  try {
    const started = clock.now();
    const done = new Promise<{ call: SimCall; result: Awaited<ReturnType<FlowEngine['handle']>> }>((resolve, reject) => {
      sim.onIncoming((call) => {
        const simCall = call as SimCall;
        engine
          .handle(call, options.flow, { language: options.language, vars: options.vars })
          .then((result) => resolve({ call: simCall, result }), reject);
      });
    });
    const handle = sim.incoming({
      from: options.from ?? '+48600100200',
      to: options.to ?? '+48221234567',
      headers: options.headers ?? {},
      script: options.input ?? [],
      onScriptEnd: options.onScriptEnd ?? 'hangup',
    });
    options.onCall?.(handle.call, handle.party);
    const { call, result } = await done;
    return {
      heard: call.heard.map((h) => h.text),
      path: pathOf(result.state.trace, options.flow.id),
      trace: result.state.trace,
      vars: result.state.vars,
      state: result.state,
      ended: result.ended,
      call,
      sim,
      durationMs: clock.now() - started,
    };
  } finally {
    stopAuto?.();
  }
}
