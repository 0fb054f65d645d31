/**
 * The far end of a simulated call: the caller of an inbound call, the agent
 * or customer of an outbound one. A test or the CLI acts through it, live
 * (press, say, speak, hangup) or with a script of CallerActions consumed one
 * per input operation (see docs/simulator.md).
 */
import type { HangupCause } from '../port.ts';
import type { CallerAction } from './caller-script.ts';
import type { SimCall, SimOperation } from './sim-call.ts';
import { hungUpError } from './hung-up-error.ts';
import type { HeardEntry, ListenKind, ScriptEnd } from './types.ts';

export class SimParty {
  private readonly queue: CallerAction[];
  private listenWaiters: Array<{ resolve: (k: ListenKind) => void; reject: (e: Error) => void }> | null = null;
  /** The operation that asked for input while the script was empty (it may still get a scripted action). */
  private starved: SimOperation | null = null;

  constructor(
    readonly call: SimCall,
    script: CallerAction[],
    /** What happens when the script runs out. */
    public onScriptEnd: ScriptEnd,
  ) {
    this.queue = [...script];
  }

  /** What this party heard (the call's log). */
  get heard(): readonly HeardEntry[] {
    return this.call.heard;
  }

  /** True once the call has ended, whoever hung up. */
  get hungUp(): boolean {
    return this.call.isEnded;
  }

  /** Script actions not yet performed. */
  get pendingActions(): readonly CallerAction[] {
    return this.queue;
  }

  /** Presses keys, one by one. Keys pressed while nothing listens are buffered (type-ahead). No effect after hang-up. */
  press(digits: string): void {
    this.call.pressKeys(digits);
  }

  /** Says a phrase (for gatherSpeech; a collect ignores it). */
  say(text: string, confidence = 0.9): void {
    this.call.deliver({ type: 'speech', text, confidence });
  }

  /** Talks for `ms` (for record), then presses `thenDigits` if given. */
  speak(ms: number, thenDigits?: string): void {
    this.call.deliver(thenDigits ? { type: 'speak', ms, thenDigits } : { type: 'speak', ms });
  }

  /**
   * Lets the current wait time out (with onScriptEnd 'wait' an auto-advancing
   * clock otherwise holds still while the call listens).
   */
  silence(): void {
    if (this.starved === this.call.currentOperation) this.starved = null;
    this.call.holdRelease();
  }

  /** Hangs up. Default cause: 'caller' for the caller of an inbound call, 'agent' for the callee of an outbound call. */
  hangup(cause?: HangupCause): void {
    void this.call.hangup(cause ?? (this.call.info.direction === 'inbound' ? 'caller' : 'agent'));
  }

  /** Queues more actions. If the call is waiting for input it had no action for, the first one happens now. */
  script(actions: CallerAction[]): void {
    this.queue.push(...actions);
    const op = this.starved;
    if (op && op === this.call.currentOperation && this.call.listening && !op.inputSeen && this.queue.length > 0) {
      this.starved = null;
      this.call.holdRelease();
      this.perform(this.queue.shift()!);
    }
  }

  /** Resolves when the call next waits for input (at once if it is waiting now). Rejects with CallHungUpError if the call ends. */
  waitForListening(): Promise<ListenKind> {
    const now = this.call.listening;
    if (now) return Promise.resolve(now);
    if (this.call.isEnded) return Promise.reject(hungUpError(this.call.info.id));
    return new Promise((resolve, reject) => (this.listenWaiters ??= []).push({ resolve, reject }));
  }

  /** Resolves with the first heard prompt matching (see SimCall.waitForPrompt). */
  waitForPrompt(match: string | RegExp | ((e: HeardEntry) => boolean), since = 0): Promise<HeardEntry> {
    return this.call.waitForPrompt(match, since);
  }

  // ------------------------------------------------------ hooks (SimCall)

  /** @internal An input operation started: an action with afterMs is scheduled from now. */
  operationStarted(op: SimOperation): void {
    const next = this.queue[0];
    if (!next || !('afterMs' in next) || next.afterMs === undefined) return;
    op.scriptUsed = true;
    this.call.opTimer(op, next.afterMs, () => {
      if (this.queue[0] === next) this.queue.shift();
      this.perform(next);
    });
  }

  /** @internal The call waits for input. */
  listening(kind: ListenKind, op: SimOperation): void {
    const waiters = this.listenWaiters;
    this.listenWaiters = null;
    for (const w of waiters ?? []) w.resolve(kind);
    if (op.scriptUsed || op.inputSeen || this.call.isEnded || this.call.currentOperation !== op) return;
    op.scriptUsed = true;
    const action = this.queue.shift();
    if (action) {
      this.perform(action);
      return;
    }
    switch (this.onScriptEnd) {
      case 'hangup':
        this.hangup();
        return;
      case 'wait':
        this.starved = op;
        this.call.holdForLiveInput();
        return;
      case 'silence':
        this.starved = op;
        return;
    }
  }

  /** @internal */
  callEnded(): void {
    this.starved = null;
    const waiters = this.listenWaiters;
    this.listenWaiters = null;
    for (const w of waiters ?? []) w.reject(hungUpError(this.call.info.id));
  }

  private perform(a: CallerAction): void {
    if ('digits' in a) this.press(a.digits);
    else if ('say' in a) this.say(a.say, a.confidence ?? 0.9);
    else if ('speakMs' in a) this.speak(a.speakMs, a.thenDigits);
    else if ('hangup' in a) this.hangup();
    // { silence: true }: nothing happens; the operation's timeout elapses.
  }
}
