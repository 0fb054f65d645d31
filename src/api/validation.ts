/**
 * Request validation from the route schemas. Bodies are validated strictly
 * (no type coercion, unknown fields rejected, every error reported); the
 * address parts (params, querystring) are coerced from strings.
 *
 * A body schema marked with HANDLER_VALIDATED (flow documents) is documented
 * in OpenAPI but checked by the handler with the flow validator, which reports
 * every problem with its JSON pointer exactly like `ivr flows check`.
 */
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

export const HANDLER_VALIDATED = 'x-validated-by';
/** A body schema marked with BODY_OPTIONAL also accepts a request without a body. */
export const BODY_OPTIONAL = 'x-body-optional';

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    useDefaults: true,
    removeAdditional: false,
    coerceTypes: coerce ? 'array' : false,
  });
  addFormats.default(ajv);
  return ajv;
}

export function installValidation(app: FastifyInstance): void {
  const strict = makeAjv(false);
  const coercing = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart === 'body' && typeof schema === 'object' && schema !== null && HANDLER_VALIDATED in schema) {
      return () => true;
    }
    const ajv = httpPart === 'body' ? strict : coercing;
    const validate = ajv.compile(schema as AnySchema);
    if (httpPart !== 'body' || typeof schema !== 'object' || schema === null || !(BODY_OPTIONAL in schema)) return validate;
    // Fastify passes a missing body as null.
    const optional = (data: unknown): boolean => data === undefined || data === null || (validate(data) as boolean);
    Object.defineProperty(optional, 'errors', { get: () => validate.errors });
    return optional;
  });
}
