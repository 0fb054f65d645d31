/** Failures of the caller-input nodes (menu, collect, language). Branch on `code`, never on the message. */

export type InputNodeErrorCode =
  /** The language asked for is not one the flow declares. */
  | 'UNSUPPORTED_LANGUAGE'
  /** A collect node's validation pattern does not compile (normally caught when the flow is loaded). */
  | 'BAD_PATTERN';

export class InputNodeError extends Error {
  constructor(
    readonly code: InputNodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InputNodeError';
  }
}
