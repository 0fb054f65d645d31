/** ACD failures with stable codes (the Lua scripts' status strings). Branch on `code`, never on message text. */

export type AcdErrorCode =
  | 'NO_QUEUE'
  | 'UNKNOWN_AGENT'
  | 'UNKNOWN_QUEUE'
  | 'INVALID_TRANSITION'
  | 'AGENT_BUSY'
  | 'QUEUE_BUSY'
  | 'ENTRY_GONE'
  | 'NOT_RESERVED'
  | 'NOT_ON_CALL'
  | 'CONNECTED'
  | 'DUPLICATE'
  | 'BAD_OP'
  | 'BAD_REPLY'
  | 'NOT_STARTED';

export class AcdError extends Error {
  constructor(
    readonly code: AcdErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'AcdError';
  }
}

const KNOWN = new Set<string>([
  'NO_QUEUE',
  'UNKNOWN_AGENT',
  'UNKNOWN_QUEUE',
  'INVALID_TRANSITION',
  'AGENT_BUSY',
  'QUEUE_BUSY',
  'ENTRY_GONE',
  'NOT_RESERVED',
  'NOT_ON_CALL',
  'CONNECTED',
  'DUPLICATE',
  'BAD_OP',
]);

export function isAcdErrorCode(s: string): s is AcdErrorCode {
  return KNOWN.has(s);
}
