/**
 * Schemas shared by the API's routes. Every route declares params, query,
 * body and responses (errors included) with TypeBox: the single source of
 * request validation and of the OpenAPI document.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Issue = Type.Object(
  {
    file: Type.String(),
    pointer: Type.String({ description: 'JSON pointer into the document, "" for the whole document' }),
    message: Type.String(),
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  },
  { additionalProperties: false, description: 'A problem found in a flow' },
);

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'Stable error code, e.g. BAD_REQUEST, UNAUTHORIZED, FLOW_INVALID' }),
    message: Type.String(),
    /** Problems of a document, each with its JSON pointer (flows, queue and agent configuration). */
    issues: Type.Optional(Type.Array(Issue)),
  },
  { additionalProperties: false, description: 'An error. 5xx bodies never carry internal details.' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** The error responses every authenticated route may give. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody, 500: ErrorBody };
  for (const s of statuses) out[s] = ErrorBody;
  return out;
}

export const FlowIdParam = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', description: 'Flow id: a letter, then letters, digits, _ or -' });
export const EntityIdParam = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', description: 'Identifier: a letter, then letters, digits, _ or -' });
export const DidParam = Type.String({ pattern: '^(\\*|\\+?[A-Za-z0-9][A-Za-z0-9._-]{0,63})$', description: 'Dialed number (DID), or "*" for the default route' });
export const CallIdParam = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$', description: 'Call id' });

export const NoContent = Type.Null({ description: 'No content' });

/** A closed object: unknown fields are rejected (400), never silently dropped. */
export function Closed<T extends Parameters<typeof Type.Object>[0]>(properties: T, description?: string) {
  return Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
}

/** For POST routes that take no input: no body, or `{}`; anything else is a 400. */
export const EmptyBody = Type.Object({}, { additionalProperties: false, 'x-body-optional': true, description: 'No body, or {}' });
