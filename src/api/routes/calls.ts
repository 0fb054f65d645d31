/**
 * Live calls and supervisor hang-up. With `liveCalls` (the service wires
 * src/calls/live-calls.ts) they cover every live instance sharing the Redis;
 * without it, only the calls of this instance (`calls`), labelled
 * `instance: "local"`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../../util/clock.ts';
import { notFound } from '../errors.ts';
import type { CallsApi, LiveCallsApi } from '../ports.ts';
import { CallIdParam, Closed, EmptyBody, errorResponses } from '../schemas.ts';

const CallView = Closed(
  {
    callId: Type.String(),
    instance: Type.String({ description: 'INSTANCE_ID of the service instance running the call' }),
    from: Type.String({ description: 'Caller number' }),
    to: Type.String({ description: 'Dialed number' }),
    flowId: Type.String(),
    nodeId: Type.Union([Type.String(), Type.Null()], { description: 'Node running now (as of the owner’s last snapshot, at most LIVE_CALLS_SNAPSHOT_MS old)' }),
    language: Type.String(),
    startedAt: Type.String({ format: 'date-time' }),
    durationSeconds: Type.Integer({ minimum: 0 }),
    queueId: Type.Optional(Type.String()),
    agentId: Type.Optional(Type.String()),
  },
  'A call in progress on one of the service instances',
);
const Params = Closed({ callId: CallIdParam });
const Forwarded = Closed(
  { callId: Type.String(), instance: Type.String({ description: 'The instance running the call, which was asked to hang it up' }) },
  'The call runs on another instance; the hang-up request was delivered to it',
);

/** This instance's calls only (no cross-instance board wired). */
function localOnly(calls: CallsApi): LiveCallsApi {
  return {
    list: async () => calls.activeCalls().map((c) => ({ ...c, instance: 'local' })),
    hangup: async (callId) => ((await calls.hangup(callId)) ? { outcome: 'ended' } : { outcome: 'not-found' }),
  };
}

export const callRoutes: FastifyPluginAsync<{ calls: CallsApi; liveCalls?: LiveCallsApi; clock: Clock }> = async (app, options) => {
  const { clock } = options;
  const live = options.liveCalls ?? localOnly(options.calls);

  app.get(
    '/calls',
    {
      config: { access: 'read' },
      schema: { tags: ['calls'], summary: 'Calls in progress on every live instance', response: { 200: Closed({ calls: Type.Array(CallView) }), ...errorResponses() } },
    },
    async () => {
      const now = clock.now();
      return {
        calls: (await live.list()).map((c) => ({
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
        summary: 'Hang up a call on any instance (supervisor)',
        description: '204: the call ran on this instance and was hung up. 202: it runs on another live instance, which was asked to hang it up. 404: no live instance lists it.',
        params: Params,
        body: EmptyBody,
        response: { 202: Forwarded, 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const { callId } = request.params;
      const by = request.principal?.name;
      const result = await live.hangup(callId, by);
      switch (result.outcome) {
        case 'not-found':
          throw notFound(`call ${callId}`);
        case 'ended':
          request.log.info({ callId, by }, 'call hung up by supervisor');
          return reply.status(204).send();
        case 'forwarded':
          request.log.info({ callId, by, instance: result.instance }, 'supervisor hang-up sent to the instance running the call');
          return reply.status(202).send({ callId, instance: result.instance });
      }
    },
  );
};
