/**
 * Gives each inbound call to the flow engine with the flow its dialed number
 * routes to, as published at the moment the call arrives: the engine keeps
 * that FlowDocument for the whole call, so a publish during the call does not
 * change what this caller hears. A number with no route or no live flow gets
 * an apology and a hang-up, never dead air.
 */
import type { Logger } from 'pino';
import type { Call } from '../telephony/port.ts';
import type { FlowDocument } from '../flows/flow-schema.ts';
import type { PublishedFlows } from '../flows/store/registry.ts';

export interface FlowRunner {
  handle(call: Call, flow: FlowDocument): Promise<{ ended: string; state: { trace: ReadonlyArray<{ flowId: string; nodeId: string; outcome: string }> } }>;
}

export interface CallObserver {
  callStarted(): void;
  callEnded(flowId: string, ended: string, trace: ReadonlyArray<{ flowId: string; nodeId: string; outcome: string }>): void;
}

export interface CallRouterOptions {
  routes: { resolve(did: string): Promise<string | undefined> };
  flows: PublishedFlows;
  engine: FlowRunner;
  logger: Logger;
  observer?: CallObserver;
  /** Spoken when no flow can take the call. */
  apology?: { text: string; language: string };
}

const DEFAULT_APOLOGY = { text: 'We are sorry, this number cannot take calls right now. Please call again later.', language: 'en' };

export class CallRouter {
  private readonly log: Logger;

  constructor(private readonly options: CallRouterOptions) {
    this.log = options.logger.child({ component: 'call-router' });
  }

  /** Runs the call to its end. Never rejects. */
  async handle(call: Call): Promise<void> {
    const log = this.log.child({ callId: call.info.id });
    let flow: FlowDocument | undefined;
    try {
      const flowId = await this.options.routes.resolve(call.info.to);
      flow = flowId === undefined ? undefined : this.options.flows.get(flowId);
      if (!flow) log.warn({ to: call.info.to, flowId }, flowId === undefined ? 'no route for the dialed number' : 'the routed flow has no published version');
    } catch (err) {
      log.error({ err }, 'looking up the route failed');
    }
    if (!flow) {
      await this.apologise(call, log);
      return;
    }
    this.options.observer?.callStarted();
    try {
      const result = await this.options.engine.handle(call, flow);
      this.options.observer?.callEnded(flow.id, result.ended, result.state.trace);
    } catch (err) {
      // The engine never rejects; should it, the caller still must not be left in silence.
      log.error({ err }, 'the flow engine failed');
      this.options.observer?.callEnded(flow.id, 'error', []);
      await this.apologise(call, log);
    }
  }

  private async apologise(call: Call, log: Logger): Promise<void> {
    const { text, language } = this.options.apology ?? DEFAULT_APOLOGY;
    try {
      if (call.ended.aborted) return;
      if (!call.answered) await call.answer();
      await call.play([{ kind: 'tts', text, language }], { signal: call.ended });
    } catch (err) {
      log.warn({ err }, 'the apology could not be played');
    } finally {
      if (!call.ended.aborted) await call.hangup('error').catch((err: unknown) => log.warn({ err }, 'hang-up failed'));
    }
  }
}
