/**
 * Ends the call legs an instance left behind when it died (see leg-book.ts).
 *
 * Every `scanMs` a live instance adopts the legs of instances whose lease
 * lapsed and looks at each: while FreeSWITCH still has the leg's channel
 * nothing is done (the caller is hearing the dialplan's apology, or is still
 * talking across a bridge FreeSWITCH kept up). Once the channel is gone
 * (FreeSWITCH hung up after the apology, the media timed out, the partner
 * hung up) the phone is sent BYE in its dialog, and the leg it was bridged
 * with is hung up too (its own BYE follows at the next scan). So nobody is
 * left in silence on a dialog nobody owns.
 *
 * Only legs on the same drachtio-server and FreeSWITCH as this instance are
 * handled (FreeSWITCH answers for its own channels only; drachtio-server
 * knows its own dialogs only); legs of other servers older than `maxAgeMs`
 * are forgotten.
 */
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../util/clock.ts';
import type { Leg, LegBook } from './leg-book.ts';

export interface JanitorSettings {
  scanMs: number;
  /** Orphans on other servers are dropped after this long. */
  maxAgeMs: number;
}

export interface JanitorDeps {
  book: LegBook;
  /** The servers this instance works with now; undefined while it is not connected to both. */
  servers(): { sipServer: string; mediaServer: string } | undefined;
  /** `uuid_exists` on this instance's FreeSWITCH. */
  channelExists(mediaId: string): Promise<boolean>;
  /** `uuid_kill` on this instance's FreeSWITCH. */
  killChannel(mediaId: string): Promise<void>;
  /** BYE in the dialog; false when drachtio-server no longer has it. Never rejects. */
  endDialog(dialogId: string): Promise<boolean>;
  clock: Clock;
  log: Logger;
}

export class OrphanJanitor {
  private timer: TimerHandle | undefined;
  private running = false;
  private scanning: Promise<void> | undefined;
  /**
   * Legs whose BYE is under way. A phone that never answers holds a BYE for
   * 32 s (SIP timer F): the scan goes on without waiting and passes over
   * them; each is forgotten when its BYE is answered or times out.
   */
  private readonly byeInFlight = new Set<string>();

  constructor(
    private readonly settings: JanitorSettings,
    private readonly deps: JanitorDeps,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.halt();
    await this.scanning;
  }

  halt(): void {
    this.running = false;
    this.timer?.cancel();
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.deps.clock.setTimer(this.settings.scanMs, () => {
      this.scanning = this.scan()
        .then(() => undefined)
        .catch((err: unknown) => this.deps.log.warn({ err }, 'orphaned legs: scan failed'))
        .finally(() => {
          this.scanning = undefined;
          this.schedule();
        });
    });
  }

  /** One pass (the timer runs it every scanMs). Returns how many legs it ended. */
  async scan(): Promise<number> {
    const here = this.deps.servers();
    if (!here) return 0;
    const orphans = await this.deps.book.adoptOrphans();
    const byId = new Map(orphans.map((l) => [l.id, l]));
    const now = this.deps.clock.now();
    let ended = 0;
    for (const leg of orphans) {
      if (leg.sipServer !== here.sipServer || leg.mediaServer !== here.mediaServer) {
        if (now - leg.openedAt > this.settings.maxAgeMs) {
          this.deps.log.warn({ leg: leg.id, sipServer: leg.sipServer, mediaServer: leg.mediaServer }, 'orphaned leg on other servers forgotten');
          await this.deps.book.dropOrphan(leg.id);
        }
        continue;
      }
      if (this.byeInFlight.has(leg.id) || (await this.deps.channelExists(leg.mediaId))) continue;
      await this.end(leg, byId.get(leg.partner ?? ''));
      ended++;
    }
    return ended;
  }

  /** Hangs up the partner's channel at once; the BYE goes on without the scan waiting for its answer. */
  private async end(leg: Leg, partner: Leg | undefined): Promise<void> {
    if (partner) await this.deps.killChannel(partner.mediaId);
    this.byeInFlight.add(leg.id);
    void this.deps
      .endDialog(leg.dialogId)
      .then(async (byeSent) => {
        await this.deps.book.dropOrphan(leg.id);
        this.deps.log.info({ leg: leg.id, byeSent, partner: partner?.id }, 'ended a call leg left by an instance that died');
      })
      .catch((err: unknown) => this.deps.log.warn({ err, leg: leg.id }, 'orphaned leg: could not forget it (tried again at the next scan)'))
      .finally(() => this.byeInFlight.delete(leg.id));
  }
}
