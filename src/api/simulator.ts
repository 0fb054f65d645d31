/**
 * The API's flow simulator: the engine on the simulated driver with a virtual
 * clock (timeouts elapse at once). No network for HTTP nodes (they fail like
 * an unreachable server and take their error exit); transfers are refused.
 */
import type { Logger } from 'pino';
import { stubbedHttp } from '../engine/http-stub.ts';
import { simulateFlow } from '../engine/simulate.ts';
import type { FlowSimulator } from './ports.ts';

export function createSimulator(logger: Logger): FlowSimulator {
  return async (request) => {
    const r = await simulateFlow({
      flow: request.flow,
      flows: request.flows,
      input: request.input,
      ...(request.language ? { language: request.language } : {}),
      ...(request.from ? { from: request.from } : {}),
      ...(request.to ? { to: request.to } : {}),
      services: { http: stubbedHttp([]).client },
      logger: logger.child({ component: 'simulate' }),
    });
    return { heard: r.heard, path: r.path, ended: r.ended, vars: r.vars, durationMs: r.durationMs };
  };
}
