/**
 * Agents: configuration CRUD (admin), live states (supervisor), state control
 * (supervisor, or the agent itself with a token bound to its id), statistics.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AGENT_STATES, AgentConfig } from '../../acd/model.ts';
import { ApiError, notFound } from '../errors.ts';
import type { AcdApi, AgentCommand } from '../ports.ts';
import { Closed, EmptyBody, EntityIdParam, errorResponses } from '../schemas.ts';
import { acdNotConfigured } from './acd-errors.ts';

const Params = Closed({ agentId: EntityIdParam });
const AgentBody = Type.Partial(AgentConfig, { additionalProperties: false, description: 'An agent; fields left out take their defaults. `id`, when given, must equal the address.' });
const State = Type.Union(AGENT_STATES.map((s) => Type.Literal(s)));
const AgentLive = Closed({
  agentId: Type.String(),
  state: State,
  since: Type.Optional(Type.String({ format: 'date-time' })),
  pauseReason: Type.Optional(Type.String()),
  wrapUntil: Type.Optional(Type.String({ format: 'date-time' })),
  queueId: Type.Optional(Type.String()),
  callId: Type.Optional(Type.String()),
});
const Figures = Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()]));
const AgentStats = Closed({ agentId: Type.String(), state: Type.Optional(State), today: Figures, last15Minutes: Figures });
const PauseBody = Closed({ reason: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,31}$', description: 'Why: break, lunch, training… (an identifier; missed, unreachable and lost-call are set only by the ACD and refused here)' }) });
const ExtendBody = Closed({ seconds: Type.Integer({ minimum: 1, maximum: 3600 }) });

type Live = Awaited<ReturnType<AcdApi['agentState']>> & object;
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const liveView = (a: Live): Static<typeof AgentLive> => ({
  agentId: a.agentId,
  state: a.state,
  ...(a.since !== undefined ? { since: iso(a.since) } : {}),
  ...(a.pauseReason !== undefined ? { pauseReason: a.pauseReason } : {}),
  ...(a.wrapUntil !== undefined ? { wrapUntil: iso(a.wrapUntil) } : {}),
  ...(a.queueId !== undefined ? { queueId: a.queueId } : {}),
  ...(a.callId !== undefined ? { callId: a.callId } : {}),
});

export const agentRoutes: FastifyPluginAsync<{ acd: AcdApi | undefined }> = async (app, { acd }) => {
  const need = (): AcdApi => acd ?? (() => { throw acdNotConfigured(); })();
  const errs = (...s: number[]) => errorResponses(503, ...s);

  app.get('/agents', {
    config: { access: 'read' },
    schema: { tags: ['agents'], summary: 'Every agent’s configuration', response: { 200: Closed({ agents: Type.Array(AgentConfig) }), ...errs() } },
  }, async () => ({ agents: await need().listAgents() }));

  app.get('/agent-states', {
    config: { access: 'read' },
    schema: { tags: ['agents'], summary: 'Live state of every agent', response: { 200: Closed({ agents: Type.Array(AgentLive) }), ...errs() } },
  }, async () => ({ agents: (await need().agentStates()).map(liveView) }));

  app.get<{ Params: Static<typeof Params> }>('/agents/:agentId', {
    config: { access: 'agent-self' },
    schema: { tags: ['agents'], summary: 'One agent’s configuration', params: Params, response: { 200: AgentConfig, ...errs(404) } },
  }, async (request) => {
    const a = await need().getAgent(request.params.agentId);
    if (!a) throw notFound(`agent ${request.params.agentId}`);
    return a;
  });

  app.put<{ Params: Static<typeof Params>; Body: Static<typeof AgentBody> }>('/agents/:agentId', {
    config: { access: 'admin' },
    schema: { tags: ['agents'], summary: 'Create or replace an agent', params: Params, body: AgentBody, response: { 200: AgentConfig, 201: AgentConfig, ...errs(413, 415, 422) } },
  }, async (request, reply) => {
    const { agentId } = request.params;
    if (request.body.id !== undefined && request.body.id !== agentId) throw new ApiError(400, 'ID_MISMATCH', `body id "${request.body.id}" must equal the agent id in the address`);
    const { agent, created } = await need().putAgent({ ...request.body, id: agentId });
    request.log.info({ agentId, created, by: request.principal?.name }, 'agent saved');
    return reply.status(created ? 201 : 200).send(agent);
  });

  app.delete<{ Params: Static<typeof Params> }>('/agents/:agentId', {
    config: { access: 'admin' },
    schema: { tags: ['agents'], summary: 'Delete an agent', params: Params, response: { 204: Type.Null(), ...errs(404, 409) } },
  }, async (request, reply) => {
    if (!(await need().deleteAgent(request.params.agentId))) throw notFound(`agent ${request.params.agentId}`);
    request.log.info({ agentId: request.params.agentId, by: request.principal?.name }, 'agent deleted');
    return reply.status(204).send();
  });

  app.get<{ Params: Static<typeof Params> }>('/agents/:agentId/state', {
    config: { access: 'agent-self' },
    schema: { tags: ['agents'], summary: 'An agent’s live state', params: Params, response: { 200: AgentLive, ...errs(404) } },
  }, async (request) => {
    const s = await need().agentState(request.params.agentId);
    if (!s) throw notFound(`agent ${request.params.agentId}`);
    return liveView(s);
  });

  app.get<{ Params: Static<typeof Params> }>('/agents/:agentId/stats', {
    config: { access: 'agent-self' },
    schema: { tags: ['agents'], summary: 'An agent’s statistics: today and the last 15 minutes', params: Params, response: { 200: AgentStats, ...errs(404) } },
  }, async (request) => {
    const s = await need().agentStats(request.params.agentId);
    if (!s) throw notFound(`agent ${request.params.agentId}`);
    return s;
  });

  /** A state-control route; `command` gets the body already checked against `body`. */
  const control = (path: string, summary: string, body: TSchema | undefined, command: (b: unknown) => AgentCommand): void => {
    app.post<{ Params: Static<typeof Params>; Body: unknown }>(`/agents/:agentId/${path}`, {
      config: { access: 'agent-self' },
      schema: { tags: ['agents'], summary, params: Params, body: body ?? EmptyBody, response: { 200: AgentLive, ...errs(404, 409) } },
    }, async (request) => {
      const cmd = command(request.body);
      const s = await need().controlAgent(request.params.agentId, cmd);
      request.log.info({ agentId: request.params.agentId, op: cmd.op, state: s.state, by: request.principal?.name }, 'agent state changed');
      return liveView(s);
    });
  };
  control('login', 'Log in (the agent becomes available)', undefined, () => ({ op: 'login' }));
  control('logout', 'Log out', undefined, () => ({ op: 'logout' }));
  control('pause', 'Pause with a reason', PauseBody, (b) => ({ op: 'pause', reason: (b as Static<typeof PauseBody>).reason }));
  control('ready', 'Ready: end a pause', undefined, () => ({ op: 'ready' }));
  control('wrapup/end', 'End wrap-up now', undefined, () => ({ op: 'end-wrapup' }));
  control('wrapup/extend', 'Extend wrap-up', ExtendBody, (b) => ({ op: 'extend-wrapup', seconds: (b as Static<typeof ExtendBody>).seconds }));
};
