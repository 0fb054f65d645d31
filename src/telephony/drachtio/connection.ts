/**
 * Keeps the driver connected to drachtio-server and FreeSWITCH, with
 * exponential back-off, and reports the state for readiness.
 *
 * drachtio: Srf reconnects a dropped socket by itself; a wrong secret makes
 * it report an authentication error about every 250 ms forever, so after an
 * authentication failure we disconnect and try again on our own back-off.
 * FreeSWITCH: one fsmrf connect attempt at a time, bounded by a timeout (a
 * wrong event-socket password never settles) after which the attempt is
 * aborted, so it cannot connect later beside the next one; a lost connection
 * is replaced by a fresh one after back-off.
 */
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../util/clock.ts';
import type { MediaConnector, MediaServer, SignalingStack } from './types.ts';

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

/** initial, 2×, 4×, ... capped at max. `attempt` counts from 1. */
export function backoffDelay(b: BackoffSettings, attempt: number): number {
  const exp = Math.min(30, Math.max(0, attempt - 1));
  return Math.min(b.maxMs, b.initialMs * 2 ** exp);
}

export type SignalingState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'auth-failed' | 'stopped';

export class SignalingSupervisor {
  state: SignalingState = 'idle';
  hostport: string | undefined;
  private authFailures = 0;
  private errors = 0;
  private retry: TimerHandle | undefined;

  constructor(
    private readonly stack: SignalingStack,
    private readonly backoff: BackoffSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    stack.onConnect((err, hostport) => this.onConnect(err, hostport));
    stack.onError((err) => this.onError(err));
    stack.onClose(() => {
      if (this.state === 'connected') {
        this.state = 'disconnected';
        this.logger.warn('drachtio-server connection closed; drachtio-srf reconnects');
      }
    });
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'connecting';
    this.stack.connect();
  }

  stop(): void {
    this.state = 'stopped';
    this.retry?.cancel();
    this.retry = undefined;
    this.stack.disconnect();
  }

  private onConnect(err: Error | undefined, hostport: string | undefined): void {
    if (this.state === 'stopped') return;
    if (!err) {
      if (this.authFailures > 0 || this.errors > 0) this.logger.info('drachtio-server connection restored');
      this.state = 'connected';
      this.hostport = hostport;
      this.authFailures = 0;
      this.errors = 0;
      this.logger.info({ hostport }, 'connected to drachtio-server');
      return;
    }
    this.state = 'auth-failed';
    if (this.retry) return; // already backing off; a stray event from the old socket
    this.authFailures++;
    const delay = backoffDelay(this.backoff, this.authFailures);
    this.logger.error({ attempt: this.authFailures, retryInMs: delay }, 'drachtio-server refused our secret (check DRACHTIO_SECRET)');
    this.stack.disconnect();
    this.retry = this.clock.setTimer(delay, () => {
      this.retry = undefined;
      if (this.state === 'stopped') return;
      this.state = 'connecting';
      this.stack.connect();
    });
  }

  private onError(err: Error): void {
    if (this.state === 'stopped') return;
    if (this.state !== 'auth-failed') this.state = 'disconnected';
    this.errors++;
    // Srf retries every few hundred ms while the server is down: log the first and then every 20th.
    if (this.errors === 1 || this.errors % 20 === 0) {
      this.logger.warn({ err: { message: err.message }, failures: this.errors }, 'drachtio-server unreachable; retrying');
    }
  }
}

export type MediaState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'stopped';

export class MediaSupervisor {
  state: MediaState = 'idle';
  current: MediaServer | null = null;
  private failures = 0;
  private retry: TimerHandle | undefined;
  private attemptSeq = 0;
  /** The attempt in flight, aborted when the supervisor stops. */
  private pending: AbortController | undefined;

  constructor(
    private readonly connector: MediaConnector,
    private readonly backoff: BackoffSettings,
    private readonly connectTimeoutMs: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.state !== 'idle') return;
    this.attempt();
  }

  stop(): void {
    this.state = 'stopped';
    this.retry?.cancel();
    this.retry = undefined;
    this.pending?.abort();
    this.pending = undefined;
    this.current?.disconnect();
    this.current = null;
  }

  private attempt(): void {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    const seq = ++this.attemptSeq;
    // One attempt at a time: a timed-out attempt is aborted (it must not connect later beside the next one).
    const ctl = new AbortController();
    this.pending = ctl;
    let timedOut = false;
    const timeout = this.clock.setTimer(this.connectTimeoutMs, () => {
      timedOut = true;
      ctl.abort();
      this.failed(new Error(`no answer from FreeSWITCH within ${this.connectTimeoutMs} ms (wrong event-socket password?)`));
    });
    // Not clock.external(): a hung attempt (wrong password) must not freeze a virtual clock.
    this.connector.connect(ctl.signal).then(
      (ms) => {
        timeout.cancel();
        if (this.pending === ctl) this.pending = undefined;
        if (timedOut || seq !== this.attemptSeq || this.state === 'stopped') {
          ms.disconnect();
          return;
        }
        this.connected(ms);
      },
      (err: unknown) => {
        timeout.cancel();
        if (this.pending === ctl) this.pending = undefined;
        if (timedOut || seq !== this.attemptSeq) return;
        this.failed(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  private connected(ms: MediaServer): void {
    if (this.failures > 0) this.logger.info({ after: this.failures }, 'FreeSWITCH connection restored');
    else this.logger.info('connected to FreeSWITCH');
    this.failures = 0;
    this.current = ms;
    this.state = 'connected';
    ms.onEnd(() => {
      if (this.current !== ms) return;
      this.current = null;
      ms.disconnect();
      if (this.state === 'stopped') return;
      this.logger.error('lost the FreeSWITCH event socket; reconnecting');
      this.state = 'disconnected';
      this.schedule();
    });
  }

  private failed(err: Error): void {
    if (this.state === 'stopped') return;
    this.attemptSeq++; // a late answer of this attempt is discarded
    this.state = 'disconnected';
    this.failures++;
    if (this.failures === 1 || this.failures % 10 === 0) {
      this.logger.warn({ err: { message: err.message }, failures: this.failures }, 'cannot connect to FreeSWITCH; retrying');
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.retry || this.state === 'stopped') return;
    const delay = backoffDelay(this.backoff, Math.max(1, this.failures));
    this.retry = this.clock.setTimer(delay, () => {
      this.retry = undefined;
      this.attempt();
    });
  }
}
