/** Routing: which dialed number (DID) runs which flow. "*" is the default route. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { PublishedFlows } from '../../flows/store/registry.ts';
import type { RouteTable } from '../../routing/route-table.ts';
import { notFound } from '../errors.ts';
import { Closed, DidParam, errorResponses, FlowIdParam } from '../schemas.ts';

const Route = Closed({ did: Type.String(), flowId: Type.String(), live: Type.Boolean({ description: 'The flow has a published version on this instance' }) });
const Params = Closed({ did: DidParam });
const Body = Closed({ flowId: FlowIdParam });

export const routingRoutes: FastifyPluginAsync<{ routes: RouteTable; published: PublishedFlows }> = async (app, { routes, published }) => {
  const view = (r: { did: string; flowId: string }): Static<typeof Route> => ({ ...r, live: published.get(r.flowId) !== undefined });

  app.get('/routes', {
    config: { access: 'read' },
    schema: { tags: ['routing'], summary: 'Every route: dialed number → flow', response: { 200: Closed({ routes: Type.Array(Route) }), ...errorResponses() } },
  }, async () => ({ routes: (await routes.list()).map(view) }));

  app.get<{ Params: Static<typeof Params> }>('/routes/:did', {
    config: { access: 'read' },
    schema: { tags: ['routing'], summary: 'The route of one number', params: Params, response: { 200: Route, ...errorResponses(404) } },
  }, async (request) => {
    const flowId = await routes.get(request.params.did);
    if (!flowId) throw notFound(`route for ${request.params.did}`);
    return view({ did: request.params.did, flowId });
  });

  app.put<{ Params: Static<typeof Params>; Body: Static<typeof Body> }>('/routes/:did', {
    config: { access: 'admin' },
    schema: {
      tags: ['routing'],
      summary: 'Point a number at a flow (the flow must have a published version)',
      params: Params,
      body: Body,
      response: { 200: Route, ...errorResponses(413, 415, 422) },
    },
  }, async (request) => {
    await routes.set(request.params.did, request.body.flowId);
    request.log.info({ did: request.params.did, flowId: request.body.flowId, by: request.principal?.name }, 'route set');
    return view({ did: request.params.did, flowId: request.body.flowId });
  });

  app.delete<{ Params: Static<typeof Params> }>('/routes/:did', {
    config: { access: 'admin' },
    schema: { tags: ['routing'], summary: 'Remove the route of a number', params: Params, response: { 204: Type.Null(), ...errorResponses(404) } },
  }, async (request, reply) => {
    if (!(await routes.delete(request.params.did))) throw notFound(`route for ${request.params.did}`);
    request.log.info({ did: request.params.did, by: request.principal?.name }, 'route removed');
    return reply.status(204).send();
  });
};
