/**
 * The telephony port: the only interface between call logic (flows, engine,
 * ACD, call-backs) and a telephony backend (the simulated driver in sim/, the
 * drachtio + FreeSWITCH driver in drachtio/).
 *
 * Rules:
 * - Every long operation takes an AbortSignal. Aborting resolves or rejects the
 *   operation promptly and leaves nothing running (prompts stopped, timers
 *   cleared, legs cancelled).
 * - When the far end hangs up, every pending operation on that call rejects
 *   with CallHungUpError and `call.ended` is aborted.
 * - Results are typed values; failures are typed errors (errors.ts) with
 *   stable codes. Never branch on message text.
 */

/** What a caller hears. Text is already resolved to one language by the caller of the port. */
export type Prompt =
  | { kind: 'file'; path: string }
  | { kind: 'tts'; text: string; language: string; voice?: string }
  /** A tone: a named tone ('beep', 'ringback', 'busy') or a FreeSWITCH tone_stream spec like "%(500,0,800)". */
  | { kind: 'tone'; tone: string; durationMs?: number }
  | { kind: 'silence'; ms: number };

export interface PlayOptions {
  /** When true, a DTMF key (or speech, where a gather is active) stops the prompts. Default false for play. */
  bargeIn?: boolean;
  signal?: AbortSignal;
}

export type PlayResult =
  | { kind: 'completed' }
  /** Stopped by a key press (bargeIn). The key is NOT consumed by a later collect unless the driver buffers it; see `digit`. */
  | { kind: 'interrupted'; digit: string }
  | { kind: 'aborted' };

export interface CollectDigitsOptions {
  /** Prompts played before/while collecting. Empty: collect in silence. */
  prompts: Prompt[];
  /** Key presses stop the prompts and count as input. Default true. */
  bargeIn?: boolean;
  minDigits: number;
  maxDigits: number;
  /** Keys that end input, e.g. "#". They are not part of the digits. Empty string: none. */
  terminators: string;
  /** Time allowed for the first key after the prompts end. */
  firstDigitTimeoutMs: number;
  /** Time allowed between keys. */
  interDigitTimeoutMs: number;
  signal?: AbortSignal;
}

export type CollectDigitsResult =
  /** Input ended by max length, terminator, or inter-digit timeout with at least minDigits. */
  | { kind: 'digits'; digits: string; terminator?: string }
  /** Nothing pressed before the first-digit timeout. */
  | { kind: 'noinput' }
  /** Some keys, then a timeout or terminator before minDigits were pressed. */
  | { kind: 'incomplete'; digits: string }
  | { kind: 'aborted' };

export interface GatherSpeechOptions {
  prompts: Prompt[];
  bargeIn?: boolean;
  /** BCP-47-ish language code, e.g. "pl-PL" or "en-US". */
  language: string;
  /** Phrases the recognizer should favour. */
  hints: string[];
  /** Time allowed to start speaking after the prompts end. */
  noInputTimeoutMs: number;
  /** DTMF accepted at the same time; omit to ignore keys. */
  dtmf?: { maxDigits: number; terminators: string; interDigitTimeoutMs: number };
  signal?: AbortSignal;
}

export type GatherSpeechResult =
  | { kind: 'speech'; text: string; confidence: number }
  | { kind: 'digits'; digits: string; terminator?: string }
  | { kind: 'noinput' }
  | { kind: 'aborted' };

export interface RecordOptions {
  maxSeconds: number;
  /** Play a beep before recording starts. */
  beep: boolean;
  /** Keys that stop the recording, e.g. "#". */
  terminators: string;
  /** Stop after this much silence; 0 = never. */
  silenceSeconds?: number;
  /** Where to store the file; drivers pick a location when omitted. */
  path?: string;
  signal?: AbortSignal;
}

export type RecordResult =
  /**
   * A message was recorded. `hungUp`: the caller hung up while recording (the
   * usual end of a voicemail): the recording is kept and returned instead of a
   * CallHungUpError — the one exception to the hang-up rule.
   */
  | { kind: 'recorded'; location: string; durationMs: number; terminator?: string; hungUp?: boolean }
  /** Caller said nothing / recording empty. */
  | { kind: 'empty' }
  | { kind: 'aborted' };

export type BridgeEnd =
  /** This call hung up first. */
  | { endedBy: 'self' }
  /** The other call hung up first. */
  | { endedBy: 'other' }
  | { endedBy: 'aborted' };

export interface CallInfo {
  /** Unique id of this leg within the service (also used as the log binding). */
  id: string;
  direction: 'inbound' | 'outbound';
  /** Caller number as presented (E.164 or national), or 'anonymous' when withheld. */
  from: string;
  /** Dialed number (DID) for inbound calls; destination for outbound. */
  to: string;
  /** SIP headers of interest (lower-case names), e.g. x-account-id, diversion. */
  headers: Readonly<Record<string, string>>;
  /** Epoch ms when the call arrived or was dialed. */
  startedAt: number;
}

export type CallEventMap = {
  hangup: [cause: HangupCause];
  dtmf: [digit: string];
};

export type HangupCause = 'caller' | 'local' | 'agent' | 'transfer' | 'error' | 'shutdown';

export interface Call {
  readonly info: CallInfo;
  /** Aborted when the call ends, for whatever reason. Pass it (or a child of it) to every long operation. */
  readonly ended: AbortSignal;
  readonly answered: boolean;

  answer(): Promise<void>;
  play(prompts: Prompt[], options?: PlayOptions): Promise<PlayResult>;
  collectDigits(options: CollectDigitsOptions): Promise<CollectDigitsResult>;
  gatherSpeech(options: GatherSpeechOptions): Promise<GatherSpeechResult>;
  /** Starts music on hold (looping) until stopMusicOnHold, another media operation, or hang-up. */
  startMusicOnHold(source?: string): Promise<void>;
  stopMusicOnHold(): Promise<void>;
  /** Connects the two calls' audio until either side hangs up (or the signal aborts: then both stay up, unbridged). */
  bridge(other: Call, options?: { signal?: AbortSignal }): Promise<BridgeEnd>;
  /** Blind transfer (SIP REFER) to a SIP URI. The call ends for us when it succeeds. Throws TransferFailedError. */
  transfer(target: string, options?: { signal?: AbortSignal }): Promise<void>;
  record(options: RecordOptions): Promise<RecordResult>;
  hangup(cause?: HangupCause): Promise<void>;

  on<E extends keyof CallEventMap>(event: E, listener: (...args: CallEventMap[E]) => void): this;
  off<E extends keyof CallEventMap>(event: E, listener: (...args: CallEventMap[E]) => void): this;
}

export interface DialRequest {
  /** SIP URI (sip:1001@10.0.0.5) or a number to send through the configured trunk. */
  to: string;
  /** Caller id to present. */
  callerId?: string;
  ringTimeoutMs: number;
  /** Extra SIP headers, e.g. X-Queue. */
  headers?: Record<string, string>;
  /** Aborting cancels the attempt (CANCEL while ringing). */
  signal?: AbortSignal;
}

export type DialFailureReason = 'busy' | 'no-answer' | 'rejected' | 'failed' | 'cancelled';

export type DialResult =
  | { ok: true; call: Call }
  | { ok: false; reason: DialFailureReason; sipStatus?: number; detail?: string };

export type IncomingCallHandler = (call: Call) => void;

export interface Telephony {
  /** Registers the handler for new inbound calls (one handler; the composition root routes them). */
  onIncoming(handler: IncomingCallHandler): void;
  /** Places an outbound call; resolves when answered or failed. */
  dial(request: DialRequest): Promise<DialResult>;
  /** Health for readiness checks. */
  health(): Promise<{ ok: boolean; detail: Record<string, string> }>;
  /** Stops accepting calls; resolves when the backend is closed. */
  close(): Promise<void>;
}
