/** Live calls of this instance, and supervisor hang-up. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../../util/clock.ts';
import { notFound } from '../errors.ts';
import type { CallsApi } from '../ports.ts';
import { CallIdParam, Closed, EmptyBody, errorResponses } from '../schemas.ts';

const CallView = Closed(
  {
    callId: Type.String(),
    from: Type.String({ description: 'Caller number' }),
    to: Type.String({ description: 'Dialed number' }),
    flowId: Type.String(),
    nodeId: Type.Union([Type.String(), Type.Null()], { description: 'Node running now' }),
    language: Type.String(),
    startedAt: Type.String({ format: 'date-time' }),
    durationSeconds: Type.Integer({ minimum: 0 }),
    queueId: Type.Optional(Type.String()),
    agentId: Type.Optional(Type.String()),
  },
  'A call in progress on this instance',
);
const Params = Closed({ callId: CallIdParam });

export const callRoutes: FastifyPluginAsync<{ calls: CallsApi; clock: Clock }> = async (app, { calls, clock }) => {
  app.get(
    '/calls',
    {
      config: { access: 'read' },
      schema: { tags: ['calls'], summary: 'Calls in progress on this instance', response: { 200: Closed({ calls: Type.Array(CallView) }), ...errorResponses() } },
    },
    async () => {
      const now = clock.now();
      return {
        calls: calls.activeCalls().map((c) => ({
          ...c,
          startedAt: new Date(c.startedAt).toISOString(),
          durationSeconds: Math.max(0, Math.floor((now - c.startedAt) / 1000)),
        })),
      };
    },
  );

  app.post<{ Params: Static<typeof Params> }>(
    '/calls/:callId/hangup',
    {
      config: { access: 'control' },
      schema: {
        tags: ['calls'],
        summary: 'Hang up a call (supervisor)',
        params: Params,
        body: EmptyBody,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      if (!(await calls.hangup(request.params.callId))) throw notFound(`call ${request.params.callId}`);
      request.log.info({ callId: request.params.callId, by: request.principal?.name }, 'call hung up by supervisor');
      return reply.status(204).send();
    },
  );
};
