/**
 * Queue and agent configuration: TypeBox schemas (one source for the TS types,
 * the validation of files and API bodies, and the published JSON Schema of
 * ivr-flows/acd/*.json), and the shapes of live state and statistics.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Obj, Id, LocalizedText } from '../flows/common.ts';
import { BusinessHoursSchema, scheduleProblems } from '../util/business-hours.ts';

export const STRATEGIES = [
  'longest-idle-agent',
  'round-robin',
  'fewest-calls',
  'least-talk-time',
  'top-down',
  'random',
  'ring-all',
] as const;
export type Strategy = (typeof STRATEGIES)[number];

const SkillName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$', description: 'Skill name' });

export const QueueConfig = Obj(
  {
    id: Id,
    name: Type.String({ minLength: 1, description: 'Name spoken to agents in the whisper and shown to supervisors' }),
    strategy: Type.Union(
      STRATEGIES.map((s) => Type.Literal(s)),
      { default: 'longest-idle-agent', description: 'How an agent is chosen among equally skilled agents of the same tier' },
    ),
    ringTimeoutSeconds: Type.Number({ minimum: 1, maximum: 300, default: 20, description: 'How long an agent rings before the call goes back to the queue' }),
    wrapUpSeconds: Type.Number({ minimum: 0, maximum: 3600, default: 10, description: 'After-call work time; the agent can end it early or extend it' }),
    maxWaitSeconds: Type.Number({ minimum: 0, maximum: 86400, default: 0, description: 'Longest wait before the queue node takes its `timeout` exit; 0 = no limit' }),
    maxLength: Type.Integer({ minimum: 0, maximum: 100000, default: 0, description: 'Most callers waiting; a caller beyond it takes the `full` exit; 0 = no limit' }),
    maxMissed: Type.Integer({ minimum: 1, maximum: 100, default: 3, description: 'Ring-no-answers in a row after which an agent is paused with reason "missed"' }),
    missedRetrySeconds: Type.Number({ minimum: 0, maximum: 3600, default: 5, description: 'After a ring-no-answer, busy or reject, the agent is offered no call for this long' }),
    tierWaitSeconds: Type.Number({ minimum: 0, maximum: 3600, default: 0, description: 'A tier-N agent gets a caller only after (N−1)×this wait (and only when no better tier is free)' }),
    serviceLevelSeconds: Type.Number({ minimum: 1, maximum: 3600, default: 20, description: 'Service-level threshold: answered within it counts as within service level' }),
    shortAbandonSeconds: Type.Number({ minimum: 0, maximum: 600, default: 5, description: 'Abandons before this wait are short abandons, counted apart' }),
    noAgentsGraceSeconds: Type.Number({
      minimum: 0,
      maximum: 3600,
      default: 0,
      description: 'Callers already waiting when the last member logs out take the `no-agents` exit after this long, unless a member logs in again meanwhile',
    }),
    musicOnHold: Type.Optional(Type.String({ minLength: 1, description: 'Music on hold source (driver-specific); default: the driver default' })),
    announceEverySeconds: Type.Number({ minimum: 0, maximum: 3600, default: 30, description: 'Position/EWT announcement period; 0 = never' }),
    announcePosition: Type.Boolean({ default: true, description: 'Announce the caller’s position' }),
    announceWait: Type.Boolean({ default: true, description: 'Announce the estimated wait time' }),
    callbackOfferMinWaitSeconds: Type.Number({
      minimum: 0,
      maximum: 86400,
      default: 0,
      description:
        'When the queue node has a call-back key, each announcement ends with the offer to press it if the caller’s estimated wait is at least this long (0: always; an unknown wait counts as long)',
    }),
    whisper: Type.Optional(LocalizedText),
    timeZone: Type.Optional(Type.String({ minLength: 1, description: 'IANA time zone for "today" statistics; default: the ACD time zone' })),
    scanLimit: Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'How many head callers the assignment looks at per run (skills matching)' }),
    hours: Type.Optional(
      Type.Object(BusinessHoursSchema.properties, {
        additionalProperties: false,
        description:
          'Hours of operation: call-backs for this queue are offered slots and dialed only inside them (they win over CALLBACK_HOURS_FILE); absent: the file, else always open',
      }),
    ),
  },
  { description: 'A queue of the ACD' },
);
export type QueueConfig = Static<typeof QueueConfig>;
/** A queue config as written by ops: every field with a default may be left out. */
export type QueueConfigInput = Partial<QueueConfig> & Pick<QueueConfig, 'id' | 'name'>;

export const AgentMembership = Obj({
  queue: Id,
  tier: Type.Integer({ minimum: 1, maximum: 9, default: 1, description: '1 = first line; higher tiers get calls only when lower tiers are busy' }),
  position: Type.Integer({ minimum: 0, maximum: 100000, default: 0, description: 'Order within the queue for top-down and round-robin' }),
});
export type AgentMembership = Static<typeof AgentMembership>;

export const AgentConfig = Obj(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    uri: Type.Optional(Type.String({ pattern: '^sips?:', description: 'Static SIP URI; otherwise the registered contact is dialed' })),
    skills: Type.Record(SkillName, Type.Integer({ minimum: 0, maximum: 100 }), { default: {}, description: 'Skill name → level (0–100)' }),
    queues: Type.Array(AgentMembership, { default: [], description: 'Queues the agent takes calls from' }),
  },
  { description: 'An agent of the ACD' },
);
export type AgentConfig = Static<typeof AgentConfig>;

export const QueuesFile = Obj({ $schema: Type.Optional(Type.String()), queues: Type.Array(QueueConfig) }, { title: 'ACD queues' });
export const AgentsFile = Obj({ $schema: Type.Optional(Type.String()), agents: Type.Array(AgentConfig) }, { title: 'ACD agents' });

export const AGENT_STATES = ['offline', 'available', 'reserved', 'on-call', 'wrap-up', 'paused'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/**
 * Why an offered agent did not take an entry: 'missed' (no answer, busy,
 * rejected, the dial failed: counts toward maxMissed), 'cancelled' (another
 * agent answered, the caller left) or 'unreachable' (no device to ring: the
 * agent is paused with that reason at once).
 */
export type ReleaseReason = 'missed' | 'cancelled' | 'unreachable';

/**
 * Pause reasons only the ACD sets, each with its own way out: 'missed' (N
 * ring-no-answers in a row), 'unreachable' (no device to ring: ended by the
 * softphone's next registration), 'lost-call' (the instance holding the
 * agent's call died while FreeSWITCH kept the bridge up). A person pausing
 * an agent picks another reason, so that, e.g., a registration never ends a
 * pause a supervisor chose.
 */
export const SYSTEM_PAUSE_REASONS: readonly string[] = ['missed', 'unreachable', 'lost-call'];

/** Why `reason` cannot be given by a person as a pause reason, or undefined when it can. */
export function pauseReasonProblem(reason: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(reason)) return `pause reason "${reason}" must be an identifier (a letter, then up to 31 letters, digits, '-' or '_')`;
  if (SYSTEM_PAUSE_REASONS.includes(reason.toLowerCase())) return `pause reason "${reason}" is set only by the ACD (${SYSTEM_PAUSE_REASONS.join(', ')}); choose another, e.g. break`;
  return undefined;
}

export class AcdConfigError extends Error {
  readonly code = 'ACD_CONFIG_INVALID';
  constructor(
    readonly where: string,
    readonly problems: string[],
  ) {
    super(`${where}: ${problems.join('; ')}`);
    this.name = 'AcdConfigError';
  }
}

function validated<T>(schema: Parameters<typeof Value.Check>[0], input: unknown, where: string): T {
  const value = Value.Default(schema, Value.Clone(input));
  if (!Value.Check(schema, value)) {
    const problems = [...Value.Errors(schema, value)].slice(0, 10).map((e) => `${e.path || '/'}: ${e.message}`);
    throw new AcdConfigError(where, problems);
  }
  return value as T;
}

/** Problems the schema cannot see in a queue's hours (time zone, overlapping or reversed ranges), at JSON pointers under `base`. */
function checkHours(q: QueueConfig, where: string, base: string): void {
  if (!q.hours) return;
  const problems = scheduleProblems(q.hours);
  if (problems.length > 0) throw new AcdConfigError(where, problems.slice(0, 10).map((p) => `${base}/hours${p.pointer}: ${p.message}`));
}

export function parseQueueConfig(input: unknown, where = 'queue'): QueueConfig {
  const q = validated<QueueConfig>(QueueConfig, input, where);
  checkHours(q, where, '');
  return q;
}

export function parseAgentConfig(input: unknown, where = 'agent'): AgentConfig {
  const a = validated<AgentConfig>(AgentConfig, input, where);
  const seen = new Set<string>();
  for (const [i, m] of a.queues.entries()) {
    if (seen.has(m.queue)) throw new AcdConfigError(where, [`/queues/${i}/queue: queue "${m.queue}" listed twice`]);
    seen.add(m.queue);
  }
  return a;
}

export function parseQueuesFile(input: unknown, file: string): QueueConfig[] {
  const doc = validated<Static<typeof QueuesFile>>(QueuesFile, input, file);
  const seen = new Set<string>();
  for (const [i, q] of doc.queues.entries()) {
    if (seen.has(q.id)) throw new AcdConfigError(file, [`/queues/${i}/id: duplicate queue id "${q.id}"`]);
    seen.add(q.id);
    checkHours(q, file, `/queues/${i}`);
  }
  return doc.queues;
}

export function parseAgentsFile(input: unknown, file: string): AgentConfig[] {
  const doc = validated<Static<typeof AgentsFile>>(AgentsFile, input, file);
  const seen = new Set<string>();
  return doc.agents.map((a, i) => {
    if (seen.has(a.id)) throw new AcdConfigError(file, [`/agents/${i}/id: duplicate agent id "${a.id}"`]);
    seen.add(a.id);
    return parseAgentConfig(a, `${file}: /agents/${i}`);
  });
}
