/**
 * Errors as the API answers them: a stable code, a message that helps the
 * caller fix the request, and for documents every issue with its JSON
 * pointer. 5xx answers never carry internals (they are logged instead).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { FlowInvalidError, FlowStoreError } from '../flows/store/errors.ts';
import { RoutingError } from '../routing/route-table.ts';
import type { ErrorBody } from './schemas.ts';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: ErrorBody['issues'],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'NOT_FOUND', `${what} not found`);

/** Maps errors of the layers below to API errors; other mappers can be added by plugins. */
export type ErrorMapper = (err: unknown) => ApiError | undefined;

const flowStatus: Record<FlowStoreError['code'], number> = {
  FLOW_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  NO_PREVIOUS_VERSION: 409,
  FLOW_ROUTED: 409,
  FLOW_INVALID: 422,
  FLOW_ID_MISMATCH: 400,
  FLOW_NOT_PUBLISHED: 409,
  INVALID_ID: 400,
};

const routingStatus: Record<RoutingError['code'], number> = {
  INVALID_DID: 400,
  INVALID_ID: 400,
  FLOW_NOT_FOUND: 422,
  FLOW_NOT_PUBLISHED: 422,
  ROUTES_FILE_INVALID: 422,
};

export const mapDomainError: ErrorMapper = (err) => {
  if (err instanceof FlowInvalidError) return new ApiError(422, err.code, err.message, err.issues);
  if (err instanceof FlowStoreError) return new ApiError(flowStatus[err.code], err.code, err.message);
  if (err instanceof RoutingError) return new ApiError(routingStatus[err.code], err.code, err.message);
  return undefined;
};

interface ValidationDetail {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function describeValidation(err: FastifyError): string {
  const where = err.validationContext ?? 'request';
  const details = (err.validation ?? []) as ValidationDetail[];
  const parts = details.slice(0, 10).map((d) => {
    const extra = d.params && typeof d.params.additionalProperty === 'string' ? ` (${d.params.additionalProperty})` : '';
    return `${where}${d.instancePath || ''} ${d.message ?? 'is invalid'}${extra}`;
  });
  return parts.length > 0 ? parts.join('; ') : `${where} is invalid`;
}

const fastifyCodes: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'the body is empty but Content-Type is application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'BODY_TOO_LARGE', message: 'the body is larger than the configured limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST', message: 'Content-Length does not match the body' },
};

export function toApiError(err: unknown, mappers: readonly ErrorMapper[]): ApiError {
  if (err instanceof ApiError) return err;
  for (const m of mappers) {
    const mapped = m(err);
    if (mapped) return mapped;
  }
  const fe = err as Partial<FastifyError>;
  if (fe.validation) return new ApiError(400, 'BAD_REQUEST', describeValidation(fe as FastifyError));
  if (fe.code && fastifyCodes[fe.code]) {
    const c = fastifyCodes[fe.code]!;
    return new ApiError(c.status, c.code, c.message);
  }
  if (fe.statusCode === 429) return new ApiError(429, 'RATE_LIMITED', 'too many requests; retry later');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new ApiError(fe.statusCode, 'BAD_REQUEST', 'the request cannot be processed');
  }
  return new ApiError(500, 'INTERNAL', 'internal error');
}

export function installErrorHandling(app: FastifyInstance, mappers: readonly ErrorMapper[]): void {
  app.setErrorHandler((err, request, reply) => {
    const api = toApiError(err, mappers);
    if (api.statusCode >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: api.code, status: api.statusCode }, 'request refused');
    const body: ErrorBody = { error: api.code, message: api.message, ...(api.issues ? { issues: api.issues } : {}) };
    if (api.statusCode === 401) void reply.header('www-authenticate', 'Bearer');
    void reply.status(api.statusCode).send(body);
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.status(404).send({ error: 'NOT_FOUND', message: 'no such route' } satisfies ErrorBody);
  });
}
