/**
 * The flow engine: runs a flow on a Call, node after node. Each node type's
 * handler (engine/nodes/) uses only the Call port and the services; the
 * engine keeps the per-call context (variables, language, trace), takes exits,
 * handles node failures (node `error` exit → flow `onError` → an apology and a
 * hang-up: never dead air), and stops at once when the caller hangs up.
 */
import type { Logger } from 'pino';
import { isAbsolute, join } from 'node:path';
import type { Static, TObject } from '@sinclair/typebox';
import type { Call, Prompt } from '../telephony/port.ts';
import { CallHungUpError } from '../telephony/errors.ts';
import type { Clock } from '../util/clock.ts';
import type { FlowDocument, FlowNode } from '../flows/flow-schema.ts';
import { type LocalizedText, type PromptSpec, type Prompts } from '../flows/common.ts';
import { nodeDefinitions, type NodeType } from '../flows/nodes/index.ts';
import type { NodeDefinition } from '../flows/node-definition.ts';
import { nodeHandlers } from './nodes/index.ts';
import type { CallState, EngineServices, JsonValue, NodeContext, NodeHandler, NodeOutcome } from './context.ts';
import { expandTemplate, type TemplateScope } from '../lang/template.ts';

export type CallEnd = 'hangup' | 'transferred' | 'completed' | 'error';

export interface CallResult {
  state: CallState;
  ended: CallEnd;
}

export interface ActiveCallView {
  callId: string;
  from: string;
  to: string;
  flowId: string;
  nodeId: string | null;
  language: string;
  startedAt: number;
  queueId?: string;
  agentId?: string;
}

export interface EngineOptions {
  clock: Clock;
  logger: Logger;
  services: EngineServices;
  /** Safety net against flows that spin: max nodes run per call (default 10,000). */
  maxSteps?: number;
  /** Max nesting of subflows (default 8). */
  maxSubflowDepth?: number;
}

export interface StartOptions {
  language?: string;
  vars?: Record<string, JsonValue>;
  /** Node to start at instead of the flow's start node. */
  startNode?: string;
  /** Do not answer the call (it is already answered, e.g. a transfer into a flow). */
  skipAnswer?: boolean;
}

/** What the caller hears when a flow fails with no error handler. */
export const APOLOGY: Record<string, string> = {
  pl: 'Przepraszamy, wystąpił problem techniczny. Prosimy zadzwonić ponownie później.',
  en: 'We are sorry, a technical problem occurred. Please call again later.',
};

type RunEnd = 'returned' | 'hangup' | 'transferred' | 'completed' | 'error';

class EngineFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineFault';
  }
}

const exitCache = new WeakMap<object, Map<string, string>>();

function exitsOf(node: FlowNode): Map<string, string> {
  let m = exitCache.get(node);
  if (!m) {
    const def = nodeDefinitions[node.type as NodeType] as unknown as NodeDefinition<TObject>;
    m = new Map(def.exits(node as Static<TObject>).map((e) => [e.name, e.target]));
    exitCache.set(node, m);
  }
  return m;
}

export class FlowEngine {
  private readonly active = new Map<string, { call: Call; state: CallState; flowId: string; startedAt: number }>();
  private readonly maxSteps: number;
  private readonly maxDepth: number;
  /** What node contexts need to run a subflow (shared by every node of every call). */
  private readonly subflows: SubflowRunner;

  constructor(private readonly options: EngineOptions) {
    this.maxSteps = options.maxSteps ?? 10_000;
    this.maxDepth = options.maxSubflowDepth ?? 8;
    this.subflows = {
      clock: options.clock,
      services: options.services,
      maxDepth: this.maxDepth,
      runFlow: (call, flow, state, log, firstNode, depth) => this.runFlow(call, flow, state, log, firstNode, depth),
    };
  }

  activeCalls(): ActiveCallView[] {
    return [...this.active.values()].map(({ call, state, flowId, startedAt }) => ({
      callId: call.info.id,
      from: call.info.from,
      to: call.info.to,
      flowId: state.currentFlowId || flowId,
      nodeId: state.currentNodeId,
      language: state.language,
      startedAt,
      ...(state.queue ? { queueId: state.queue.queueId, agentId: state.queue.agentId } : {}),
    }));
  }

  /** Supervisor hang-up of a call this instance runs. */
  async hangup(callId: string): Promise<boolean> {
    const entry = this.active.get(callId);
    if (!entry) return false;
    await entry.call.hangup('local');
    return true;
  }

  /** Runs `flow` on `call` until the call ends. Never rejects. */
  async handle(call: Call, flow: FlowDocument, start: StartOptions = {}): Promise<CallResult> {
    const { clock } = this.options;
    const state: CallState = {
      vars: { ...(flow.variables ?? {}), ...(start.vars ?? {}) },
      language: start.language ?? flow.defaultLanguage,
      trace: [],
      recordings: [],
      currentFlowId: flow.id,
      currentNodeId: null,
    };
    const log = childLogger(this.options.logger, { callId: call.info.id, flowId: flow.id });
    const startedAt = clock.now();
    this.active.set(call.info.id, { call, state, flowId: flow.id, startedAt });
    log.info({ from: call.info.from, to: call.info.to }, 'call started');
    let ended: CallEnd;
    try {
      if (!start.skipAnswer && !call.answered) await call.answer();
      const end = await this.runFlow(call, flow, state, log, start.startNode ?? flow.start, 0);
      ended = end === 'returned' ? 'completed' : end;
      if (ended === 'completed' && !call.ended.aborted) await call.hangup('local');
    } catch (err) {
      if (call.ended.aborted || err instanceof CallHungUpError) {
        ended = 'hangup';
      } else {
        log.error({ err }, 'engine fault; apologising and hanging up');
        ended = 'error';
        await this.apologise(call, state.language, log);
      }
    } finally {
      this.active.delete(call.info.id);
    }
    log.info({ ended, durationMs: clock.now() - startedAt, nodes: state.trace.length }, 'call ended');
    return { state, ended };
  }

  private async apologise(call: Call, language: string, log: Logger): Promise<void> {
    if (call.ended.aborted) return;
    try {
      const text = APOLOGY[language] ?? APOLOGY[language.slice(0, 2)] ?? APOLOGY.en!;
      await call.play([{ kind: 'tts', text, language }], { signal: call.ended });
    } catch (err) {
      if (!(err instanceof CallHungUpError)) log.warn({ err }, 'apology prompt failed');
    }
    try {
      if (!call.ended.aborted) await call.hangup('error');
    } catch (err) {
      log.warn({ err }, 'hang-up after apology failed');
    }
  }

  private async runFlow(call: Call, flow: FlowDocument, state: CallState, callLog: Logger, firstNode: string, depth: number): Promise<RunEnd> {
    const { clock } = this.options;
    let current = flow;
    let nodeId: string | undefined = firstNode;
    let inErrorHandler = false;
    let steps = 0;
    let flowLog = callLog;
    while (nodeId !== undefined) {
      if (call.ended.aborted) return 'hangup';
      if (++steps > this.maxSteps) throw new EngineFault(`more than ${this.maxSteps} nodes run in one call`);
      const node: FlowNode | undefined = current.nodes[nodeId];
      if (!node) throw new EngineFault(`flow ${current.id} has no node "${nodeId}"`);
      state.currentFlowId = current.id;
      state.currentNodeId = nodeId;
      const startedAt = clock.now();
      const ctx = new NodeRun(this.subflows, call, current, nodeId, state, flowLog, depth);
      let outcome: NodeOutcome;
      try {
        const handler = nodeHandlers[node.type as NodeType] as NodeHandler<FlowNode>;
        outcome = await handler(node, ctx);
      } catch (err) {
        outcome = call.ended.aborted || err instanceof CallHungUpError ? { end: 'hangup' } : { error: err };
      }
      let traced = false;
      const trace = (taken: string, detail?: string): void => {
        traced = true;
        state.trace.push({ flowId: current.id, nodeId: nodeId!, type: node.type, at: startedAt, durationMs: clock.now() - startedAt, outcome: taken, ...(detail !== undefined ? { detail } : {}) });
      };
      if (call.ended.aborted && !('end' in outcome)) outcome = { end: 'hangup' };
      if ('exit' in outcome) {
        const target = exitsOf(node).get(outcome.exit);
        trace(outcome.exit);
        if (target !== undefined || outcome.exit === 'next') {
          if (target === undefined) return 'returned';
          inErrorHandler = inErrorHandler && target !== current.start;
          nodeId = target;
          continue;
        }
        // A handler took an exit the flow does not define: a failure of the node.
        outcome = { error: new EngineFault(`node "${nodeId}" took exit "${outcome.exit}", which the flow does not define`) };
      }
      if ('goto' in outcome) {
        trace('goto', `${outcome.goto.flowId}${outcome.goto.nodeId ? '#' + outcome.goto.nodeId : ''}`);
        const target = outcome.goto.flowId === current.id ? current : this.options.services.flows.get(outcome.goto.flowId);
        if (target) {
          current = target;
          flowLog = childLogger(callLog, { flowId: current.id });
          nodeId = outcome.goto.nodeId ?? current.start;
          inErrorHandler = false;
          continue;
        }
        outcome = { error: new EngineFault(`flow "${outcome.goto.flowId}" is not published`) };
      }
      if ('error' in outcome) {
        if (!traced) trace('error', errorText(outcome.error));
        const next = this.errorTarget(node, current, inErrorHandler, ctx.log, outcome.error);
        if (next === undefined) return this.failCall(call, state, ctx.log);
        inErrorHandler = inErrorHandler || next === current.onError;
        nodeId = next;
        continue;
      }
      if ('end' in outcome) {
        trace(outcome.end);
        return outcome.end;
      }
      trace('return');
      return 'returned';
    }
    return 'returned';
  }

  private errorTarget(node: FlowNode, flow: FlowDocument, inErrorHandler: boolean, log: Logger, err: unknown): string | undefined {
    const own = (node as { error?: string }).error;
    if (own !== undefined) {
      log.warn({ err: errorForLog(err) }, 'node failed; taking its error exit');
      return own;
    }
    if (flow.onError !== undefined && !inErrorHandler) {
      log.warn({ err: errorForLog(err) }, 'node failed; taking the flow error handler');
      return flow.onError;
    }
    log.error({ err: errorForLog(err) }, 'node failed with no error handler');
    return undefined;
  }

  private async failCall(call: Call, state: CallState, log: Logger): Promise<RunEnd> {
    await this.apologise(call, state.language, log);
    return 'error';
  }
}

/** Engine parts a node context uses. */
interface SubflowRunner {
  readonly clock: Clock;
  readonly services: EngineServices;
  readonly maxDepth: number;
  runFlow(call: Call, flow: FlowDocument, state: CallState, log: Logger, firstNode: string, depth: number): Promise<RunEnd>;
}

/**
 * A child logger with `bindings`; a silent logger is returned as is (its
 * children would log nothing either, and a pino child costs an allocation and
 * a serialisation of the bindings per node run).
 */
function childLogger(log: Logger, bindings: Record<string, string>): Logger {
  return log.level === 'silent' ? log : log.child(bindings);
}

/** The NodeContext of one node run: methods on the prototype, no closures per node. */
class NodeRun implements NodeContext {
  readonly clock: Clock;
  readonly services: EngineServices;
  readonly signal: AbortSignal;
  private logger: Logger | undefined;

  constructor(
    private readonly engine: SubflowRunner,
    readonly call: Call,
    readonly flow: FlowDocument,
    readonly nodeId: string,
    readonly state: CallState,
    private readonly flowLog: Logger,
    private readonly depth: number,
  ) {
    this.clock = engine.clock;
    this.services = engine.services;
    this.signal = call.ended;
  }

  /** Created on first use: most node runs log nothing at the configured level. */
  get log(): Logger {
    this.logger ??= childLogger(this.flowLog, { nodeId: this.nodeId });
    return this.logger;
  }

  template(s: string): string {
    return s.includes('{{') ? expandTemplate(s, this.scope()) : s;
  }

  text(t: LocalizedText): string {
    return this.template(this.pick(t));
  }

  prompts(p: Prompts | undefined): Prompt[] {
    if (p === undefined) return [];
    if (!Array.isArray(p)) return [this.toPrompt(p)];
    const out: Prompt[] = new Array<Prompt>(p.length);
    for (let i = 0; i < p.length; i++) out[i] = this.toPrompt(p[i]!);
    return out;
  }

  async runSubflow(flowId: string): Promise<'returned' | 'ended'> {
    const { maxDepth, services } = this.engine;
    const { call, flow, state } = this;
    if (this.depth + 1 > maxDepth) throw new EngineFault(`subflows nested deeper than ${maxDepth}`);
    const sub = flowId === flow.id ? flow : services.flows.get(flowId);
    if (!sub) throw new EngineFault(`flow "${flowId}" is not published`);
    const end = await this.engine.runFlow(call, sub, state, childLogger(this.flowLog, { flowId: sub.id }), sub.start, this.depth + 1);
    state.currentFlowId = flow.id;
    state.currentNodeId = this.nodeId;
    if (end === 'returned' || end === 'completed') return 'returned';
    if (end === 'error' && !call.ended.aborted) throw new EngineFault(`subflow "${flowId}" failed`);
    return 'ended';
  }

  private scope(): TemplateScope {
    const { call, state } = this;
    return {
      vars: state.vars,
      caller: { number: call.info.from },
      call: { id: call.info.id, dialed: call.info.to, language: state.language },
      headers: call.info.headers as Record<string, string>,
    };
  }

  private pick(t: LocalizedText): string {
    if (typeof t === 'string') return t;
    const language = this.state.language;
    return t[language] ?? t[language.slice(0, 2)] ?? t[this.flow.defaultLanguage] ?? Object.values(t)[0] ?? '';
  }

  private audio(p: string): string {
    const dir = this.services.audioDir;
    return isAbsolute(p) || !dir ? p : join(dir, p);
  }

  private toPrompt(p: PromptSpec): Prompt {
    if (typeof p === 'string') return { kind: 'tts', text: this.template(p), language: this.state.language };
    if ('say' in p) {
      const language = p.language ?? this.state.language;
      const said = p.language && typeof p.say !== 'string' ? (p.say[p.language] ?? this.text(p.say)) : this.text(p.say);
      const text = this.template(said);
      return p.voice ? { kind: 'tts', text, language, voice: p.voice } : { kind: 'tts', text, language };
    }
    if ('file' in p) return { kind: 'file', path: this.audio(this.text(p.file)) };
    if ('tone' in p) return p.durationMs ? { kind: 'tone', tone: p.tone, durationMs: p.durationMs } : { kind: 'tone', tone: p.tone };
    return { kind: 'silence', ms: p.silenceMs };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function errorForLog(err: unknown): unknown {
  return err instanceof Error ? { type: err.name, message: err.message, code: (err as { code?: unknown }).code } : err;
}
