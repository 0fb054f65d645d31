/**
 * Prometheus metrics of one service instance, in a registry of its own (not
 * prom-client's global one), so that tests can build several instances.
 *
 * Instance metrics are counted as things happen (calls run by this instance,
 * flow node errors, Redis command latency); ACD figures (waiting callers,
 * agents per state, today's offered/answered/abandoned, service level, ASA)
 * are read from the ACD at scrape time through AcdMetricsSource.
 */
import { performance } from 'node:perf_hooks';
import type { Command } from 'ioredis';
import type { RedisClient } from '../util/redis-client.ts';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface QueueMetrics {
  queueId: string;
  waiting: number;
  /** Today (queue's time zone): calls offered, answered by an agent, abandoned by the caller. */
  offered: number;
  answered: number;
  abandoned: number;
  /** Share of answered calls answered within the queue's service-level threshold today, 0..1. */
  serviceLevel?: number;
  /** Average speed of answer today, seconds. */
  asaSeconds?: number;
  /** Abandons after the short-abandon threshold / (offered − short abandons) today, 0..1. */
  abandonRate?: number;
  /** Average handle time (talk + after-call work) today, seconds. */
  ahtSeconds?: number;
}

export interface AcdMetricsSource {
  snapshot(): Promise<{ queues: QueueMetrics[]; agentsByState: Record<string, number> }>;
}

export interface ServiceMetricsOptions {
  /** Also collect Node.js process metrics (default true). */
  processMetrics?: boolean;
  /** Labels added to every metric, e.g. { instance: "ivr-1" }. */
  defaultLabels?: Record<string, string>;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly callsHandled: Counter<'flow' | 'ended'>;
  readonly nodeErrors: Counter<'flow' | 'node'>;
  readonly activeCalls: Gauge;
  readonly redisLatency: Histogram<'command'>;
  private readonly queueWaiting: Gauge<'queue'>;
  private readonly queueOffered: Gauge<'queue'>;
  private readonly queueAnswered: Gauge<'queue'>;
  private readonly queueAbandoned: Gauge<'queue'>;
  private readonly queueServiceLevel: Gauge<'queue'>;
  private readonly queueAsa: Gauge<'queue'>;
  private readonly queueAbandonRate: Gauge<'queue'>;
  private readonly queueAht: Gauge<'queue'>;
  private readonly agentsByState: Gauge<'state'>;
  private acd: AcdMetricsSource | undefined;

  constructor(options: ServiceMetricsOptions = {}) {
    const registers = [this.registry];
    if (options.defaultLabels) this.registry.setDefaultLabels(options.defaultLabels);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'ivr_process_' });
    this.callsHandled = new Counter({ name: 'ivr_calls_total', help: 'Calls run by this instance, by flow and how they ended', labelNames: ['flow', 'ended'], registers });
    this.nodeErrors = new Counter({ name: 'ivr_flow_node_errors_total', help: 'Flow nodes that failed (took an error path)', labelNames: ['flow', 'node'], registers });
    this.activeCalls = new Gauge({ name: 'ivr_active_calls', help: 'Calls in progress on this instance', registers });
    this.redisLatency = new Histogram({
      name: 'ivr_redis_command_duration_seconds',
      help: 'Redis command latency seen by this instance',
      labelNames: ['command'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.queueWaiting = new Gauge({ name: 'ivr_queue_waiting', help: 'Callers waiting per queue', labelNames: ['queue'], registers });
    this.queueOffered = new Gauge({ name: 'ivr_queue_calls_offered_today', help: 'Calls offered to the queue today', labelNames: ['queue'], registers });
    this.queueAnswered = new Gauge({ name: 'ivr_queue_calls_answered_today', help: 'Calls answered by an agent today', labelNames: ['queue'], registers });
    this.queueAbandoned = new Gauge({ name: 'ivr_queue_calls_abandoned_today', help: 'Calls abandoned while waiting today', labelNames: ['queue'], registers });
    this.queueServiceLevel = new Gauge({ name: 'ivr_queue_service_level_ratio', help: 'Share of calls answered within the service-level threshold today (0..1)', labelNames: ['queue'], registers });
    this.queueAsa = new Gauge({ name: 'ivr_queue_asa_seconds', help: 'Average speed of answer today', labelNames: ['queue'], registers });
    this.queueAbandonRate = new Gauge({
      name: 'ivr_queue_abandon_rate_ratio',
      help: 'Callers who hung up after the short-abandon threshold / (offered − short abandons), today (0..1)',
      labelNames: ['queue'],
      registers,
    });
    this.queueAht = new Gauge({ name: 'ivr_queue_aht_seconds', help: 'Average handle time (talk + after-call work) today', labelNames: ['queue'], registers });
    this.agentsByState = new Gauge({ name: 'ivr_agents', help: 'Agents per state', labelNames: ['state'], registers });
  }

  /** Where ACD figures come from (set once the ACD exists). */
  setAcdSource(source: AcdMetricsSource | undefined): void {
    this.acd = source;
  }

  /** Counts a finished call and the node errors in its trace. */
  recordCall(flowId: string, ended: string, trace: ReadonlyArray<{ flowId: string; nodeId: string; outcome: string }>): void {
    this.callsHandled.inc({ flow: flowId, ended });
    for (const t of trace) if (t.outcome === 'error') this.nodeErrors.inc({ flow: t.flowId, node: t.nodeId });
  }

  /** The text exposition, with ACD figures read now. */
  async render(): Promise<string> {
    if (this.acd) {
      const snap = await this.acd.snapshot();
      for (const g of [this.queueWaiting, this.queueOffered, this.queueAnswered, this.queueAbandoned, this.queueServiceLevel, this.queueAsa, this.queueAbandonRate, this.queueAht, this.agentsByState]) g.reset();
      for (const q of snap.queues) {
        const l = { queue: q.queueId };
        this.queueWaiting.set(l, q.waiting);
        this.queueOffered.set(l, q.offered);
        this.queueAnswered.set(l, q.answered);
        this.queueAbandoned.set(l, q.abandoned);
        if (q.serviceLevel !== undefined) this.queueServiceLevel.set(l, q.serviceLevel);
        if (q.asaSeconds !== undefined) this.queueAsa.set(l, q.asaSeconds);
        if (q.abandonRate !== undefined) this.queueAbandonRate.set(l, q.abandonRate);
        if (q.ahtSeconds !== undefined) this.queueAht.set(l, q.ahtSeconds);
      }
      for (const [state, n] of Object.entries(snap.agentsByState)) this.agentsByState.set({ state }, n);
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Command names are a closed set; anything odd is bucketed as "other" to keep label cardinality bounded. */
const commandLabel = (name: string): string => (/^[a-z][a-z0-9_.-]{0,31}$/i.test(name) ? name.toLowerCase() : 'other');

/**
 * Measures every command sent on this client into `histogram` (a Cluster
 * client: each command once, including one redirected to another node).
 * Returns a function that undoes it.
 */
export function instrumentRedis(redis: RedisClient, histogram: Histogram<'command'>): () => void {
  const original = redis.sendCommand;
  const seen = new WeakSet<Command>();
  redis.sendCommand = function (this: RedisClient, command: Command, ...rest: unknown[]) {
    if (!seen.has(command)) {
      seen.add(command);
      const start = performance.now();
      const done = (): void => histogram.observe({ command: commandLabel(command.name) }, (performance.now() - start) / 1000);
      command.promise.then(done, done);
    }
    return Reflect.apply(original, this, [command, ...rest]);
  };
  return () => {
    redis.sendCommand = original;
  };
}
