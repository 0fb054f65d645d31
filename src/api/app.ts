/**
 * Builds the admin API: a Fastify instance with authentication, rate
 * limiting, strict validation, OpenAPI at /docs, and one plugin per resource.
 * Listening is the caller's business (main.ts, or a test on port 0).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { RedisClient } from '../util/redis-client.ts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import type { ApiConfig } from '../config/api.ts';
import type { FlowAdmin } from '../flows/store/admin.ts';
import type { PublishedFlows } from '../flows/store/registry.ts';
import type { RouteTable } from '../routing/route-table.ts';
import type { Clock } from '../util/clock.ts';
import { installAuthentication, installAuthorization } from './auth.ts';
import { installErrorHandling, mapDomainError, type ErrorMapper } from './errors.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { AcdApi, CallbacksApi, CallsApi, FlowSimulator, LiveCallsApi, ReadinessCheck } from './ports.ts';
import { installValidation } from './validation.ts';
import { healthRoutes } from './routes/health.ts';
import { flowRoutes } from './routes/flows.ts';
import { routingRoutes } from './routes/routing.ts';
import { callRoutes } from './routes/calls.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { queueRoutes } from './routes/queues.ts';
import { agentRoutes } from './routes/agents.ts';
import { callbackRoutes } from './routes/callbacks.ts';
import { acdErrorMapper } from './routes/acd-errors.ts';
import { callbackErrorMapper } from './routes/callback-errors.ts';

export interface ApiServices {
  flows: FlowAdmin;
  /** This instance's published flows (what calls are served with). */
  published: PublishedFlows;
  routes: RouteTable;
  simulate: FlowSimulator;
  calls: CallsApi;
  /** Calls of every live instance (src/calls/live-calls.ts); without it /calls covers this instance only. */
  liveCalls?: LiveCallsApi;
  metrics: ServiceMetrics;
  readiness: ReadinessCheck[];
  /** Absent when the ACD is not wired: its routes answer 503. */
  acd?: AcdApi;
  callbacks?: CallbacksApi;
}

export interface BuildApiOptions {
  config: ApiConfig;
  logger: Logger;
  clock: Clock;
  services: ApiServices;
  /** Version shown in the OpenAPI document. */
  version?: string;
  /**
   * Shared rate-limit counters: with it, the limit holds across every instance
   * behind a load balancer (one Redis key per token or address and window);
   * without it, each instance counts alone (in memory).
   */
  rateLimitStore?: { redis: RedisClient; keyPrefix: string };
}

export async function buildApi(options: BuildApiOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app: FastifyInstance = Fastify({
    loggerInstance: options.logger.child({ component: 'api' }) as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Ids in addresses are checked by the route schemas; this only bounds the router.
    routerOptions: { maxParamLength: 200 },
  });
  // JSON only: a text/plain body is refused (415) rather than read as a string.
  app.removeContentTypeParser('text/plain');

  const mappers: ErrorMapper[] = [mapDomainError, acdErrorMapper, callbackErrorMapper];
  installErrorHandling(app, mappers);
  installValidation(app);

  const authOptions = { tokens: config.tokens, docsPublic: config.docsPublic };
  installAuthentication(app, authOptions);
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitMax,
    timeWindow: config.rateLimitWindowMs,
    // Per token once authenticated, per address otherwise.
    keyGenerator: (request) => (request.principal ? `token:${request.principal.name}` : `ip:${request.ip}`),
    ...(options.rateLimitStore
      ? {
          redis: options.rateLimitStore.redis,
          nameSpace: options.rateLimitStore.keyPrefix,
          // A Redis hiccup must not turn every admin request into a 500: the limit is waived meanwhile.
          skipOnError: true,
        }
      : {}),
  });
  installAuthorization(app, authOptions);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'IVR/ACD admin API',
        description: 'Flows (versions, publishing, hot reload), routing, queues, agents, call-backs, live calls. Every route but /health needs a bearer token.',
        version: options.version ?? '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const { services } = options;
  await app.register(healthRoutes, { readiness: services.readiness });
  await app.register(flowRoutes, { flows: services.flows, simulate: services.simulate });
  await app.register(routingRoutes, { routes: services.routes, published: services.published });
  await app.register(callRoutes, { calls: services.calls, ...(services.liveCalls ? { liveCalls: services.liveCalls } : {}), clock: options.clock });
  await app.register(metricsRoutes, { metrics: services.metrics });
  await app.register(queueRoutes, { acd: services.acd, callbacks: services.callbacks });
  await app.register(agentRoutes, { acd: services.acd });
  await app.register(callbackRoutes, { callbacks: services.callbacks });
  return app;
}
