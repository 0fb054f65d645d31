/**
 * The `queue` node through the simulated telephony driver, the flow engine
 * and a real Redis (manual VirtualClock: each step advances time explicitly).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { redisUrl } from '../support/redis.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { SimTelephony } from '../../src/telephony/sim/sim-telephony.ts';
import type { SimCall } from '../../src/telephony/sim/sim-call.ts';
import type { EndpointBehaviour } from '../../src/telephony/sim/types.ts';
import { staticContacts } from '../../src/telephony/agent-contacts.ts';
import { FlowEngine, type CallResult } from '../../src/engine/engine.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import type { EngineServices } from '../../src/engine/context.ts';
import { AcdService } from '../../src/acd/service.ts';
import { AcdQueueService } from '../../src/acd/queue-runner.ts';
import type { QueueConfigInput } from '../../src/acd/model.ts';
import { agent, prefix, queue, silent, testAcdConfig, until } from '../acd/helpers.ts';
import { runScenario } from '../support/flow-harness.ts';

interface World {
  clock: VirtualClock;
  sim: SimTelephony;
  acd: AcdService;
  redis: Redis;
  run(flow: FlowDocument, options?: { services?: Partial<EngineServices>; language?: string; skipValidation?: boolean }): { caller: SimCall; done: Promise<CallResult>; engine: FlowEngine };
}

const open: World[] = [];
afterEach(async () => {
  while (open.length) {
    const w = open.pop()!;
    await w.acd.halt();
    w.redis.disconnect();
  }
});

async function world(q: QueueConfigInput, agents: Array<{ id: string; endpoint?: EndpointBehaviour; login?: boolean | string }>): Promise<World> {
  const clock = new VirtualClock();
  const redis = new Redis(redisUrl());
  const sim = new SimTelephony({ clock, logger: silent });
  const acd = new AcdService({
    redis,
    clock,
    log: silent,
    config: testAcdConfig(prefix(), 'node-test'),
  });
  await acd.start();
  await acd.putQueue(q);
  for (const a of agents) {
    await acd.putAgent(agent(a.id, [q.id]));
    if (a.login === true || a.login === undefined) await acd.login(a.id);
    else if (typeof a.login === 'string') await acd.login(a.id, { pausedReason: a.login });
    sim.endpoint(`sip:${a.id}@agents.test`, a.endpoint ?? { answerAfterMs: 2000, onScriptEnd: 'wait' });
  }
  const queues = new AcdQueueService({ acd, telephony: sim, contacts: staticContacts, clock });
  const w: World = {
    clock,
    sim,
    acd,
    redis,
    run(flow, options = {}) {
      const { issues } = options.skipValidation ? { issues: [] } : validateFlowDocument(flow, {
        file: `${flow.id}.json`,
        flowIds: new Set([flow.id]),
        queues: acd.knownQueues(),
        transferPolicy: denyAllDestinations,
        audioExists: () => true,
      });
      expect(issues.filter((i) => i.severity === 'error').map(formatIssue)).toEqual([]);
      const services: EngineServices = {
        flows: { get: () => flow },
        http: async () => ({ status: 500, text: async () => '' }),
        transferPolicy: denyAllDestinations,
        audioDir: '',
        recordingsDir: 'recordings',
        queues,
        ...options.services,
      };
      const engine = new FlowEngine({ clock, logger: silent, services });
      let done!: Promise<CallResult>;
      sim.onIncoming((call) => {
        done = engine.handle(call, flow, options.language ? { language: options.language } : {});
      });
      const { call } = sim.incoming({ from: '+48600100200', to: '+48221234567', script: [], onScriptEnd: 'wait' });
      return { caller: call, done, engine };
    },
  };
  open.push(w);
  return w;
}

const say = (text: string) => ({ type: 'play' as const, prompt: { say: { pl: text, en: text } }, next: 'bye' });

function flow(queueNode: Record<string, unknown>, extraNodes: Record<string, unknown> = {}): FlowDocument {
  return {
    id: 'support',
    name: 'Support',
    defaultLanguage: 'pl',
    languages: ['pl', 'en'],
    start: 'wait',
    nodes: {
      wait: { type: 'queue', queue: 'support', next: 'survey', ...queueNode },
      survey: say('Ankieta'),
      bye: { type: 'hangup' },
      ...extraNodes,
    },
  } as FlowDocument;
}

/** Advances virtual time in small steps, letting Redis I/O land between them, until `check` holds. */
async function runUntil(w: World, check: () => boolean | Promise<boolean>, what: string, maxMs = 120_000): Promise<void> {
  for (let t = 0; t <= maxMs; t += 250) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 3));
    if (await check()) return;
    await w.clock.advance(250);
  }
  throw new Error(`never happened within ${maxMs} ms of virtual time: ${what}`);
}

/** Runs the call to its end (time advancing as needed). */
async function finish(w: World, done: Promise<CallResult>): Promise<CallResult> {
  let result: CallResult | undefined;
  void done.then((r) => (result = r));
  await runUntil(w, () => result !== undefined, 'call ended', 600_000);
  return result!;
}

const heard = (c: SimCall): string[] => c.heard.map((h) => h.text);
const agentCall = (w: World, i = 0): SimCall => {
  const rec = w.sim.dials.filter((d) => d.outcome === 'answered')[i];
  const c = rec?.callId ? w.sim.call(rec.callId) : undefined;
  if (!c) throw new Error('agent call not found');
  return c;
};

describe('queue node', () => {
  it('connects the caller to an agent after a whisper; when the agent hangs up, the agent goes to wrap-up and the flow continues at next', async () => {
    const w = await world(queue('support', { wrapUpSeconds: 15 }), [{ id: 'a1' }]);
    const { caller, done, engine } = w.run({ ...flow({ data: { account: '{{vars.account}}' } }), variables: { account: '12345' } });
    await until(() => w.sim.dials.length === 1, 'agent dialed');
    expect(w.sim.dials[0]).toMatchObject({ to: 'sip:a1@agents.test', callerId: '+48600100200' });
    await runUntil(w, () => caller.bridgedTo !== null, 'bridged');
    // live-call views show who the caller is talking to while the call lasts
    expect(engine.activeCalls()).toEqual([expect.objectContaining({ queueId: 'support', agentId: 'a1' })]);
    const agent = agentCall(w);
    expect(heard(agent)[0]).toBe('tts[pl]: Połączenie z kolejki SUPPORT. account: 12345.');
    expect(caller.events.some((e) => e.kind === 'moh-start')).toBe(true);
    await w.clock.advance(60_000);
    agent.party.hangup();
    const result = await finish(w, done);
    // The caller stays on the line after the agent hangs up: the flow goes on at `next` (a survey).
    expect(result.state.trace.map((t) => t.nodeId)).toEqual(['wait', 'survey', 'bye']);
    expect(result.state.trace[0]!.outcome).toBe('next');
    expect(heard(caller)).toContain('tts[pl]: Ankieta');
    expect(result.state.queue).toEqual({ queueId: 'support', agentId: 'a1' });
    expect((await w.acd.agentStatus('a1'))?.state).toBe('wrap-up');
    const st = (await w.acd.queueStatus('support')).today;
    expect(st).toMatchObject({ offered: 1, answered: 1, asaMs: 2_000 });
    expect(st.avgTalkMs).toBeGreaterThanOrEqual(60_000);
  });

  it('ends the call when the caller hangs up during the agent call', async () => {
    const w = await world(queue('support', { wrapUpSeconds: 0 }), [{ id: 'a1' }]);
    const { caller, done } = w.run(flow({}));
    await until(() => w.sim.dials.length === 1, 'agent dialed');
    await runUntil(w, () => caller.bridgedTo !== null, 'bridged');
    caller.party.hangup();
    const result = await done;
    expect(result.ended).toBe('hangup');
    expect(heard(caller)).not.toContain('tts[pl]: Ankieta');
    await until(async () => (await w.acd.agentStatus('a1'))?.state === 'available', 'agent free');
    expect(agentCall(w).isEnded).toBe(true);
  });

  it('timeout: leaves at max wait with announcements of position and EWT in the call language', async () => {
    const w = await world(queue('support', { maxWaitSeconds: 65, announceEverySeconds: 30 }), [{ id: 'a1' }, { id: 'a2', login: 'break' }]);
    // a1 is busy with another caller: 1 agent staffed, 0 available
    const other = await w.acd.enqueue({ queueId: 'support', kind: 'call', priority: 0, skills: {}, data: {} });
    await until(async () => (await w.acd.agentStatus('a1'))?.state === 'reserved', 'a1 busy');
    await w.acd.store.connect(other.entryId, 'a1');
    const { caller, done } = w.run(flow({ timeout: 'late' }, { late: say('Przepraszamy, wszyscy konsultanci są zajęci.') }));
    await until(() => caller.musicOnHold !== null, 'on hold');
    await runUntil(w, () => heard(caller).length >= 2, 'announcement');
    expect(heard(caller)).toEqual(['tts[pl]: Twoje miejsce w kolejce: 1.', 'tts[pl]: Szacowany czas oczekiwania: 3 minuty.']);
    const result = await finish(w, done);
    expect(result.state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['wait:timeout', 'late:next', 'bye:hangup']);
    expect(result.state.trace[0]!.durationMs).toBe(65_000);
    expect(heard(caller).filter((h) => h.includes('miejsce'))).toHaveLength(2);
    expect((await w.acd.queueStatus('support')).today.timedOut).toBe(1);
  });

  it('offers the call-back key in the announcements while the estimated wait is long enough', async () => {
    const w = await world(queue('support', { announceEverySeconds: 30, announcePosition: false, callbackOfferMinWaitSeconds: 120 }), [{ id: 'a1' }]);
    // a1 is busy with another caller: EWT for position 1 = 1 × 180 s (default handle time) / 1 staffed
    const other = await w.acd.enqueue({ queueId: 'support', kind: 'call', priority: 0, skills: {}, data: {} });
    await until(async () => (await w.acd.agentStatus('a1'))?.state === 'reserved', 'a1 busy');
    await w.acd.store.connect(other.entryId, 'a1');
    const { caller, done } = w.run(flow({ callbackKey: '1', callback: 'cb', timeout: 'bye', maxWaitSeconds: 40 }, { cb: say('Oddzwonimy') }));
    await until(() => caller.musicOnHold !== null, 'on hold');
    await runUntil(w, () => heard(caller).length >= 2, 'announcement');
    expect(heard(caller)).toEqual(['tts[pl]: Szacowany czas oczekiwania: 3 minuty.', 'tts[pl]: Jeśli nie chcesz czekać, naciśnij 1, a oddzwonimy.']);
    await finish(w, done);

    // above the estimated wait: no offer
    await w.acd.putQueue(queue('support', { announceEverySeconds: 30, announcePosition: false, callbackOfferMinWaitSeconds: 600 }));
    const second = w.run(flow({ callbackKey: '1', callback: 'cb', timeout: 'bye', maxWaitSeconds: 40 }, { cb: say('Oddzwonimy') }));
    await until(() => second.caller.musicOnHold !== null, 'on hold');
    await runUntil(w, () => heard(second.caller).length >= 1, 'announcement');
    expect(heard(second.caller)).toEqual(['tts[pl]: Szacowany czas oczekiwania: 3 minuty.']);
    await finish(w, second.done);
  });

  it('announces in English for an English call', async () => {
    const w = await world(queue('support', { announceEverySeconds: 20, announceWait: false }), [{ id: 'a1', login: 'break' }, { id: 'a2' }]);
    await w.acd.pause('a2', 'lunch');
    await w.acd.ready('a2');
    await w.acd.pause('a2', 'lunch');
    const { caller, done } = w.run(flow({ timeout: 'bye', maxWaitSeconds: 25 }), { language: 'en' });
    await until(() => caller.musicOnHold !== null, 'on hold');
    const result = await finish(w, done);
    expect(heard(caller).slice(0, 1)).toEqual(['tts[en]: You are number 1 in the queue.']);
    expect(result.state.trace[0]?.outcome).toBe('timeout');
  });

  it('full: a caller beyond maxLength takes the full exit (overflow to another queue node)', async () => {
    const w = await world(queue('support', { maxLength: 1 }), [{ id: 'a1', login: 'break' }]);
    await w.acd.putQueue(queue('backup', { maxLength: 1 }));
    await w.acd.putAgent(agent('a1', ['support', 'backup']));
    await w.acd.enqueue({ queueId: 'support', kind: 'call', priority: 0, skills: {}, data: {} });
    await w.acd.enqueue({ queueId: 'backup', kind: 'call', priority: 0, skills: {}, data: {} });
    const { done } = w.run(
      flow({ full: 'overflow' }, { overflow: { type: 'queue', queue: 'backup', next: 'bye', full: 'sorry' }, sorry: say('Kolejka jest pełna.') }),
    );
    const result = await finish(w, done);
    expect(result.state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['wait:full', 'overflow:full', 'sorry:next', 'bye:hangup']);
    expect((await w.acd.queueStatus('support')).today.rejectedFull).toBe(1);
  });

  it('noagents: nobody logged in', async () => {
    const w = await world(queue('support'), [{ id: 'a1', login: false }]);
    const { done } = w.run(flow({ noagents: 'closed' }, { closed: say('Nikt nie odbiera.') }));
    const result = await finish(w, done);
    expect(result.state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['wait:noagents', 'closed:next', 'bye:hangup']);
  });

  it('noagents while waiting: when the last member logs out, waiting callers take the noagents exit', async () => {
    const w = await world(queue('support', { announceEverySeconds: 0 }), [{ id: 'a1', login: 'break' }]);
    const { caller, done } = w.run(flow({ noagents: 'closed' }, { closed: say('Nikt nie odbiera.') }));
    await until(() => caller.musicOnHold !== null, 'on hold');
    await w.clock.advance(10_000);
    await w.acd.logout('a1');
    const result = await finish(w, done);
    expect(result.state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['wait:noagents', 'closed:next', 'bye:hangup']);
    expect(heard(caller)).toContain('tts[pl]: Nikt nie odbiera.');
    const s = await w.acd.queueStatus('support');
    expect(s.waiting).toBe(0);
    expect(s.today).toMatchObject({ offered: 1, leftNoAgents: 1, abandoned: 0, rejectedNoAgents: 0 });
  });

  it('noagents grace: a member logging in again within noAgentsGraceSeconds keeps the caller waiting', async () => {
    const w = await world(queue('support', { announceEverySeconds: 0, noAgentsGraceSeconds: 30 }), [{ id: 'a1', login: 'break' }]);
    let result: CallResult | undefined;
    const { caller, done } = w.run(flow({ noagents: 'closed' }, { closed: say('Nikt nie odbiera.') }));
    void done.then((r) => (result = r));
    await until(() => caller.musicOnHold !== null, 'on hold');
    await w.acd.logout('a1');
    await runUntil(w, () => w.clock.now() >= 20_000, '20 s without agents');
    await w.acd.login('a1', { pausedReason: 'break' });
    await runUntil(w, () => w.clock.now() >= 90_000, 'well past the grace period');
    expect(result).toBeUndefined();
    expect((await w.acd.queueStatus('support')).waiting).toBe(1);
    await w.acd.logout('a1');
    const loggedOutAt = w.clock.now();
    const r = await finish(w, done);
    expect(r.state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['wait:noagents', 'closed:next', 'bye:hangup']);
    expect(w.clock.now() - loggedOutAt).toBeGreaterThanOrEqual(30_000);
  });

  it('agent hangs up during the whisper: the caller waits again at the same place, the answer is not counted, the agent counts a miss', async () => {
    const w = await world(queue('support', { wrapUpSeconds: 0, missedRetrySeconds: 30, announceEverySeconds: 0 }), [{ id: 'a1' }, { id: 'a2', login: 'break' }]);
    w.sim.endpoint('sip:a1@agents.test', { answerAfterMs: 1_000, onAnswer: (party) => void w.clock.setTimer(500, () => party.hangup()) });
    const { caller, done } = w.run(flow({}));
    await runUntil(w, async () => (await w.acd.agentStatus('a1'))?.missed === 1, 'a1 left during the whisper');
    expect((await w.acd.agentStatus('a1'))?.state).toBe('available');
    const before = await w.acd.queueStatus('support');
    expect(before.waiting).toBe(1);
    expect(before.today).toMatchObject({ offered: 1, answered: 0, answeredWithinServiceLevel: 0, asaMs: null });
    expect((await w.acd.agentStats('a1')).today.answered).toBe(0);
    await w.acd.ready('a2');
    await runUntil(w, () => caller.bridgedTo !== null, 'bridged to a2');
    expect(w.sim.dials.map((d) => d.to)).toEqual(['sip:a1@agents.test', 'sip:a2@agents.test']);
    agentCall(w, 1).party.hangup();
    const result = await finish(w, done);
    expect(result.state.queue).toEqual({ queueId: 'support', agentId: 'a2' });
    const after = (await w.acd.queueStatus('support')).today;
    expect(after).toMatchObject({ offered: 1, answered: 1 });
    expect((await w.acd.agentStats('a2')).today.answered).toBe(1);
  });

  it('key:<k> and callback: exit keys while waiting', async () => {
    const w = await world(queue('support', { announceEverySeconds: 0 }), [{ id: 'a1', login: 'break' }]);
    const { caller, done } = w.run(flow({ keys: { '0': 'vm' }, callbackKey: '1', callback: 'cb' }, { vm: say('Poczta głosowa'), cb: say('Oddzwonimy') }));
    await until(() => caller.musicOnHold !== null, 'on hold');
    caller.party.press('0');
    const result = await finish(w, done);
    expect(result.state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['wait:key:0', 'vm:next', 'bye:hangup']);

    const second = w.run(flow({ keys: { '0': 'vm' }, callbackKey: '1', callback: 'cb' }, { vm: say('Poczta głosowa'), cb: say('Oddzwonimy') }));
    await until(() => second.caller.musicOnHold !== null, 'on hold');
    const arrived = w.clock.now();
    await w.clock.advance(5_000);
    second.caller.party.press('1');
    const r2 = await finish(w, second.done);
    expect(r2.state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['wait:callback', 'cb:next', 'bye:hangup']);
    expect(r2.state.vars.queueArrivedAt).toBe(arrived);
    const st = (await w.acd.queueStatus('support')).today;
    expect(st).toMatchObject({ exitedByKey: 1, callbackRequested: 1 });
    expect((await w.acd.queueStatus('support')).waiting).toBe(0);
  });

  it('caller hang-up while waiting: removed at once and counted as abandoned', async () => {
    const w = await world(queue('support', { shortAbandonSeconds: 5 }), [{ id: 'a1', login: 'break' }]);
    const { caller, done } = w.run(flow({}));
    await until(() => caller.musicOnHold !== null, 'on hold');
    await w.clock.advance(20_000);
    caller.party.hangup();
    expect((await done).ended).toBe('hangup');
    const s = await w.acd.queueStatus('support');
    expect(s.waiting).toBe(0);
    expect(s.today).toMatchObject({ abandoned: 1, shortAbandoned: 0 });
  });

  it('caller hang-up while the agent rings: the agent leg is cancelled and the agent is available again', async () => {
    const w = await world(queue('support', { ringTimeoutSeconds: 30 }), [{ id: 'a1', endpoint: { answerAfterMs: 20_000 } }]);
    const { caller, done } = w.run(flow({}));
    await until(() => w.sim.dials.length === 1, 'ringing');
    await w.clock.advance(5_000);
    caller.party.hangup();
    await done;
    await until(() => w.sim.dials[0]!.outcome === 'cancelled', 'agent leg cancelled');
    await until(async () => (await w.acd.agentStatus('a1'))?.state === 'available', 'agent available');
    expect((await w.acd.agentStatus('a1'))?.missed).toBe(0);
    expect((await w.acd.queueStatus('support')).today.abandoned).toBe(1);
  });

  it('agent no-answer or busy: the caller keeps the head and goes to the next agent', async () => {
    const w = await world(queue('support', { ringTimeoutSeconds: 10, strategy: 'top-down', maxMissed: 1 }), [
      { id: 'a1', endpoint: { result: 'no-answer' } },
      { id: 'a2', endpoint: { result: 'busy' } },
      { id: 'a3', endpoint: { answerAfterMs: 1000, onScriptEnd: 'wait' } },
    ]);
    await w.acd.putAgent(agent('a1', [{ queue: 'support', position: 0 }]));
    await w.acd.putAgent(agent('a2', [{ queue: 'support', position: 1 }]));
    await w.acd.putAgent(agent('a3', [{ queue: 'support', position: 2 }]));
    const { caller, done } = w.run(flow({}));
    await until(() => w.sim.dials.length === 1, 'a1 rings');
    await runUntil(w, () => caller.bridgedTo !== null, 'bridged to a3');
    expect(w.sim.dials.map((d) => `${d.to}:${d.outcome}`)).toEqual(['sip:a1@agents.test:no-answer', 'sip:a2@agents.test:busy', 'sip:a3@agents.test:answered']);
    expect(await w.acd.agentStatus('a1')).toMatchObject({ state: 'paused', reason: 'missed' });
    expect(await w.acd.agentStatus('a2')).toMatchObject({ state: 'paused', reason: 'missed' });
    agentCall(w).party.hangup();
    expect((await finish(w, done)).state.queue).toEqual({ queueId: 'support', agentId: 'a3' });
  });

  it('error: unknown queue at run time, or no ACD configured', async () => {
    const w = await world(queue('support'), [{ id: 'a1' }]);
    const f = flow({ error: 'oops' }, { oops: say('Błąd') });
    const { done } = w.run(f, { services: { queues: undefined } });
    expect((await finish(w, done)).state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['wait:error', 'oops:next', 'bye:hangup']);
    await w.acd.deleteQueue('support');
    const second = w.run(f, { skipValidation: true }); // the queue was deleted after the flow was published
    expect((await finish(w, second.done)).state.trace[0]?.outcome).toBe('error');
  });

  it('ring-all: both agents ring, the first to answer gets the caller, the other leg is cancelled', async () => {
    const w = await world(queue('support', { strategy: 'ring-all', wrapUpSeconds: 0 }), [
      { id: 'a1', endpoint: { answerAfterMs: 5_000, onScriptEnd: 'wait' } },
      { id: 'a2', endpoint: { answerAfterMs: 3_000, onScriptEnd: 'wait' } },
    ]);
    const { caller, done } = w.run(flow({}));
    await until(() => w.sim.dials.length === 2, 'both ring');
    await runUntil(w, () => caller.bridgedTo !== null, 'bridged');
    expect(w.sim.dials.map((d) => `${d.to}:${d.outcome}`).sort()).toEqual(['sip:a1@agents.test:cancelled', 'sip:a2@agents.test:answered']);
    expect((await w.acd.agentStatus('a1'))?.state).toBe('available');
    expect((await w.acd.agentStatus('a2'))?.state).toBe('on-call');
    caller.party.hangup();
    await finish(w, done);
  });

  it('takes priority and required skills from flow variables', async () => {
    const w = await world(queue('support', { wrapUpSeconds: 0 }), [{ id: 'general' }, { id: 'english' }]);
    await w.acd.putAgent(agent('english', ['support'], { en: 8 }));
    const f = { ...flow({ priority: '{{vars.prio}}', skills: { en: '{{vars.level}}' } }), variables: { prio: '7', level: '5' } };
    const { caller, done } = w.run(f);
    await runUntil(w, () => caller.bridgedTo !== null, 'bridged');
    expect(w.sim.dials.map((d) => d.to)).toEqual(['sip:english@agents.test']);
    caller.party.hangup();
    await finish(w, done);
    const bad = w.run({ ...flow({ priority: '{{vars.prio}}', error: 'oops' }, { oops: say('Błąd') }), variables: { prio: 'high' } });
    expect((await finish(w, bad.done)).state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['wait:error', 'oops:next', 'bye:hangup']);
  });

  it('agent rejects: counted as missed; the caller waits at the head for the next free agent', async () => {
    const w = await world(queue('support', { maxMissed: 5, wrapUpSeconds: 0 }), [{ id: 'a1', endpoint: { result: 'rejected' } }]);
    const { caller, done } = w.run(flow({}));
    await until(() => w.sim.dials.length >= 1, 'rang');
    await runUntil(w, async () => (await w.acd.agentStatus('a1'))?.missed === 1 || w.sim.dials.length > 1, 'missed counted');
    expect(w.sim.dials[0]!.outcome).toBe('rejected');
    caller.party.hangup();
    await finish(w, done);
    expect((await w.acd.queueStatus('support')).waiting).toBe(0);
  });

  it("skips an agent with no device to ring: paused as 'unreachable' (not a miss), the caller is bridged to the next agent at once", async () => {
    const w = await world(queue('support', { strategy: 'top-down', wrapUpSeconds: 0 }), []);
    const { uri: _none, ...noDevice } = agent('desk', [{ queue: 'support', position: 1 }]); // not registered, no static URI
    await w.acd.putAgent(noDevice);
    await w.acd.putAgent(agent('a1', [{ queue: 'support', position: 2 }]));
    w.sim.endpoint('sip:a1@agents.test', { answerAfterMs: 2000, onScriptEnd: 'wait' });
    await w.acd.login('desk');
    await w.acd.login('a1');
    const { caller, done } = w.run(flow({}));
    await runUntil(w, () => caller.bridgedTo !== null, 'bridged');
    expect(w.sim.dials.map((d) => d.to)).toEqual(['sip:a1@agents.test']);
    expect(await w.acd.agentStatus('desk')).toMatchObject({ state: 'paused', reason: 'unreachable' });
    expect((await w.acd.agentStats('desk')).today.missed).toBe(0);
    caller.party.hangup();
    await finish(w, done);
  });

  it('runs through the flow harness (runScenario) with agents on the simulated driver', async () => {
    const w = await world(queue('support', { wrapUpSeconds: 20 }), [{ id: 'a1' }]);
    let sim: SimTelephony | undefined;
    const queues = new AcdQueueService({ acd: w.acd, telephony: () => sim!, contacts: staticContacts, clock: w.clock });
    let result: Awaited<ReturnType<typeof runScenario>> | undefined;
    void runScenario({
      flow: { ...flow({ data: { account: '{{vars.account}}' } }), variables: { account: '777' } },
      clock: w.clock,
      services: { queues },
      onSim: (s) => {
        sim = s;
        s.endpoint('sip:a1@agents.test', { answerAfterMs: 4_000, onAnswer: (party) => void w.clock.setTimer(30_000, () => party.hangup()) });
      },
    }).then((r) => (result = r));
    await runUntil(w, () => result !== undefined, 'call over');
    expect(result!.state.queue).toEqual({ queueId: 'support', agentId: 'a1' });
    expect(result!.path).toEqual(['wait', 'survey', 'bye']);
    expect(result!.heard).toContain('tts[pl]: Ankieta');
    expect(sim!.dials.map((d) => `${d.to}:${d.outcome}`)).toEqual(['sip:a1@agents.test:answered']);
    expect((await w.acd.agentStatus('a1'))?.state).toBe('wrap-up');
    // The harness's auto-advancing clock cannot see Redis I/O in flight, so virtual time may run a little
    // ahead while a script is on its way; the exact ASA is asserted by the manual-clock tests above.
    const today = (await w.acd.queueStatus('support')).today;
    expect(today).toMatchObject({ offered: 1, answered: 1 });
    expect(today.asaMs).toBeGreaterThanOrEqual(4_000);
    expect(today.asaMs).toBeLessThan(20_000);
  });
});
