/** Adapts the ACD service to what the API and the metrics need. */
import type { AcdService } from '../acd/service.ts';
import type { AgentStateRecord } from '../acd/store.ts';
import type { AcdMetricsSource } from './metrics.ts';
import type { AcdApi, AgentLive, PeriodFigures } from './ports.ts';

function live(s: AgentStateRecord): AgentLive {
  return {
    agentId: s.id,
    state: s.state,
    since: s.since,
    ...(s.reason !== undefined && s.state === 'paused' ? { pauseReason: s.reason } : {}),
    ...(s.wrapUntil !== undefined ? { wrapUntil: s.wrapUntil } : {}),
  };
}

/** Flattens nested figures: { timeInState: { paused: 5 } } → { "timeInState.paused": 5 }. */
function figures(o: object, prefix = ''): PeriodFigures {
  const out: PeriodFigures = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number' || v === null) out[`${prefix}${k}`] = v;
    else if (v && typeof v === 'object') Object.assign(out, figures(v as object, `${prefix}${k}.`));
  }
  return out;
}

export function acdApi(acd: AcdService): AcdApi {
  const state = async (agentId: string): Promise<AgentLive> => {
    const s = await acd.store.agentState(agentId);
    return s ? live(s) : { agentId, state: 'offline' };
  };
  return {
    listQueues: () => acd.listQueues(),
    getQueue: (id) => acd.getQueue(id),
    putQueue: (q) => acd.putQueue(q),
    async deleteQueue(id) {
      if (!(await acd.getQueue(id))) return false;
      await acd.deleteQueue(id);
      return true;
    },
    listAgents: () => acd.listAgents(),
    getAgent: (id) => acd.getAgent(id),
    putAgent: (a) => acd.putAgent(a),
    async deleteAgent(id) {
      if (!(await acd.getAgent(id))) return false;
      await acd.deleteAgent(id);
      return true;
    },
    async agentStates() {
      return (await acd.agentStatuses()).map(live);
    },
    async agentState(id) {
      const s = await acd.agentStatus(id);
      return s ? live(s) : undefined;
    },
    async controlAgent(id, command) {
      switch (command.op) {
        case 'login':
          await acd.login(id);
          break;
        case 'logout':
          await acd.logout(id);
          break;
        case 'pause':
          await acd.pause(id, command.reason);
          break;
        case 'ready':
          await acd.ready(id);
          break;
        case 'end-wrapup':
          await acd.endWrapUp(id);
          break;
        case 'extend-wrapup':
          await acd.extendWrapUp(id, command.seconds);
          break;
      }
      return state(id);
    },
    async queueStats(id) {
      if (!(await acd.getQueue(id))) return undefined;
      const s = await acd.queueStatus(id);
      return {
        queueId: s.queueId,
        waiting: s.waiting,
        longestWaitSeconds: Math.round(s.longestWaitMs / 1000),
        ewtSeconds: s.ewtMs === null ? null : Math.round(s.ewtMs / 1000),
        agents: s.agents,
        today: figures(s.today),
        last15Minutes: figures(s.last15Minutes),
      };
    },
    async agentStats(id) {
      const [cfg, st] = await Promise.all([acd.getAgent(id), acd.store.agentState(id)]);
      if (!cfg) return undefined;
      const s = await acd.agentStats(id);
      return { agentId: id, ...(st ? { state: st.state } : {}), today: figures(s.today), last15Minutes: figures(s.last15Minutes) };
    },
  };
}

export function acdMetrics(acd: AcdService): AcdMetricsSource {
  return {
    async snapshot() {
      const queues = [];
      for (const q of await acd.listQueues()) {
        const s = await acd.queueStatus(q.id);
        queues.push({
          queueId: q.id,
          waiting: s.waiting,
          offered: s.today.offered,
          answered: s.today.answered,
          abandoned: s.today.abandoned,
          ...(s.today.serviceLevel !== null ? { serviceLevel: s.today.serviceLevel } : {}),
          ...(s.today.asaMs !== null ? { asaSeconds: s.today.asaMs / 1000 } : {}),
          ...(s.today.abandonRate !== null ? { abandonRate: s.today.abandonRate } : {}),
          ...(s.today.ahtMs !== null ? { ahtSeconds: s.today.ahtMs / 1000 } : {}),
        });
      }
      const agentsByState: Record<string, number> = {};
      for (const a of await acd.agentStatuses()) agentsByState[a.state] = (agentsByState[a.state] ?? 0) + 1;
      return { queues, agentsByState };
    },
  };
}
