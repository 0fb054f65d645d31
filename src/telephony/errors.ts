/** Typed telephony failures with stable codes. Branch on `code` or `instanceof`, never on message text. */

export type TelephonyErrorCode =
  | 'CALL_HUNG_UP'
  | 'MEDIA_FAILED'
  | 'FILE_NOT_FOUND'
  | 'TRANSFER_FAILED'
  | 'BRIDGE_FAILED'
  | 'NOT_ANSWERED'
  | 'BACKEND_UNAVAILABLE';

export class TelephonyError extends Error {
  constructor(
    readonly code: TelephonyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TelephonyError';
  }
}

/** The call ended (far end hung up, or it was hung up locally) while an operation was pending. */
export class CallHungUpError extends TelephonyError {
  constructor(readonly callId: string) {
    super('CALL_HUNG_UP', `call ${callId} has hung up`);
    this.name = 'CallHungUpError';
  }
}

export class MediaError extends TelephonyError {
  constructor(message: string, options?: { cause?: unknown; code?: 'MEDIA_FAILED' | 'FILE_NOT_FOUND' }) {
    super(options?.code ?? 'MEDIA_FAILED', message, options);
    this.name = 'MediaError';
  }
}

export class TransferFailedError extends TelephonyError {
  constructor(
    readonly target: string,
    readonly sipStatus?: number,
  ) {
    super('TRANSFER_FAILED', `transfer to ${target} failed${sipStatus ? ` (${sipStatus})` : ''}`);
    this.name = 'TransferFailedError';
  }
}

export function isHangup(err: unknown): err is CallHungUpError {
  return err instanceof CallHungUpError;
}
