/**
 * Flows: list, get, save (each save an immutable version), publish, roll
 * back, delete (refused while a number routes to it), validate without
 * saving, simulate a call with scripted caller input.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { FlowDocumentSchema, type FlowDocument } from '../../flows/flow-schema.ts';
import type { FlowAdmin } from '../../flows/store/admin.ts';
import type { FlowSummary } from '../../flows/store/flow-store.ts';
import { FlowInvalidError } from '../../flows/store/errors.ts';
import { ApiError, notFound } from '../errors.ts';
import type { FlowSimulator } from '../ports.ts';
import { Closed, EmptyBody, errorResponses, FlowIdParam, Issue } from '../schemas.ts';
import { BODY_OPTIONAL, HANDLER_VALIDATED } from '../validation.ts';

const { $id: _id, ...flowSchemaJson } = FlowDocumentSchema;

/** The flow document: documented from the flow schema, checked by the flow validator (every issue with its JSON pointer). */
const FlowBody = Type.Unsafe<unknown>({ ...flowSchemaJson, [HANDLER_VALIDATED]: 'flow-validator' });
/** A flow document in a response (serialized as is). */
const FlowOut = Type.Unsafe<FlowDocument>({ type: 'object', additionalProperties: true, description: 'A flow document (see the body of PUT /flows/{flowId})' });

const Summary = Closed({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  publishedVersion: Type.Optional(Type.Integer()),
  latestVersion: Type.Optional(Type.Integer()),
  previousVersion: Type.Optional(Type.Integer({ description: 'Version live before the current one (target of a rollback without a version)' })),
  updatedAt: Type.Optional(Type.String({ format: 'date-time' })),
  publishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  status: Type.Union([Type.Literal('ok'), Type.Literal('invalid')], { description: 'invalid: the source file’s last change did not validate; the published version keeps serving' }),
  statusAt: Type.Optional(Type.String({ format: 'date-time' })),
  statusFile: Type.Optional(Type.String()),
  issues: Type.Array(Issue),
});

const VersionInfo = Closed({
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  source: Type.Union([Type.Literal('api'), Type.Literal('file')]),
  author: Type.Optional(Type.String({ description: 'Token name or file name' })),
  hash: Type.String({ description: 'SHA-256 of the canonical JSON' }),
  published: Type.Boolean(),
});

const IdParams = Closed({ flowId: FlowIdParam });
const VersionParams = Closed({ flowId: FlowIdParam, version: Type.Integer({ minimum: 1 }) });
const SaveQuery = Closed({ publish: Type.Boolean({ default: false, description: 'Also make this version live' }) });
const SaveResult = Closed({
  flowId: Type.String(),
  version: Type.Integer(),
  created: Type.Boolean({ description: 'False when identical content was already stored as this version' }),
  published: Type.Boolean({ description: 'True when the live version changed' }),
  warnings: Type.Array(Issue),
});
const Published = Closed({ flowId: Type.String(), publishedVersion: Type.Integer() });
const RollbackBody = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1, description: 'Version to go back to; default: the one live before the current' })) },
  { additionalProperties: false, [BODY_OPTIONAL]: true, description: 'Optional' },
);
const ValidateResult = Closed({ valid: Type.Boolean(), issues: Type.Array(Issue) });

const CallerAction = Type.Union([
  Closed({ digits: Type.String({ pattern: '^[0-9*#A-D]{1,32}$' }) }, 'Presses keys'),
  Closed({ say: Type.String({ minLength: 1, maxLength: 500 }), confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })) }, 'Says a phrase'),
  Closed({ silence: Type.Literal(true) }, 'Stays silent'),
  Closed({ speakMs: Type.Integer({ minimum: 1, maximum: 600_000 }), thenDigits: Type.Optional(Type.String({ pattern: '^[0-9*#A-D]{1,32}$' })) }, 'Talks for a while'),
  Closed({ hangup: Type.Literal(true) }, 'Hangs up'),
]);
const SimulateBody = Closed({
  flowId: Type.Optional(FlowIdParam),
  flow: Type.Optional(Type.Unsafe<unknown>({ type: 'object', description: 'A flow document to try without saving (instead of flowId)' })),
  input: Type.Array(CallerAction, { maxItems: 200, default: [] }),
  language: Type.Optional(Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$' })),
  from: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+*#._-]{1,64}$' })),
  to: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+*#._-]{1,64}$' })),
});
const SimulateResult = Closed({
  flowId: Type.String(),
  version: Type.Optional(Type.Integer()),
  heard: Type.Array(Type.String()),
  path: Type.Array(Type.String()),
  ended: Type.String(),
  vars: Type.Record(Type.String(), Type.Unknown()),
  durationMs: Type.Integer(),
});

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function summaryView(s: FlowSummary): Static<typeof Summary> {
  return {
    id: s.id,
    ...(s.name !== undefined ? { name: s.name } : {}),
    ...(s.publishedVersion !== undefined ? { publishedVersion: s.publishedVersion } : {}),
    ...(s.latestVersion !== undefined ? { latestVersion: s.latestVersion } : {}),
    ...(s.previousVersion !== undefined ? { previousVersion: s.previousVersion } : {}),
    ...(s.updatedAt !== undefined ? { updatedAt: iso(s.updatedAt) } : {}),
    ...(s.publishedAt !== undefined ? { publishedAt: iso(s.publishedAt) } : {}),
    status: s.status,
    ...(s.statusAt !== undefined ? { statusAt: iso(s.statusAt) } : {}),
    ...(s.statusFile !== undefined ? { statusFile: s.statusFile } : {}),
    issues: s.issues,
  };
}

export const flowRoutes: FastifyPluginAsync<{ flows: FlowAdmin; simulate: FlowSimulator }> = async (app, { flows, simulate }) => {
  const store = flows.store;

  app.get('/flows', {
    config: { access: 'read' },
    schema: { tags: ['flows'], summary: 'Every flow with its live and latest version and status', response: { 200: Closed({ flows: Type.Array(Summary) }), ...errorResponses() } },
  }, async () => ({ flows: (await store.list()).map(summaryView) }));

  app.post<{ Body: unknown }>('/flows/validate', {
    config: { access: 'read' },
    schema: {
      tags: ['flows'],
      summary: 'Validate a flow without saving it (same checks as `ivr flows check`)',
      body: FlowBody,
      response: { 200: ValidateResult, ...errorResponses(413, 415) },
    },
  }, async (request) => {
    const result = await flows.check(request.body);
    return { valid: result.flow !== undefined && !result.issues.some((i) => i.severity === 'error'), issues: result.issues };
  });

  app.post<{ Body: Static<typeof SimulateBody> }>('/flows/simulate', {
    config: { access: 'read' },
    schema: {
      tags: ['flows'],
      summary: 'Run a flow with scripted caller input on the simulated driver: prompts heard and path taken',
      description: 'Give `flowId` (its published version) or a `flow` document. HTTP nodes get no network in simulations (they take their error exit); transfers are refused.',
      body: SimulateBody,
      response: { 200: SimulateResult, ...errorResponses(404, 413, 415, 422) },
    },
  }, async (request) => {
    const { flowId, flow: draft, input, language, from, to } = request.body;
    if ((flowId === undefined) === (draft === undefined)) throw new ApiError(400, 'BAD_REQUEST', 'body must have exactly one of flowId and flow');
    let flow: FlowDocument;
    let version: number | undefined;
    if (draft !== undefined) {
      const checked = await flows.check(draft);
      if (!checked.flow || checked.issues.some((i) => i.severity === 'error')) {
        const draftId = (draft as { id?: unknown }).id;
        throw new FlowInvalidError(typeof draftId === 'string' ? draftId : 'draft', checked.issues);
      }
      flow = checked.flow;
    } else {
      const published = await store.getPublished(flowId!);
      if (!published) throw notFound(`published flow ${flowId}`);
      flow = published.doc;
      version = published.version;
    }
    const others = (await store.allPublished()).map((v) => v.doc).filter((f) => f.id !== flow.id);
    const r = await simulate({ flow, flows: others, input, ...(language ? { language } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) });
    return { flowId: flow.id, ...(version !== undefined ? { version } : {}), ...r, durationMs: Math.round(r.durationMs) };
  });

  app.get<{ Params: Static<typeof IdParams> }>('/flows/:flowId', {
    config: { access: 'read' },
    schema: {
      tags: ['flows'],
      summary: 'A flow: its status and its live version (or the latest, when none is live)',
      params: IdParams,
      response: { 200: Closed({ summary: Summary, version: Type.Optional(Type.Integer()), flow: Type.Optional(FlowOut) }), ...errorResponses(404) },
    },
  }, async (request) => {
    const { flowId } = request.params;
    const summary = await store.summary(flowId);
    if (!summary) throw notFound(`flow ${flowId}`);
    const shown = summary.publishedVersion ?? summary.latestVersion;
    const v = shown === undefined ? undefined : await store.getVersion(flowId, shown);
    return { summary: summaryView(summary), ...(v ? { version: v.version, flow: v.doc } : {}) };
  });

  app.put<{ Params: Static<typeof IdParams>; Querystring: Static<typeof SaveQuery>; Body: unknown }>('/flows/:flowId', {
    config: { access: 'admin' },
    schema: {
      tags: ['flows'],
      summary: 'Create or replace a flow: stores a new immutable version (validated like `ivr flows check`; nothing is stored when invalid)',
      params: IdParams,
      querystring: SaveQuery,
      body: FlowBody,
      response: { 200: SaveResult, 201: SaveResult, ...errorResponses(413, 415, 422) },
    },
  }, async (request, reply) => {
    const { flowId } = request.params;
    const saved = await flows.save(flowId, request.body, { publish: request.query.publish, ...(request.principal ? { author: request.principal.name } : {}) });
    request.log.info({ flowId, version: saved.version, published: saved.published, by: request.principal?.name }, 'flow saved');
    return reply.status(saved.created ? 201 : 200).send({ flowId, ...saved });
  });

  app.delete<{ Params: Static<typeof IdParams> }>('/flows/:flowId', {
    config: { access: 'admin' },
    schema: {
      tags: ['flows'],
      summary: 'Delete a flow and all its versions (refused with 409 while a number routes to it)',
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses(404, 409) },
    },
  }, async (request, reply) => {
    const { flowId } = request.params;
    if (!(await flows.delete(flowId))) throw notFound(`flow ${flowId}`);
    request.log.info({ flowId, by: request.principal?.name }, 'flow deleted');
    return reply.status(204).send();
  });

  app.get<{ Params: Static<typeof IdParams> }>('/flows/:flowId/versions', {
    config: { access: 'read' },
    schema: { tags: ['flows'], summary: 'Versions of a flow, newest first', params: IdParams, response: { 200: Closed({ flowId: Type.String(), versions: Type.Array(VersionInfo) }), ...errorResponses(404) } },
  }, async (request) => {
    const { flowId } = request.params;
    const summary = await store.summary(flowId);
    if (!summary) throw notFound(`flow ${flowId}`);
    const versions = await store.listVersions(flowId);
    return {
      flowId,
      versions: versions.map((v) => ({
        version: v.version,
        createdAt: new Date(v.createdAt).toISOString(),
        source: v.source,
        ...(v.author ? { author: v.author } : {}),
        hash: v.hash,
        published: v.version === summary.publishedVersion,
      })),
    };
  });

  app.get<{ Params: Static<typeof VersionParams> }>('/flows/:flowId/versions/:version', {
    config: { access: 'read' },
    schema: { tags: ['flows'], summary: 'One version of a flow', params: VersionParams, response: { 200: Closed({ flowId: Type.String(), version: Type.Integer(), flow: FlowOut }), ...errorResponses(404) } },
  }, async (request) => {
    const { flowId, version } = request.params;
    const v = await store.getVersion(flowId, version);
    if (!v) throw notFound(`version ${version} of flow ${flowId}`);
    return { flowId, version, flow: v.doc };
  });

  app.post<{ Params: Static<typeof VersionParams> }>('/flows/:flowId/versions/:version/publish', {
    config: { access: 'admin' },
    schema: {
      tags: ['flows'],
      summary: 'Make a version live (every instance serves it within a second; calls in progress keep theirs)',
      params: VersionParams,
      body: EmptyBody,
      response: { 200: Published, ...errorResponses(404) },
    },
  }, async (request) => {
    const { flowId, version } = request.params;
    const live = await flows.publish(flowId, version);
    request.log.info({ flowId, version: live, by: request.principal?.name }, 'flow version published');
    return { flowId, publishedVersion: live };
  });

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RollbackBody> | undefined }>('/flows/:flowId/rollback', {
    config: { access: 'admin' },
    schema: {
      tags: ['flows'],
      summary: 'Roll back in one call: to the given version, or to the one live before the current',
      params: IdParams,
      body: RollbackBody,
      response: { 200: Published, ...errorResponses(404, 409) },
    },
  }, async (request) => {
    const { flowId } = request.params;
    const live = await flows.publish(flowId, request.body?.version);
    request.log.info({ flowId, version: live, by: request.principal?.name }, 'flow rolled back');
    return { flowId, publishedVersion: live };
  });
};
