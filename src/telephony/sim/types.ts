/** Shapes of the simulated driver's records (what tests and the CLI read). */
import type { DialFailureReason, DialRequest, Prompt } from '../port.ts';
import type { CallerAction } from './caller-script.ts';
import type { SimCall } from './sim-call.ts';
import type { SimParty } from './sim-party.ts';

/** One prompt a call heard. */
export interface HeardEntry {
  /** Clock time (epoch ms) when the prompt started. */
  at: number;
  prompt: Prompt;
  /** describePrompt(prompt), e.g. "tts[pl]: Dzień dobry". */
  text: string;
  /** True when the prompt did not play to its end. */
  interrupted?: boolean;
  /** What stopped it early: a key (barge-in), speech (barge-in), an abort/another operation, or hang-up. */
  stoppedBy?: 'digit' | 'speech' | 'aborted' | 'hangup';
}

export type SimEventKind =
  | 'answer'
  | 'moh-start'
  | 'moh-stop'
  | 'bridge'
  | 'unbridge'
  | 'transfer'
  | 'transfer-failed'
  | 'record-start'
  | 'record'
  | 'hangup'
  | 'dtmf'
  | 'speech'
  | 'speak';

/** A non-prompt event on a call. `detail` is e.g. the digit, the other call's id, the hang-up cause. */
export interface SimEvent {
  at: number;
  kind: SimEventKind;
  detail?: string;
}

/** What the call is waiting for when it listens. */
export type ListenKind = 'digits' | 'speech' | 'record';

/** What a scripted far end does when its script runs out. */
export type ScriptEnd = 'hangup' | 'silence' | 'wait';

export interface SimCallHandle {
  call: SimCall;
  party: SimParty;
}

/** How a registered far end answers a dial. */
export interface EndpointBehaviour {
  /** Ringing time before `result` happens (default 0). Longer than the dial's ringTimeoutMs: no-answer. */
  answerAfterMs?: number;
  /** Default 'answer'. */
  result?: 'answer' | 'busy' | 'no-answer' | 'rejected' | 'failed';
  /** The far end's actions once answered (when the call asks it for input). */
  script?: CallerAction[];
  /** Default 'silence'. */
  onScriptEnd?: ScriptEnd;
  /** Called when the far end answers, before dial() resolves. */
  onAnswer?: (party: SimParty) => void;
  /** Called when the caller cancels while this far end is ringing. */
  onCancel?: (req: DialRequest) => void;
}

export type EndpointSpec = EndpointBehaviour | ((req: DialRequest) => EndpointBehaviour | Promise<EndpointBehaviour>);

/** One dial attempt, as recorded by SimTelephony. */
export interface SimDialRecord {
  to: string;
  callerId?: string;
  headers: Record<string, string>;
  /** Clock time of the attempt. */
  at: number;
  /** 'pending' while ringing. */
  outcome: 'pending' | 'answered' | DialFailureReason;
  sipStatus?: number;
  /** The new call's id when answered. */
  callId?: string;
  /** Clock time when the outcome was known. */
  endedAt?: number;
}
