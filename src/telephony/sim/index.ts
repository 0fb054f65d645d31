/** The simulated telephony driver (see docs/simulator.md). */
export { SimTelephony, type SimTelephonyOptions, type IncomingOptions } from './sim-telephony.ts';
export { SimCall, type SimActivity } from './sim-call.ts';
export { SimParty } from './sim-party.ts';
export { describePrompt, promptMs, speechMs } from './describe-prompt.ts';
export type { CallerAction } from './caller-script.ts';
export { parseCallerInput, parseCallerAction, describeAction, InputSyntaxError } from './input-syntax.ts';
export type {
  EndpointBehaviour,
  EndpointSpec,
  HeardEntry,
  ListenKind,
  ScriptEnd,
  SimCallHandle,
  SimDialRecord,
  SimEvent,
  SimEventKind,
} from './types.ts';
