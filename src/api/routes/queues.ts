/** Queues: configuration CRUD and statistics (ACD). */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { QueueConfig } from '../../acd/model.ts';
import { ApiError, notFound } from '../errors.ts';
import type { AcdApi, CallbacksApi } from '../ports.ts';
import { Closed, EntityIdParam, errorResponses } from '../schemas.ts';
import { acdNotConfigured } from './acd-errors.ts';

const Params = Closed({ queueId: EntityIdParam });
const QueueBody = Type.Partial(QueueConfig, { additionalProperties: false, description: 'A queue; fields left out take their defaults. `id`, when given, must equal the address.' });
const Figures = Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()]));
const QueueStats = Closed({
  queueId: Type.String(),
  waiting: Type.Integer(),
  longestWaitSeconds: Type.Number(),
  ewtSeconds: Type.Union([Type.Number(), Type.Null()], { description: 'Estimated wait for a caller arriving now; null when nobody is staffed' }),
  agents: Type.Record(Type.String(), Type.Integer(), { description: 'Member agents per state' }),
  today: Figures,
  last15Minutes: Figures,
  callbacks: Type.Optional(
    Closed(
      {
        pending: Type.Integer(),
        completed: Type.Integer(),
        failed: Type.Integer(),
        cancelled: Type.Integer(),
        today: Closed(
          { requested: Type.Integer(), completed: Type.Integer(), failed: Type.Integer(), cancelled: Type.Integer() },
          'Today (CALLBACK_TIME_ZONE): new requests and call-backs ended each way',
        ),
      },
      'Call-back backlog of the queue: pending (not finished yet); completed, failed, cancelled since the counters began; today',
    ),
  ),
});

export const queueRoutes: FastifyPluginAsync<{ acd: AcdApi | undefined; callbacks?: CallbacksApi }> = async (app, { acd, callbacks }) => {
  const need = (): AcdApi => acd ?? (() => { throw acdNotConfigured(); })();
  const errs = (...s: number[]) => errorResponses(503, ...s);

  app.get('/queues', {
    config: { access: 'read' },
    schema: { tags: ['queues'], summary: 'Every queue', response: { 200: Closed({ queues: Type.Array(QueueConfig) }), ...errs() } },
  }, async () => ({ queues: await need().listQueues() }));

  app.get<{ Params: Static<typeof Params> }>('/queues/:queueId', {
    config: { access: 'read' },
    schema: { tags: ['queues'], summary: 'One queue', params: Params, response: { 200: QueueConfig, ...errs(404) } },
  }, async (request) => {
    const q = await need().getQueue(request.params.queueId);
    if (!q) throw notFound(`queue ${request.params.queueId}`);
    return q;
  });

  app.put<{ Params: Static<typeof Params>; Body: Static<typeof QueueBody> }>('/queues/:queueId', {
    config: { access: 'admin' },
    schema: { tags: ['queues'], summary: 'Create or replace a queue', params: Params, body: QueueBody, response: { 200: QueueConfig, 201: QueueConfig, ...errs(413, 415, 422) } },
  }, async (request, reply) => {
    const { queueId } = request.params;
    if (request.body.id !== undefined && request.body.id !== queueId) throw new ApiError(400, 'ID_MISMATCH', `body id "${request.body.id}" must equal the queue id in the address`);
    const { queue, created } = await need().putQueue({ ...request.body, id: queueId });
    request.log.info({ queueId, created, by: request.principal?.name }, 'queue saved');
    return reply.status(created ? 201 : 200).send(queue);
  });

  app.delete<{ Params: Static<typeof Params> }>('/queues/:queueId', {
    config: { access: 'admin' },
    schema: { tags: ['queues'], summary: 'Delete a queue', params: Params, response: { 204: Type.Null(), ...errs(404, 409) } },
  }, async (request, reply) => {
    if (!(await need().deleteQueue(request.params.queueId))) throw notFound(`queue ${request.params.queueId}`);
    request.log.info({ queueId: request.params.queueId, by: request.principal?.name }, 'queue deleted');
    return reply.status(204).send();
  });

  app.get<{ Params: Static<typeof Params> }>('/queues/:queueId/stats', {
    config: { access: 'read' },
    schema: { tags: ['queues'], summary: 'Live and period statistics of a queue (offered, answered, abandoned, service level, ASA…)', params: Params, response: { 200: QueueStats, ...errs(404) } },
  }, async (request) => {
    const s = await need().queueStats(request.params.queueId);
    if (!s) throw notFound(`queue ${request.params.queueId}`);
    if (!callbacks) return s;
    const backlog = (await callbacks.stats([request.params.queueId]))[0];
    const { pending = 0, completed = 0, failed = 0, cancelled = 0, today = { requested: 0, completed: 0, failed: 0, cancelled: 0 } } = backlog ?? {};
    return { ...s, callbacks: { pending, completed, failed, cancelled, today } };
  });
};
