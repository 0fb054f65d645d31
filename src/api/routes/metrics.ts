/** Prometheus exposition (supervisor or admin token; Prometheus sends it as bearer_token). */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ServiceMetrics } from '../metrics.ts';
import { errorResponses } from '../schemas.ts';

export const metricsRoutes: FastifyPluginAsync<{ metrics: ServiceMetrics }> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    {
      config: { access: 'read' },
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'Prometheus text format' }), ...errorResponses() },
      },
    },
    async (_request, reply) => {
      const text = await metrics.render();
      return reply.type(metrics.contentType).send(text);
    },
  );
};
