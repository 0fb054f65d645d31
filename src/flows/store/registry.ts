/**
 * This instance's view of the published flows: an in-memory map kept in step
 * with the shared store by pub/sub (every instance serves a new publish within
 * milliseconds), a full reload after a reconnect, and a periodic resync as the
 * durable fallback should a message be lost.
 *
 * The engine gets a FlowDocument per call, so a call in progress keeps the
 * version it started with whatever is published meanwhile.
 */
import type { RedisClient } from '../../util/redis-client.ts';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../util/clock.ts';
import type { FlowDocument } from '../flow-schema.ts';
import { FlowStore } from './flow-store.ts';
import type { FlowEvent } from './keys.ts';

export interface PublishedFlows {
  /** The live version of a flow, if one is published. */
  get(flowId: string): FlowDocument | undefined;
}

export interface RegistryChange {
  flowId: string;
  /** Live version after the change; undefined when the flow is gone. */
  version: number | undefined;
  cause: FlowEvent['type'] | 'reload';
}

export interface FlowRegistryOptions {
  store: FlowStore;
  /** A connection of its own (subscribe mode), e.g. redis.duplicate(). The registry quits it on stop(). */
  subscriber: RedisClient;
  clock: Clock;
  logger: Logger;
  /** Full reload period (fallback for lost messages). 0 disables. Default 30 s. */
  resyncMs?: number;
}

export class FlowRegistry implements PublishedFlows {
  private readonly flows = new Map<string, { version: number; doc: FlowDocument }>();
  private readonly listeners = new Set<(change: RegistryChange) => void>();
  private chain: Promise<void> = Promise.resolve();
  private resyncTimer: TimerHandle | undefined;
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly options: FlowRegistryOptions) {
    this.log = options.logger.child({ component: 'flow-registry' });
  }

  get(flowId: string): FlowDocument | undefined {
    return this.flows.get(flowId)?.doc;
  }

  version(flowId: string): number | undefined {
    return this.flows.get(flowId)?.version;
  }

  ids(): string[] {
    return [...this.flows.keys()].sort();
  }

  /** Listens for changes of the live versions; returns a function that stops listening. */
  onChange(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const sub = this.options.subscriber;
    sub.on('message', (channel: string, message: string) => {
      if (channel !== this.options.store.keys.channel) return;
      const event = FlowStore.parseEvent(message);
      if (!event) {
        this.log.warn({ channel }, 'ignoring a malformed flow event');
        return;
      }
      this.enqueue(() => this.apply(event));
    });
    // The first 'ready' is the initial connection (unless it happened already); later ones are reconnections.
    let first = sub.status !== 'ready';
    sub.on('ready', () => {
      if (first) {
        first = false;
        return;
      }
      this.log.info('flow events connection is back: reloading published flows');
      this.enqueue(() => this.reload());
    });
    await sub.subscribe(this.options.store.keys.channel);
    await this.enqueueAndWait(() => this.reload());
    this.scheduleResync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.resyncTimer?.cancel();
    await this.chain;
    await this.options.subscriber.quit().catch((err: unknown) => this.log.warn({ err }, 'closing the flow events connection failed'));
  }

  /** Reads every published flow from the store. */
  async reload(): Promise<void> {
    const all = await this.options.store.allPublished();
    const seen = new Set<string>();
    for (const v of all) {
      seen.add(v.flowId);
      if (this.flows.get(v.flowId)?.version !== v.version) {
        this.flows.set(v.flowId, { version: v.version, doc: v.doc });
        this.emit({ flowId: v.flowId, version: v.version, cause: 'reload' });
      }
    }
    for (const id of [...this.flows.keys()]) {
      if (!seen.has(id)) {
        this.flows.delete(id);
        this.emit({ flowId: id, version: undefined, cause: 'reload' });
      }
    }
  }

  private async apply(event: FlowEvent): Promise<void> {
    if (event.type === 'deleted') {
      this.flows.delete(event.flowId);
      this.emit({ flowId: event.flowId, version: undefined, cause: 'deleted' });
      return;
    }
    if (event.type === 'status') {
      this.emit({ flowId: event.flowId, version: this.version(event.flowId), cause: 'status' });
      return;
    }
    const v = await this.options.store.getVersion(event.flowId, event.version);
    if (!v) {
      this.log.warn({ flowId: event.flowId, version: event.version }, 'published version not found; reloading');
      await this.reload();
      return;
    }
    this.flows.set(event.flowId, { version: v.version, doc: v.doc });
    this.log.info({ flowId: event.flowId, version: v.version }, 'flow version is live');
    this.emit({ flowId: event.flowId, version: v.version, cause: 'published' });
  }

  private emit(change: RegistryChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.log.error({ err }, 'flow change listener failed');
      }
    }
  }

  /** Events are applied one at a time, in the order Redis delivered them. */
  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(task).catch((err: unknown) => {
      this.log.error({ err }, 'applying a flow change failed; the next resync will retry');
    });
  }

  private enqueueAndWait(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task);
    this.chain = run.catch((err: unknown) => {
      this.log.error({ err }, 'loading published flows failed');
    });
    return run;
  }

  private scheduleResync(): void {
    const ms = this.options.resyncMs ?? 30_000;
    if (ms <= 0 || this.stopped) return;
    this.resyncTimer = this.options.clock.setTimer(ms, () => {
      if (this.stopped) return;
      this.enqueue(() => this.reload());
      this.scheduleResync();
    });
  }
}
