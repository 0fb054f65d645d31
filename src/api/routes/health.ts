/** Liveness (/health, no token) and readiness (/ready: Redis, and drachtio/FreeSWITCH with that driver). */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ReadinessCheck } from '../ports.ts';
import { errorResponses } from '../schemas.ts';

const Check = Type.Object(
  { name: Type.String(), ok: Type.Boolean(), detail: Type.Optional(Type.Record(Type.String(), Type.String())) },
  { additionalProperties: false },
);
const Ready = Type.Object({ ready: Type.Boolean(), checks: Type.Array(Check) }, { additionalProperties: false });

export const healthRoutes: FastifyPluginAsync<{ readiness: ReadinessCheck[] }> = async (app, { readiness }) => {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }), 429: errorResponses()[429]! },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { access: 'any' },
      schema: { tags: ['health'], summary: 'Readiness: Redis, and the SIP/media servers when the drachtio driver is used', response: { 200: Ready, 503: Ready, ...errorResponses() } },
    },
    async (request, reply) => {
      const checks = await Promise.all(
        readiness.map(async (c) => {
          try {
            const r = await c.check();
            return { name: c.name, ok: r.ok, ...(r.detail ? { detail: r.detail } : {}) };
          } catch (err) {
            request.log.warn({ err, check: c.name }, 'readiness check failed');
            return { name: c.name, ok: false, detail: { error: 'check failed' } };
          }
        }),
      );
      const ready = checks.every((c) => c.ok);
      return reply.status(ready ? 200 : 503).send({ ready, checks });
    },
  );
};
