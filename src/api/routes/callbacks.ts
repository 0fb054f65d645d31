/** Call-backs: list, cancel, reschedule. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { CallbackRecord } from '../../callbacks/model.ts';
import { ApiError, notFound } from '../errors.ts';
import type { CallbacksApi } from '../ports.ts';
import { Closed, EmptyBody, EntityIdParam, errorResponses } from '../schemas.ts';
import { callbacksNotConfigured } from './callback-errors.ts';

const Status = Type.Union(['pending', 'queued', 'dialing', 'completed', 'failed', 'cancelled'].map((s) => Type.Literal(s)));
const Params = Closed({ callbackId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$' }) });
const ListQuery = Closed({
  status: Type.Optional(Status),
  queueId: Type.Optional(EntityIdParam),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});
const RescheduleBody = Closed({ at: Type.String({ format: 'date-time', description: 'When to call back (ISO 8601 with a time zone)' }) });
const date = Type.String({ format: 'date-time' });
const Callback = Closed({
  id: Type.String(),
  queueId: Type.String(),
  number: Type.String(),
  language: Type.String(),
  priority: Type.Number(),
  arrivedAt: date,
  requestedAt: date,
  scheduledAt: Type.Optional(date),
  dueAt: date,
  status: Status,
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  lastOutcome: Type.Optional(Type.String()),
  agentId: Type.Optional(Type.String()),
  merged: Type.Integer(),
  data: Type.Record(Type.String(), Type.String()),
  updatedAt: date,
  finishedAt: Type.Optional(date),
});

const iso = (ms: number): string => new Date(ms).toISOString();
function view(r: CallbackRecord): Static<typeof Callback> {
  return {
    id: r.id,
    queueId: r.queueId,
    number: r.number,
    language: r.language,
    priority: r.priority,
    arrivedAt: iso(r.arrivedAt),
    requestedAt: iso(r.requestedAt),
    ...(r.scheduledAt !== undefined ? { scheduledAt: iso(r.scheduledAt) } : {}),
    dueAt: iso(r.dueAt),
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    ...(r.lastOutcome !== undefined ? { lastOutcome: r.lastOutcome } : {}),
    ...(r.agentId !== undefined ? { agentId: r.agentId } : {}),
    merged: r.merged,
    data: r.data,
    updatedAt: iso(r.updatedAt),
    ...(r.finishedAt !== undefined ? { finishedAt: iso(r.finishedAt) } : {}),
  };
}

export const callbackRoutes: FastifyPluginAsync<{ callbacks: CallbacksApi | undefined }> = async (app, { callbacks }) => {
  const need = (): CallbacksApi => callbacks ?? (() => { throw callbacksNotConfigured(); })();
  const errs = (...s: number[]) => errorResponses(503, ...s);

  app.get<{ Querystring: Static<typeof ListQuery> }>('/callbacks', {
    config: { access: 'read' },
    schema: { tags: ['callbacks'], summary: 'Call-back requests, newest first', querystring: ListQuery, response: { 200: Closed({ callbacks: Type.Array(Callback) }), ...errs() } },
  }, async (request) => {
    const { status, queueId, limit } = request.query;
    return { callbacks: (await need().list({ limit, ...(status ? { status: status as CallbackRecord['status'] } : {}), ...(queueId ? { queueId } : {}) })).map(view) };
  });

  app.get<{ Params: Static<typeof Params> }>('/callbacks/:callbackId', {
    config: { access: 'read' },
    schema: { tags: ['callbacks'], summary: 'One call-back request', params: Params, response: { 200: Callback, ...errs(404) } },
  }, async (request) => {
    const r = await need().get(request.params.callbackId);
    if (!r) throw notFound(`call-back ${request.params.callbackId}`);
    return view(r);
  });

  app.post<{ Params: Static<typeof Params> }>('/callbacks/:callbackId/cancel', {
    config: { access: 'control' },
    schema: { tags: ['callbacks'], summary: 'Cancel a call-back', params: Params, body: EmptyBody, response: { 200: Callback, ...errs(404, 409) } },
  }, async (request) => {
    const r = await need().cancel(request.params.callbackId);
    request.log.info({ callbackId: r.id, by: request.principal?.name }, 'call-back cancelled');
    return view(r);
  });

  app.post<{ Params: Static<typeof Params>; Body: Static<typeof RescheduleBody> }>('/callbacks/:callbackId/reschedule', {
    config: { access: 'control' },
    schema: { tags: ['callbacks'], summary: 'Move a call-back to another time', params: Params, body: RescheduleBody, response: { 200: Callback, ...errs(404, 409, 413, 415, 422) } },
  }, async (request) => {
    const at = Date.parse(request.body.at);
    if (Number.isNaN(at)) throw new ApiError(400, 'BAD_REQUEST', 'body/at must be a date-time');
    const r = await need().reschedule(request.params.callbackId, at);
    request.log.info({ callbackId: r.id, dueAt: r.dueAt, by: request.principal?.name }, 'call-back rescheduled');
    return view(r);
  });
};
