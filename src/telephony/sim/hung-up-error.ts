/** The simulator's CallHungUpError. */
import { CallHungUpError } from '../errors.ts';

/**
 * A CallHungUpError without stack frames: the simulator makes one for every
 * call that ends, nothing reads its stack, and capturing it is a measurable
 * share of a simulated call (bench:flows). Where the hang-up came from is in
 * the call's event log.
 */
export function hungUpError(callId: string): CallHungUpError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CallHungUpError(callId);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
