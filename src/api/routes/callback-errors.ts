/** Call-back failures as API errors. */
import { CallbackError, type CallbackErrorCode } from '../../callbacks/model.ts';
import { ApiError, type ErrorMapper } from '../errors.ts';

const status: Partial<Record<CallbackErrorCode, number>> = {
  CALLBACK_NOT_FOUND: 404,
  CALLBACK_FINISHED: 409,
  CALLBACK_IN_PROGRESS: 409,
  CALLBACK_INVALID_NUMBER: 422,
  CALLBACK_INVALID_TIME: 422,
};

export const callbackErrorMapper: ErrorMapper = (err) => {
  if (err instanceof CallbackError) {
    const s = status[err.code];
    if (s !== undefined) return new ApiError(s, err.code, err.message);
  }
  return undefined;
};

export const callbacksNotConfigured = (): ApiError => new ApiError(503, 'NOT_CONFIGURED', 'call-backs are not running on this instance');
