/** ACD failures as API errors. */
import { AcdError, type AcdErrorCode } from '../../acd/errors.ts';
import { AcdConfigError } from '../../acd/model.ts';
import { ApiError, type ErrorMapper } from '../errors.ts';

const status: Partial<Record<AcdErrorCode, number>> = {
  NO_QUEUE: 404,
  UNKNOWN_AGENT: 404,
  UNKNOWN_QUEUE: 404,
  INVALID_TRANSITION: 409,
  AGENT_BUSY: 409,
  QUEUE_BUSY: 409,
  CONNECTED: 409,
  DUPLICATE: 409,
  BAD_OP: 400,
};

export const acdErrorMapper: ErrorMapper = (err) => {
  if (err instanceof AcdConfigError) {
    return new ApiError(422, err.code, `${err.where} is invalid`, err.problems.map((p) => {
      const m = /^(\/\S*): (.*)$/.exec(p);
      return { file: err.where, pointer: m?.[1] ?? '', message: m?.[2] ?? p, severity: 'error' as const };
    }));
  }
  if (err instanceof AcdError) {
    const s = status[err.code];
    // Codes not listed are internal faults (a bad reply from Redis...): a plain 500.
    if (s !== undefined) return new ApiError(s, err.code, err.message);
  }
  return undefined;
};

export const acdNotConfigured = (): ApiError => new ApiError(503, 'NOT_CONFIGURED', 'the ACD is not running on this instance');
