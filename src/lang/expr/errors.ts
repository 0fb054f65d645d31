/**
 * Errors of the expression language. One class, a stable `code` to branch on,
 * and the 0-based character `position` in the source where the problem is.
 */

export type ExpressionErrorCode =
  /** The source is longer than MAX_EXPRESSION_LENGTH. */
  | 'EXPR_TOO_LONG'
  /** Nesting (parentheses, operators, calls) deeper than MAX_EXPRESSION_DEPTH. */
  | 'EXPR_TOO_DEEP'
  /** Not valid syntax: unexpected character or token, unterminated string... */
  | 'EXPR_SYNTAX'
  /** A call to a function the language does not have. */
  | 'EXPR_UNKNOWN_FUNCTION'
  /** A function called with the wrong number of arguments. */
  | 'EXPR_ARITY'
  /** A regular expression that does not compile, is too long or is unsafe. */
  | 'EXPR_BAD_REGEX'
  /** Evaluation: an operator or function got a value of the wrong type. */
  | 'EXPR_TYPE'
  /** Evaluation: division or remainder by zero. */
  | 'EXPR_DIVISION_BY_ZERO'
  /** Evaluation: a result that is not a finite number, or a text that is not a number. */
  | 'EXPR_NOT_A_NUMBER'
  /** Evaluation: a value too large to work on (text for matches(), result text). */
  | 'EXPR_TOO_LARGE';

export class ExpressionError extends Error {
  constructor(
    readonly code: ExpressionErrorCode,
    /** 0-based offset in the expression source. */
    readonly position: number,
    message: string,
    /** 'parse' for errors found before running (reported at flow load), 'evaluate' for run-time errors. */
    readonly phase: 'parse' | 'evaluate' = 'parse',
  ) {
    super(message);
    this.name = 'ExpressionError';
  }

  /** Message with the position, for flow check output: "at 7: unexpected ')'". */
  describe(): string {
    return `at ${this.position}: ${this.message}`;
  }
}
