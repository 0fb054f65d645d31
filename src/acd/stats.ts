/**
 * Statistics derived from the raw Redis counters (pure functions).
 *
 * Service level (SL) = answered within the threshold / (answered + abandoned
 * after the short-abandon threshold). Short abandons (callers who hung up
 * within `shortAbandonSeconds`: misdials, people who changed their mind) are
 * left out because the queue had no fair chance to answer them; longer
 * abandons stay in because those are callers the queue failed. Calls that
 * left by max wait (overflow), exit key or call-back request are not in the
 * denominator: they were routed elsewhere on purpose and are counted where
 * they are served. With nothing in the denominator SL is null (not 100%).
 *
 * Abandon rate = abandons after the short-abandon threshold / (offered − short
 * abandons): the share of callers the queue had a fair chance to serve who
 * gave up. Callers still waiting are in the denominator (they were offered);
 * null when nothing was offered.
 */

export interface PeriodStats {
  /** Offered (NOC): callers that entered the queue. */
  offered: number;
  answered: number;
  /** Calls whose conversation ended (counted when it ends; AHT and mean talk time are per handled call). */
  handled: number;
  /** All abandons, short ones included. */
  abandoned: number;
  shortAbandoned: number;
  timedOut: number;
  exitedByKey: number;
  callbackRequested: number;
  rejectedFull: number;
  rejectedNoAgents: number;
  /** Callers who were waiting when the last member of the queue logged out, sent to the `no-agents` exit. */
  leftNoAgents: number;
  /** Calls lost with a dead instance. */
  lost: number;
  answeredWithinServiceLevel: number;
  /** ASA: mean wait of answered calls, ms (null when none). */
  asaMs: number | null;
  /** Mean talk time of handled calls, ms. */
  avgTalkMs: number | null;
  /** Mean after-call work (wrap-up) time, ms. */
  avgAfterCallWorkMs: number | null;
  /** AHT = mean talk + mean after-call work, ms. */
  ahtMs: number | null;
  /** 0..1, formula above; null when nothing to measure. */
  serviceLevel: number | null;
  /** 0..1, formula above; null when nothing was offered. */
  abandonRate: number | null;
  /** Mean wait of (all) abandoned calls, ms. */
  avgAbandonWaitMs: number | null;
}

const n = (c: Record<string, number>, k: string): number => c[k] ?? 0;
const mean = (sum: number, count: number): number | null => (count > 0 ? Math.round(sum / count) : null);

export function queuePeriodStats(c: Record<string, number>): PeriodStats {
  const answered = n(c, 'answered');
  const abandoned = n(c, 'abandoned');
  const shortAbandoned = n(c, 'shortAbandoned');
  const handled = n(c, 'handled');
  const avgTalk = mean(n(c, 'talkMs'), handled);
  const avgAcw = mean(n(c, 'acwMs'), n(c, 'acwCount'));
  const slDenominator = answered + (abandoned - shortAbandoned);
  const offered = n(c, 'offered');
  const abandonDenominator = offered - shortAbandoned;
  return {
    offered,
    answered,
    handled,
    abandoned,
    shortAbandoned,
    timedOut: n(c, 'timedOut'),
    exitedByKey: n(c, 'exitedByKey'),
    callbackRequested: n(c, 'callbackRequested'),
    rejectedFull: n(c, 'rejectedFull'),
    rejectedNoAgents: n(c, 'rejectedNoAgents'),
    leftNoAgents: n(c, 'leftNoAgents'),
    lost: n(c, 'lost'),
    answeredWithinServiceLevel: n(c, 'answeredInSl'),
    asaMs: mean(n(c, 'answerWaitMs'), answered),
    avgTalkMs: avgTalk,
    avgAfterCallWorkMs: avgAcw,
    ahtMs: avgTalk === null ? null : avgTalk + (avgAcw ?? 0),
    serviceLevel: slDenominator > 0 ? n(c, 'answeredInSl') / slDenominator : null,
    abandonRate: abandonDenominator > 0 ? (abandoned - shortAbandoned) / abandonDenominator : null,
    avgAbandonWaitMs: mean(n(c, 'abandonWaitMs'), abandoned),
  };
}

export interface AgentPeriodStats {
  answered: number;
  handled: number;
  missed: number;
  talkMs: number;
  afterCallWorkMs: number;
  avgTalkMs: number | null;
  /** Milliseconds spent in each state (counted when the state is left). */
  timeInState: Record<string, number>;
  /**
   * Occupancy, 0..1: time busy with calls (ringing, on a call, wrap-up) /
   * time ready for them (the same plus available). Paused and offline time
   * are left out. From `timeInState`, so the current state counts once it is
   * left. Null before any such time.
   */
  occupancy: number | null;
}

function occupancyOf(t: Record<string, number>): number | null {
  const busy = (t['reserved'] ?? 0) + (t['on-call'] ?? 0) + (t['wrap-up'] ?? 0);
  const ready = busy + (t['available'] ?? 0);
  return ready > 0 ? busy / ready : null;
}

export function agentPeriodStats(c: Record<string, number>): AgentPeriodStats {
  const timeInState: Record<string, number> = {};
  for (const [k, v] of Object.entries(c)) if (k.startsWith('ms:')) timeInState[k.slice(3)] = v;
  return {
    answered: n(c, 'answered'),
    handled: n(c, 'handled'),
    missed: n(c, 'missed'),
    talkMs: n(c, 'talkMs'),
    afterCallWorkMs: n(c, 'acwMs'),
    avgTalkMs: mean(n(c, 'talkMs'), n(c, 'handled')),
    timeInState,
    occupancy: occupancyOf(timeInState),
  };
}
