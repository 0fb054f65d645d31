/** Failures of reading a value aloud. Branch on `code`. */

export type SayErrorCode =
  /** No wording module for the language (see SAY_LANGUAGES). */
  | 'SAY_UNSUPPORTED_LANGUAGE'
  /** The value cannot be read as the requested kind (e.g. "abc" as money). */
  | 'SAY_INVALID_VALUE'
  /** A number too large (|n| ≥ 10^15) or a year outside 1–9999. */
  | 'SAY_OUT_OF_RANGE'
  | 'SAY_UNSUPPORTED_CURRENCY'
  | 'SAY_INVALID_TIME_ZONE';

export class SayError extends Error {
  constructor(
    readonly code: SayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SayError';
  }
}
