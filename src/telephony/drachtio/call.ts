/**
 * One call leg on drachtio + FreeSWITCH: a SIP dialog (caller's or agent's)
 * and the FreeSWITCH endpoint its media is anchored on. Implements the port's
 * Call: every media operation is cancellable (uuid_break), hang-up rejects
 * pending operations with CallHungUpError and aborts `ended`.
 *
 * DTMF: RFC 2833 digits arrive as FreeSWITCH DTMF events; SIP INFO digits
 * arrive on the dialog and are injected into the channel (uuid_recv_dtmf), so
 * both reach the same place. Digit collection runs here, on the injected
 * clock, with the port's exact semantics.
 */
import { EventEmitter } from 'node:events';
import { unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import { anySignal, type Clock, type TimerHandle } from '../../util/clock.ts';
import { CallHungUpError, MediaError, TelephonyError, TransferFailedError } from '../errors.ts';
import type {
  BridgeEnd,
  Call,
  CallEventMap,
  CallInfo,
  CollectDigitsOptions,
  CollectDigitsResult,
  GatherSpeechOptions,
  GatherSpeechResult,
  HangupCause,
  PlayOptions,
  PlayResult,
  Prompt,
  RecordOptions,
  RecordResult,
} from '../port.ts';
import { dtmfFromInfo, headerNumber, parseSpeechResult, promptApp, promptFileString, voiceFor, type MediaSettings } from './media.ts';
import type { FsEvent, MediaEndpoint, SipDialog } from './types.ts';

const ABORTED: unique symbol = Symbol('aborted');
type Aborted = typeof ABORTED;

export interface CallDeps {
  clock: Clock;
  logger: Logger;
  media: MediaSettings;
  /** Told once when the call has ended (the driver forgets it). */
  onEnded(call: DrachtioCall): void;
  /** Told when two calls are bridged (`bridged` true) and when that bridge ends. */
  onBridge?(a: DrachtioCall, b: DrachtioCall, bridged: boolean): void;
}

type DigitOutcome =
  | { kind: 'digits'; digits: string; terminator?: string }
  | { kind: 'noinput' }
  | { kind: 'incomplete'; digits: string };

/** Shorter recordings cut by a hang-up are taken as empty (a click, not a message). */
const MIN_HANGUP_RECORDING_MS = 1000;

/** Length of one piece of music on hold (see startMusicOnHold): at most this long on hold after the service died. */
const MOH_PIECE_SECONDS = 60;

export class DrachtioCall implements Call {
  readonly ended: AbortSignal;
  readonly answered = true;
  private readonly endCtl = new AbortController();
  private readonly events = new EventEmitter();
  private readonly digitListeners = new Set<(digit: string) => void>();
  private readonly log: Logger;
  private mohActive = false;
  /** Which startMusicOnHold the running music belongs to (a later start ends an earlier loop). */
  private mohGeneration = 0;
  private bridgedWith: DrachtioCall | null = null;
  /** The language last given to FreeSWITCH as the channel's ivr_language ('': not set, the apology comes in every language; see noteLanguage). */
  private channelLanguage = '';
  private teardown: Promise<void> | null = null;

  constructor(
    readonly info: CallInfo,
    readonly endpoint: MediaEndpoint,
    private readonly dialog: SipDialog,
    private readonly deps: CallDeps,
  ) {
    this.ended = this.endCtl.signal;
    this.log = deps.logger.child({ callId: info.id });

    dialog.onDestroy(() => this.finish('caller'));
    endpoint.onDestroy((cause) => {
      if (!this.ended.aborted) {
        if (cause === 'MEDIA_TIMEOUT') this.log.warn({ cause }, 'no media from the far end for media_timeout: FreeSWITCH ended the channel (dead phone or network?)');
        else this.log.warn({ cause }, 'FreeSWITCH channel ended under a live call');
      }
      this.finish('error');
    });
    endpoint.onDtmf((digit) => {
      for (const l of [...this.digitListeners]) l(digit);
      this.events.emit('dtmf', digit);
    });
    // Re-INVITE (hold/unhold, new address): pass the new SDP to FreeSWITCH and answer with its SDP.
    dialog.onModify((req, res) => {
      this.endpoint.modify(req.body).then(
        (sdp) => res.send(200, { body: sdp, headers: { 'Content-Type': 'application/sdp' } }),
        (err: unknown) => {
          this.log.warn({ err }, 're-INVITE could not be applied to FreeSWITCH');
          res.send(488);
        },
      );
    });
    // SIP INFO DTMF: into the channel, so it arrives like RFC 2833 digits.
    dialog.onInfo((req, res) => {
      const digit = dtmfFromInfo(req.get('content-type'), req.body ?? '');
      res.send(200);
      if (digit === undefined || this.ended.aborted) return;
      this.endpoint.api('uuid_recv_dtmf', `${this.endpoint.uuid} ${digit}`).catch((err: unknown) => {
        this.log.warn({ err }, 'SIP INFO digit could not be passed to FreeSWITCH');
      });
    });
  }

  // ---------------------------------------------------------------- events

  on<E extends keyof CallEventMap>(event: E, listener: (...args: CallEventMap[E]) => void): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof CallEventMap>(event: E, listener: (...args: CallEventMap[E]) => void): this {
    this.events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  // ------------------------------------------------------------- lifecycle

  async answer(): Promise<void> {
    // Inbound calls are answered when they are connected to FreeSWITCH; outbound ones when the far end answers.
    this.assertLive();
  }

  async hangup(cause: HangupCause = 'local'): Promise<void> {
    this.finish(cause);
    await this.teardown;
  }

  /** Ends the call once: aborts `ended`, tells listeners, releases the dialog and the channel. */
  private finish(cause: HangupCause): void {
    if (this.ended.aborted) return;
    // An inbound call's end is logged by the flow engine (with how it ended and its duration); a leg the
    // service dialed (agent, call-back customer) is logged only here.
    if (this.info.direction === 'outbound') this.log.info({ cause }, 'dialed leg ended');
    else this.log.debug({ cause }, 'inbound leg ended');
    this.endCtl.abort(new CallHungUpError(this.info.id));
    this.digitListeners.clear();
    this.events.emit('hangup', cause);
    this.teardown = Promise.all([this.dialog.destroy(), this.endpoint.destroy()]).then(() => undefined);
    this.deps.onEnded(this);
  }

  private assertLive(): void {
    if (this.ended.aborted) throw new CallHungUpError(this.info.id);
  }

  // ---------------------------------------------------------------- helpers

  private onDigit(listener: (digit: string) => void): () => void {
    this.digitListeners.add(listener);
    return () => this.digitListeners.delete(listener);
  }

  /** Stops whatever the channel is playing or recording (uuid_break all). */
  private async breakMedia(): Promise<void> {
    if (this.ended.aborted) return;
    try {
      await this.endpoint.api('uuid_break', `${this.endpoint.uuid} all`);
    } catch (err) {
      if (!this.ended.aborted) this.log.warn({ err }, 'uuid_break failed');
    }
  }

  private async exec(app: string, arg: string): Promise<FsEvent> {
    try {
      return await this.endpoint.execute(app, arg);
    } catch (err) {
      if (this.ended.aborted) throw new CallHungUpError(this.info.id);
      throw new MediaError(`${app} failed`, { cause: err });
    }
  }

  /**
   * Gives FreeSWITCH the call's language as the channel variable ivr_language
   * (the base code: pl, en…) when the caller is spoken to, and whenever it
   * changes: should this service die mid-call, the dialplan's apology is
   * spoken in it (freeswitch/conf/dialplan/mrf.xml), not in every language.
   * Prompts spoken in several languages at once (a welcome offering a
   * language choice) mean the caller's language is not known yet: the
   * variable is emptied and the apology comes in every language. Prompts
   * with no speech (files, tones) change nothing.
   */
  private async noteLanguage(prompts: readonly Prompt[], recognizing?: string): Promise<void> {
    const spoken = new Set<string>();
    for (const p of prompts) if (p.kind === 'tts') spoken.add(baseLanguage(p.language));
    if (recognizing !== undefined) spoken.add(baseLanguage(recognizing));
    if (spoken.size === 0) return;
    const [only] = spoken;
    const language = spoken.size === 1 && /^[a-z]{2,3}$/.test(only!) ? only! : '';
    if (language === this.channelLanguage) return;
    this.channelLanguage = language;
    await this.exec('set', `ivr_language=${language}`);
  }

  /** Plays one prompt to its end (or until broken). */
  private async playOne(prompt: Prompt): Promise<void> {
    const { app, arg, timedMs } = promptApp(this.deps.media, prompt);
    let timer: TimerHandle | undefined;
    if (timedMs !== undefined) timer = this.deps.clock.setTimer(timedMs, () => void this.breakMedia());
    try {
      const evt = await this.exec(app, arg);
      const response = evt.getHeader('Application-Response');
      if (response === 'FILE NOT FOUND') {
        throw new MediaError(`prompt file not found: ${prompt.kind === 'file' ? prompt.path : arg}`, { code: 'FILE_NOT_FOUND' });
      }
    } finally {
      timer?.cancel();
    }
  }

  /**
   * Runs a media operation: stops music on hold first; resolves ABORTED
   * promptly when `signal` aborts (and breaks the channel's media); rejects
   * with CallHungUpError when the call ends first.
   */
  private async guard<T>(signal: AbortSignal | undefined, run: (stop: AbortSignal) => Promise<T>): Promise<T | Aborted> {
    this.assertLive();
    if (signal?.aborted) return ABORTED;
    await this.stopMusicOnHold();
    const stop = anySignal([signal, this.ended]);
    return new Promise<T | Aborted>((resolve, reject) => {
      let settled = false;
      const onStop = (): void => {
        if (settled) return;
        settled = true;
        if (this.ended.aborted) {
          reject(new CallHungUpError(this.info.id));
          return;
        }
        void this.breakMedia();
        resolve(ABORTED);
      };
      stop.addEventListener('abort', onStop, { once: true });
      run(stop).then(
        (value) => {
          stop.removeEventListener('abort', onStop);
          if (settled) return;
          settled = true;
          if (this.ended.aborted) reject(new CallHungUpError(this.info.id));
          else resolve(value);
        },
        (err: unknown) => {
          stop.removeEventListener('abort', onStop);
          if (settled) return;
          settled = true;
          reject(this.ended.aborted ? new CallHungUpError(this.info.id) : err);
        },
      );
    });
  }

  /**
   * Plays prompts while collecting keys (the port's collect semantics):
   * barge-in stops the prompts, the first-digit timer starts when they end,
   * each key re-arms the inter-digit timer.
   */
  private collect(
    stop: AbortSignal,
    prompts: Prompt[],
    o: { bargeIn: boolean; minDigits: number; maxDigits: number; terminators: string; firstDigitTimeoutMs: number; interDigitTimeoutMs: number },
    onFirstDigit?: () => void,
  ): Promise<DigitOutcome> {
    const clock = this.deps.clock;
    return new Promise<DigitOutcome>((resolve, reject) => {
      const digits: string[] = [];
      let timer: TimerHandle | undefined;
      let promptsDone = false;
      let done = false;
      const finish = (result: DigitOutcome | Error): void => {
        if (done) return;
        done = true;
        timer?.cancel();
        off();
        stop.removeEventListener('abort', onStop);
        if (!promptsDone) void this.breakMedia();
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const onTimeout = (): void => {
        if (digits.length === 0) finish({ kind: 'noinput' });
        else if (digits.length >= o.minDigits) finish({ kind: 'digits', digits: digits.join('') });
        else finish({ kind: 'incomplete', digits: digits.join('') });
      };
      const arm = (ms: number): void => {
        timer?.cancel();
        timer = clock.setTimer(ms, onTimeout);
      };
      const onStop = (): void => {
        done = true;
        timer?.cancel();
        off();
      };
      stop.addEventListener('abort', onStop, { once: true });
      const off = this.onDigit((d) => {
        if (done) return;
        if (!promptsDone) {
          if (!o.bargeIn) return;
          promptsDone = true;
          void this.breakMedia();
        }
        if (digits.length === 0) onFirstDigit?.();
        if (o.terminators.includes(d)) {
          const got = digits.join('');
          if (got.length >= o.minDigits) finish({ kind: 'digits', digits: got, terminator: d });
          else finish({ kind: 'incomplete', digits: got });
          return;
        }
        digits.push(d);
        if (digits.length >= o.maxDigits) finish({ kind: 'digits', digits: digits.join('') });
        else arm(o.interDigitTimeoutMs);
      });
      void (async () => {
        try {
          for (const p of prompts) {
            if (done || promptsDone || stop.aborted) return;
            await this.playOne(p);
          }
        } catch (err) {
          if (!done && !promptsDone) finish(err instanceof Error ? err : new MediaError('prompt failed', { cause: err }));
          return;
        }
        if (done || promptsDone || stop.aborted) return;
        promptsDone = true;
        arm(o.firstDigitTimeoutMs);
      })();
    });
  }

  // ------------------------------------------------------------------ media

  async play(prompts: Prompt[], options: PlayOptions = {}): Promise<PlayResult> {
    const r = await this.guard(options.signal, async (stop) => {
      await this.noteLanguage(prompts);
      let digit: string | undefined;
      const off = options.bargeIn
        ? this.onDigit((d) => {
            if (digit !== undefined) return;
            digit = d;
            void this.breakMedia();
          })
        : () => false;
      try {
        for (const p of prompts) {
          if (stop.aborted || digit !== undefined) break;
          await this.playOne(p);
        }
      } finally {
        off();
      }
      return digit !== undefined ? ({ kind: 'interrupted', digit } as const) : ({ kind: 'completed' } as const);
    });
    return r === ABORTED ? { kind: 'aborted' } : r;
  }

  async collectDigits(options: CollectDigitsOptions): Promise<CollectDigitsResult> {
    const r = await this.guard(options.signal, async (stop) => {
      await this.noteLanguage(options.prompts);
      return this.collect(stop, options.prompts, {
        bargeIn: options.bargeIn ?? true,
        minDigits: options.minDigits,
        maxDigits: options.maxDigits,
        terminators: options.terminators,
        firstDigitTimeoutMs: options.firstDigitTimeoutMs,
        interDigitTimeoutMs: options.interDigitTimeoutMs,
      });
    });
    return r === ABORTED ? { kind: 'aborted' } : r;
  }

  async gatherSpeech(options: GatherSpeechOptions): Promise<GatherSpeechResult> {
    const media = this.deps.media;
    const r = await this.guard(options.signal, async (stop): Promise<GatherSpeechResult> => {
      const dtmf = options.dtmf;
      await this.noteLanguage(options.prompts, media.asrEngine ? options.language : undefined);
      if (!media.asrEngine) {
        // No recognizer configured: the DTMF path always works; otherwise the caller hears the prompts, then noinput.
        const out = await this.collect(stop, options.prompts, {
          bargeIn: options.bargeIn ?? true,
          minDigits: 1,
          maxDigits: dtmf ? dtmf.maxDigits : Number.MAX_SAFE_INTEGER,
          terminators: dtmf?.terminators ?? '',
          firstDigitTimeoutMs: options.noInputTimeoutMs,
          interDigitTimeoutMs: dtmf?.interDigitTimeoutMs ?? options.noInputTimeoutMs,
        });
        if (!dtmf || out.kind === 'noinput' || out.digits === '') return { kind: 'noinput' };
        return out.kind === 'digits' && out.terminator !== undefined
          ? { kind: 'digits', digits: out.digits, terminator: out.terminator }
          : { kind: 'digits', digits: out.digits };
      }

      // Speech: play_and_detect_speech, with DTMF alongside (the first key stops recognition).
      let keyed = false;
      let digitsPromise: Promise<DigitOutcome> | undefined;
      const keyStop = new AbortController();
      if (dtmf) {
        digitsPromise = this.collect(
          anySignal([stop, keyStop.signal]),
          [],
          {
            bargeIn: true,
            minDigits: 1,
            maxDigits: dtmf.maxDigits,
            terminators: dtmf.terminators,
            firstDigitTimeoutMs: 24 * 3600_000,
            interDigitTimeoutMs: dtmf.interDigitTimeoutMs,
          },
          () => {
            keyed = true;
            void this.breakMedia();
          },
        );
      }
      const language = options.language;
      await this.exec('set', `tts_engine=${media.ttsEngine}`);
      await this.exec('set', `tts_voice=${voiceFor(media, language)}`);
      const hints = options.hints.length > 0 ? `,hints=${options.hints.map((h) => h.replace(/[,{}]/g, ' ')).join('|')}` : '';
      const params = `{start-input-timers=false,no-input-timeout=${options.noInputTimeoutMs},language=${language}${hints}}`;
      const evt = await this.exec('play_and_detect_speech', `${promptFileString(media, options.prompts)} detect:${media.asrEngine} ${params}${media.asrGrammar}`);
      if (keyed && digitsPromise) {
        const out = await digitsPromise;
        if (out.kind === 'noinput' || out.digits === '') return { kind: 'noinput' };
        return out.kind === 'digits' && out.terminator !== undefined
          ? { kind: 'digits', digits: out.digits, terminator: out.terminator }
          : { kind: 'digits', digits: out.digits };
      }
      keyStop.abort();
      const speech = parseSpeechResult(evt.getHeader('variable_detect_speech_result'));
      return speech ? { kind: 'speech', text: speech.text, confidence: speech.confidence } : { kind: 'noinput' };
    });
    return r === ABORTED ? { kind: 'aborted' } : r;
  }

  /**
   * Music on hold plays in pieces that FreeSWITCH ends by itself
   * (`playback_timeout_sec`), each followed at once by the next while the music
   * is wanted. So if this service dies, the caller on hold is not left with
   * music forever: within a piece, the channel's dialplan goes on after the
   * event socket (freeswitch/conf/dialplan/mrf.xml), apologises and hangs up.
   */
  async startMusicOnHold(source?: string): Promise<void> {
    this.assertLive();
    await this.stopMusicOnHold();
    this.mohActive = true;
    const generation = ++this.mohGeneration;
    const src = source ?? this.deps.media.mohSource;
    const wanted = (): boolean => this.mohActive && this.mohGeneration === generation && !this.ended.aborted;
    // Not awaited: it plays until stopped. Its end (or failure) only matters for the log.
    void (async () => {
      try {
        await this.endpoint.execute('set', `playback_timeout_sec=${MOH_PIECE_SECONDS}`);
        while (wanted()) {
          const evt = await this.endpoint.execute('playback', src);
          if (evt.getHeader('Application-Response') === 'FILE NOT FOUND') {
            this.log.warn({ source: src }, 'music on hold source not found');
            return;
          }
        }
      } catch (err) {
        if (!this.ended.aborted) this.log.warn({ err }, 'music on hold failed');
      }
    })();
  }

  async stopMusicOnHold(): Promise<void> {
    if (!this.mohActive) return;
    this.mohActive = false;
    await this.breakMedia();
    // Prompts play to their end again.
    if (!this.ended.aborted) await this.endpoint.execute('set', 'playback_timeout_sec=0').catch(() => undefined);
  }

  async record(options: RecordOptions): Promise<RecordResult> {
    const media = this.deps.media;
    // Set once FreeSWITCH starts recording: a caller who hangs up instead of
    // pressing the terminator has still left a message (FreeSWITCH closes the
    // file on hang-up), so it is returned rather than lost.
    let started: { at: number; location: string } | undefined;
    let r: RecordResult | Aborted;
    try {
      r = await this.guard(options.signal, async (stop): Promise<RecordResult> => {
        if (options.beep) await this.playOne({ kind: 'tone', tone: 'beep' });
        if (stop.aborted) return { kind: 'empty' };
        const location = options.path ?? `${media.recordingsPath.replace(/\/+$/, '')}/${this.info.id}-${this.deps.clock.now()}.wav`;
        await this.exec('set', `playback_terminators=${options.terminators || 'none'}`);
        const silence = options.silenceSeconds && options.silenceSeconds > 0 ? ` 200 ${Math.round(options.silenceSeconds)}` : '';
        started = { at: this.deps.clock.now(), location };
        const evt = await this.exec('record', `${location} ${Math.max(1, Math.round(options.maxSeconds))}${silence}`);
        if (!this.ended.aborted) await this.exec('set', 'playback_terminators=none');
        const ms = headerNumber(evt.getHeader('variable_record_ms')) ?? (headerNumber(evt.getHeader('variable_record_seconds')) ?? 0) * 1000;
        const terminator = evt.getHeader('variable_playback_terminator_used');
        if (!(ms > 0)) {
          if (options.path === undefined) await this.discardEmptyRecording(location);
          return { kind: 'empty' };
        }
        return terminator ? { kind: 'recorded', location, durationMs: ms, terminator } : { kind: 'recorded', location, durationMs: ms };
      });
    } catch (err) {
      if (err instanceof CallHungUpError && started) {
        const durationMs = this.deps.clock.now() - started.at;
        if (durationMs >= MIN_HANGUP_RECORDING_MS) return { kind: 'recorded', location: started.location, durationMs, hungUp: true };
      }
      throw err;
    }
    return r === ABORTED ? { kind: 'aborted' } : r;
  }

  /**
   * FreeSWITCH leaves a header-only WAV for a recording with no audio. When its
   * recordings folder is also this service's (the shared volume of
   * docker-compose.yml), remove it; otherwise there is nothing we can do from
   * here (FreeSWITCH has no delete command short of running a shell).
   */
  private async discardEmptyRecording(location: string): Promise<void> {
    try {
      await unlink(location);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.log.debug({ location, code }, 'empty recording left where FreeSWITCH wrote it');
    }
  }

  // ------------------------------------------------------------ bridging

  async bridge(other: Call, options: { signal?: AbortSignal } = {}): Promise<BridgeEnd> {
    if (!(other instanceof DrachtioCall)) {
      throw new TelephonyError('BRIDGE_FAILED', 'can only bridge calls of the same drachtio driver');
    }
    this.assertLive();
    if (other.ended.aborted) return { endedBy: 'other' };
    if (options.signal?.aborted) return { endedBy: 'aborted' };
    await Promise.all([this.stopMusicOnHold(), other.stopMusicOnHold()]);
    try {
      await this.endpoint.bridge(other.endpoint);
    } catch (err) {
      if (this.ended.aborted) throw new CallHungUpError(this.info.id);
      if (other.ended.aborted) return { endedBy: 'other' };
      throw new TelephonyError('BRIDGE_FAILED', `bridging ${this.info.id} with ${other.info.id} failed`, { cause: err });
    }
    this.bridgedWith = other;
    other.bridgedWith = this;
    this.deps.onBridge?.(this, other, true);
    return new Promise<BridgeEnd>((resolve) => {
      const cleanup = (): void => {
        this.ended.removeEventListener('abort', onSelf);
        other.ended.removeEventListener('abort', onOther);
        options.signal?.removeEventListener('abort', onAbort);
        if (this.bridgedWith === other) this.bridgedWith = null;
        if (other.bridgedWith === this) other.bridgedWith = null;
        this.deps.onBridge?.(this, other, false);
      };
      // Hang-up on either side tears down the other.
      const onSelf = (): void => {
        cleanup();
        void other.hangup(this.info.direction === 'outbound' ? 'agent' : 'caller');
        resolve({ endedBy: 'self' });
      };
      const onOther = (): void => {
        cleanup();
        void this.hangup(other.info.direction === 'outbound' ? 'agent' : 'caller');
        resolve({ endedBy: 'other' });
      };
      const onAbort = (): void => {
        cleanup();
        this.endpoint.unbridge().catch((err: unknown) => this.log.warn({ err }, 'unbridge failed'));
        resolve({ endedBy: 'aborted' });
      };
      if (this.ended.aborted) return onSelf();
      if (other.ended.aborted) return onOther();
      this.ended.addEventListener('abort', onSelf, { once: true });
      other.ended.addEventListener('abort', onOther, { once: true });
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async transfer(target: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.assertLive();
    const referTo = target.startsWith('<') ? target : `<${target}>`;
    const status = await this.guard(options.signal, () => this.dialog.request('REFER', { 'Refer-To': referTo }));
    if (status === ABORTED) throw new TransferFailedError(target);
    if (status !== 202 && status !== 200) throw new TransferFailedError(target, status || undefined);
    this.log.info({ status }, 'call transferred');
    await this.hangup('transfer');
  }
}

/** "pl-PL" → "pl". */
function baseLanguage(language: string): string {
  return language.split('-')[0]!.toLowerCase();
}
