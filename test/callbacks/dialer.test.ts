import { afterEach, describe, expect, it } from 'vitest';
import { runUntil, silent, world, type World } from './rig.ts';
import type { SimCall } from '../../src/telephony/sim/sim-call.ts';
import type { SimParty } from '../../src/telephony/sim/sim-party.ts';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const CUSTOMER = '+48600100200';
const TALK_MS = 60_000;

/** The customer answers after `ms` and hangs up after a minute of talk. */
function customerAnswers(world: World, number = CUSTOMER, ms = 5_000): void {
  world.sim.endpoint(number, {
    answerAfterMs: ms,
    onAnswer: (party: SimParty) => {
      world.clock.setTimer(TALK_MS, () => party.hangup());
    },
  });
}

async function request(world: World, options: { from?: string; script?: Array<{ digits: string }> } = {}) {
  const inst = world.instances[0]!;
  const { call } = world.sim.incoming({ from: options.from ?? CUSTOMER, to: '+48221234567', script: options.script ?? [{ digits: '1' }, { digits: '1' }] });
  await call.answer();
  let outcome: Awaited<ReturnType<typeof inst.callbacks.offer>> | undefined;
  void inst.callbacks
    .offer({ queueId: 'sales', call, language: 'pl', priority: 0, data: { account: '42' }, allowScheduled: true, signal: call.ended, log: silent, arrivedAt: world.clock.now() - 120_000 })
    .then((o) => (outcome = o));
  await runUntil(world, () => outcome !== undefined, 'offer finished', { stepMs: 1000 });
  if (outcome?.kind !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(outcome)}`);
  return { call, outcome };
}

/** A call-back served by the first instance until its customer answered: agent a1 and the customer are talking. */
async function inConversation(world: World) {
  const i1 = world.instances[0]!;
  customerAnswers(world);
  world.sim.endpoint('sip:a1@agents.test', {});
  const { outcome } = await request(world);
  await i1.acd.login('a1');
  const id = outcome.callbackId;
  await runUntil(world, async () => (await i1.callbacks.events(id)).some((e) => e.type === 'customer-answered'), 'customer answered');
  return { i1, id };
}

const dialsTo = (world: World, to: string) => world.sim.dials.filter((d) => d.to === to);
const heardOf = (world: World, to: string): string[] => {
  const rec = world.sim.dials.find((d) => d.to === to && d.callId);
  const call = rec?.callId ? world.sim.call(rec.callId) : undefined;
  return (call as SimCall | undefined)?.heard.map((h) => h.text) ?? [];
};

describe('call-back dialing, agent first', () => {
  it('goes from the offer to a bridged call: agent rung and whispered first, then the customer with the configured caller id', async () => {
    w = await world();
    const i1 = w.instances[0]!;
    await i1.acd.login('a1');
    w.sim.endpoint('sip:a1@agents.test', { answerAfterMs: 2_000 });
    customerAnswers(w);
    const { call, outcome } = await request(w);
    expect(call.heard.map((h) => h.text)).toEqual([
      'tts[pl]: Oddzwonimy na numer 6 0 0, 1 0 0, 2 0 0. Naciśnij 1, aby potwierdzić, lub 2, aby podać inny numer.',
      'tts[pl]: Naciśnij 1, abyśmy oddzwonili najszybciej, jak to możliwe, lub 2, aby wybrać godzinę.',
      'tts[pl]: Dziękujemy. Oddzwonimy na numer 6 0 0, 1 0 0, 2 0 0, gdy tylko konsultant będzie wolny. Zachowujesz swoje miejsce w kolejce.',
    ]);
    const id = outcome.callbackId;
    await runUntil(w, async () => (await i1.callbacks.get(id))?.status === 'completed', 'call-back completed');

    expect(w.sim.dials.map((d) => [d.to, d.outcome])).toEqual([
      ['sip:a1@agents.test', 'answered'],
      [CUSTOMER, 'answered'],
    ]);
    expect(dialsTo(w, CUSTOMER)[0]?.callerId).toBe('+48221234567');
    // the agent's phone shows the customer's number
    expect(dialsTo(w, 'sip:a1@agents.test')[0]?.callerId).toBe(CUSTOMER);
    expect(heardOf(w, 'sip:a1@agents.test')[0]).toBe('tts[pl]: Oddzwonienie do numeru 6 0 0, 1 0 0, 2 0 0, zamówione dziś o 10:00. Łączymy z klientem.');
    const agentCall = w.sim.call(dialsTo(w, 'sip:a1@agents.test')[0]!.callId!)!;
    expect(agentCall.events.some((e) => e.kind === 'bridge')).toBe(true);
    const rec = await i1.callbacks.get(id);
    expect(rec).toMatchObject({ status: 'completed', attempts: 1, lastOutcome: 'answered', agentId: 'a1', data: { account: '42' } });
    expect((await i1.callbacks.events(id)).map((e) => e.type)).toEqual(['created', 'queued', 'attempt', 'customer-answered', 'completed']);
    expect((await i1.acd.agentStatus('a1'))?.state).toBe('wrap-up');
    expect(await i1.callbacks.stats(['sales'])).toEqual([
      { queueId: 'sales', pending: 0, completed: 1, failed: 0, cancelled: 0, today: { requested: 1, completed: 1, failed: 0, cancelled: 0 } },
    ]);
  }, 60_000);

  it('retries a busy or silent customer after the back-off, then marks the call-back failed; the agent is released each time', async () => {
    w = await world({ config: { maxAttempts: 2, retryBackoffSeconds: [300] } });
    const i1 = w.instances[0]!;
    await i1.acd.login('a1');
    w.sim.endpoint('sip:a1@agents.test', { answerAfterMs: 1_000 });
    let n = 0;
    w.sim.endpoint(CUSTOMER, () => (n++ === 0 ? { result: 'busy' } : { result: 'no-answer' }));
    const { outcome } = await request(w);
    const id = outcome.callbackId;
    await runUntil(w, async () => (await i1.callbacks.get(id))?.attempts === 1 && (await i1.callbacks.get(id))?.status === 'pending', 'first attempt over');
    const afterFirst = await i1.callbacks.get(id);
    expect(afterFirst?.lastOutcome).toBe('busy');
    expect(heardOf(w, 'sip:a1@agents.test')).toContain('tts[pl]: Klient nie odebrał. Oddzwonienie zostanie ponowione później.');
    expect(['wrap-up', 'available']).toContain((await i1.acd.agentStatus('a1'))?.state);
    // Nothing before the back-off has passed.
    await w.clock.advance(afterFirst!.dueAt - w.clock.now() - 1_000);
    expect(dialsTo(w, CUSTOMER)).toHaveLength(1);
    await runUntil(w, async () => (await i1.callbacks.get(id))?.status === 'failed', 'failed after two attempts');
    expect(dialsTo(w, CUSTOMER).map((d) => d.outcome)).toEqual(['busy', 'no-answer']);
    const events = await i1.callbacks.events(id);
    expect(events.filter((e) => e.type === 'outcome').map((e) => e.outcome)).toEqual(['busy', 'no-answer']);
    expect(events.at(-1)).toMatchObject({ type: 'failed', attempt: 2 });
    const retry = events.find((e) => e.type === 'retry')!;
    expect(events.filter((e) => e.type === 'attempt')[1]!.at).toBeGreaterThanOrEqual(retry.dueAt!);
    expect(await i1.callbacks.stats(['sales'])).toEqual([
      { queueId: 'sales', pending: 0, completed: 0, failed: 1, cancelled: 0, today: { requested: 1, completed: 0, failed: 1, cancelled: 0 } },
    ]);
  }, 60_000);

  it('retries only inside business hours: a failure before closing is retried at the next opening', async () => {
    w = await world({
      config: { maxAttempts: 3, retryBackoffSeconds: [3600] },
      hours: { timeZone: 'Europe/Warsaw', weekly: { mon: ['08:00-16:00'], tue: ['08:00-16:00'] } },
    });
    const i1 = w.instances[0]!;
    w.clock.setTime(Date.UTC(2026, 0, 5, 14, 30)); // Monday 15:30 in Warsaw
    await i1.acd.login('a1');
    w.sim.endpoint('sip:a1@agents.test', {});
    w.sim.endpoint(CUSTOMER, { result: 'busy' });
    const { outcome } = await request(w);
    await runUntil(w, async () => (await i1.callbacks.get(outcome.callbackId))?.attempts === 1, 'first attempt');
    await runUntil(w, async () => (await i1.callbacks.get(outcome.callbackId))?.status === 'pending', 'pending again');
    expect((await i1.callbacks.get(outcome.callbackId))?.dueAt).toBe(Date.UTC(2026, 0, 6, 7, 0)); // Tuesday 08:00 Warsaw
  }, 60_000);

  it('rings another agent when the first does not answer; the call-back keeps its place', async () => {
    w = await world({ agents: ['a1', 'a2'] });
    const i1 = w.instances[0]!;
    await i1.acd.login('a1');
    await i1.acd.login('a2');
    w.sim.endpoint('sip:a1@agents.test', { result: 'no-answer' });
    w.sim.endpoint('sip:a2@agents.test', { answerAfterMs: 1_000 });
    customerAnswers(w);
    const { outcome } = await request(w);
    await runUntil(w, async () => (await i1.callbacks.get(outcome.callbackId))?.status === 'completed', 'completed');
    expect(w.sim.dials.map((d) => [d.to, d.outcome])).toContainEqual(['sip:a2@agents.test', 'answered']);
    expect(dialsTo(w, CUSTOMER)).toHaveLength(1);
    expect((await i1.callbacks.get(outcome.callbackId))?.agentId).toBe('a2');
  }, 60_000);

  it("passes over an agent with no device to ring (paused as 'unreachable', not a miss) to the next agent", async () => {
    w = await world({ agents: ['a1', 'a2'] });
    const i1 = w.instances[0]!;
    const a1 = (await i1.acd.getAgent('a1'))!;
    const { uri: _none, ...noDevice } = a1; // a softphone that is not registered, and no static URI
    await i1.acd.putAgent(noDevice);
    await i1.acd.login('a1');
    await i1.acd.login('a2');
    w.sim.endpoint('sip:a2@agents.test', { answerAfterMs: 1_000 });
    customerAnswers(w);
    const { outcome } = await request(w);
    await runUntil(w, async () => (await i1.callbacks.get(outcome.callbackId))?.status === 'completed', 'completed');
    expect((await i1.callbacks.get(outcome.callbackId))?.agentId).toBe('a2');
    expect(w.sim.dials.filter((d) => d.to.startsWith('sip:'))).toHaveLength(1);
    expect(await i1.acd.agentStatus('a1')).toMatchObject({ state: 'paused', reason: 'unreachable' });
    expect((await i1.acd.agentStats('a1')).today.missed).toBe(0);
  }, 60_000);

  it('puts the call-back back in the queue when the agent hangs up during the whisper', async () => {
    w = await world();
    const i1 = w.instances[0]!;
    await i1.acd.login('a1');
    let rings = 0;
    w.sim.endpoint('sip:a1@agents.test', () =>
      rings++ === 0 ? { answerAfterMs: 1_000, onAnswer: (party: SimParty) => void w!.clock.setTimer(500, () => party.hangup()) } : { answerAfterMs: 1_000 },
    );
    customerAnswers(w);
    const { outcome } = await request(w);
    await runUntil(w, async () => (await i1.callbacks.get(outcome.callbackId))?.status === 'completed', 'completed on the second agent answer');
    const events = await i1.callbacks.events(outcome.callbackId);
    expect(events.map((e) => e.type)).toEqual(['created', 'queued', 'attempt', 'release', 'queued', 'attempt', 'customer-answered', 'completed']);
    expect(events[3]).toMatchObject({ outcome: 'agent-hung-up' });
    expect(dialsTo(w, CUSTOMER).map((d) => d.outcome)).toEqual(['answered']);
  }, 60_000);

  it('does not dial a call-back cancelled while it waits for an agent', async () => {
    w = await world();
    const i1 = w.instances[0]!;
    customerAnswers(w);
    w.sim.endpoint('sip:a1@agents.test', {});
    const { outcome } = await request(w);
    await runUntil(w, async () => (await i1.callbacks.get(outcome.callbackId))?.status === 'queued' && (await i1.acd.queueStatus('sales')).waiting === 1, 'queued in the ACD');
    const cancelled = await i1.callbacks.cancel(outcome.callbackId);
    expect(cancelled.status).toBe('cancelled');
    await i1.acd.login('a1');
    await w.clock.advance(120_000);
    expect(dialsTo(w, CUSTOMER)).toHaveLength(0);
    expect((await i1.acd.queueStatus('sales')).waiting).toBe(0);
    await expect(i1.callbacks.cancel(outcome.callbackId)).rejects.toMatchObject({ code: 'CALLBACK_FINISHED' });
  }, 60_000);
});

describe('several instances', () => {
  it('loses nothing when the instance holding a call-back dies; a new instance dials it once', async () => {
    w = await world();
    const i1 = w.instances[0]!;
    customerAnswers(w);
    w.sim.endpoint('sip:a1@agents.test', {});
    const { outcome } = await request(w);
    await runUntil(w, async () => (await i1.callbacks.get(outcome.callbackId))?.status === 'queued', 'queued by i1');
    await i1.crash();
    const i2 = await w.start('i2');
    await i2.acd.login('a1');
    await runUntil(w, async () => (await i2.callbacks.get(outcome.callbackId))?.status === 'completed', 'completed by i2');
    expect(dialsTo(w, CUSTOMER)).toHaveLength(1);
    const rec = await i2.callbacks.get(outcome.callbackId);
    expect(rec).toMatchObject({ attempts: 1, status: 'completed' });
  }, 60_000);

  it('keeps the entry the ACD re-queued for a dead instance: an agent ringing for it when the call-back lease lapses still serves it', async () => {
    w = await world();
    const i1 = w.instances[0]!;
    customerAnswers(w);
    const { outcome } = await request(w);
    const id = outcome.callbackId;
    await runUntil(w, async () => (await i1.callbacks.get(id))?.status === 'queued', 'queued by i1');
    const entry = (await i1.callbacks.get(id))?.entryId;
    await i1.crash();
    const i2 = await w.start('i2');
    // The ACD gives the dead instance's entry to i2 (its lease, 15 s) long before the call-back lease (30 s) lapses.
    await runUntil(w, async () => (await i2.redis.hget(`${w!.prefix}e:${entry}`, 'inst')) === 'i2', 'entry re-queued by the ACD');
    expect((await i2.callbacks.get(id))?.status).toBe('queued');
    const leaseEnds = Number(await i2.redis.zscore(`${w.prefix}cb:leases`, id));
    await w.clock.advance(Math.max(0, leaseEnds - w.clock.now() - 5_000));
    // The agent rings for the re-queued entry and answers after 10 s: the lease lapses meanwhile.
    w.sim.endpoint('sip:a1@agents.test', { answerAfterMs: 10_000 });
    await i2.acd.login('a1');
    await runUntil(w, async () => (await i2.callbacks.get(id))?.status === 'completed', 'completed by i2', { stepMs: 1_000 });
    expect(dialsTo(w, 'sip:a1@agents.test')).toHaveLength(1);
    expect(heardOf(w, 'sip:a1@agents.test').join(' ')).not.toMatch(/anulowane/);
    expect(dialsTo(w, CUSTOMER)).toHaveLength(1);
    expect(await i2.callbacks.get(id)).toMatchObject({ status: 'completed', attempts: 1 });
    expect((await i2.callbacks.events(id)).map((e) => e.type)).toEqual(['created', 'queued', 'lease-expired', 'queued', 'attempt', 'customer-answered', 'completed']);
  }, 60_000);

  it('does not dial the customer again when the instance dies during the conversation; the agent is paused, not rung', async () => {
    w = await world();
    const { i1, id } = await inConversation(w);
    // The process dies mid-conversation; FreeSWITCH would keep the two legs bridged without it.
    await i1.crash();
    const i2 = await w.start('i2');
    await runUntil(w, async () => (await i2.callbacks.get(id))?.status === 'completed', 'completed by reclaim', { stepMs: 5_000 });
    expect(await i2.callbacks.get(id)).toMatchObject({ status: 'completed', attempts: 1, lastOutcome: 'interrupted' });
    expect((await i2.callbacks.events(id)).map((e) => e.type).slice(-3)).toEqual(['customer-answered', 'lease-expired', 'completed']);
    expect(dialsTo(w, CUSTOMER)).toHaveLength(1);
    expect(await i2.acd.agentStatus('a1')).toMatchObject({ state: 'paused', reason: 'lost-call' });
  }, 60_000);

  it('a process restarted under the same instance id at once takes back what the earlier one held (it would renew those leases for ever)', async () => {
    w = await world();
    const { i1, id } = await inConversation(w);
    await i1.crash();
    const again = await w.start('i1');
    // Completed (interrupted) at once: no lease to wait for, and the customer is not dialed again.
    await runUntil(w, async () => (await again.callbacks.get(id))?.status === 'completed', 'completed after the restart', { stepMs: 100, maxMs: 1_000 });
    expect(await again.callbacks.get(id)).toMatchObject({ status: 'completed', attempts: 1, lastOutcome: 'interrupted' });
    expect(dialsTo(w, CUSTOMER)).toHaveLength(1);
  }, 60_000);

  it('reclaims a call-back whose holder died before queueing it, and after a full restart dials what was scheduled', async () => {
    w = await world();
    const i1 = w.instances[0]!;
    customerAnswers(w);
    customerAnswers(w, '+48600100999');
    w.sim.endpoint('sip:a1@agents.test', {});
    const now = w.clock.now();
    const base = { queueId: 'sales', language: 'pl', priority: 0, arrivedAt: now, maxAttempts: 3, data: {} };
    // A ghost instance claims it and dies at once (no ACD entry, lease left behind).
    const orphan = await i1.store.create(now, { ...base, number: CUSTOMER, dueAt: now + 3_600_000 });
    const ghostClaim = await i1.store.claim(now + 3_600_000, 'ghost', now + 3_630_000, 1);
    expect(ghostClaim).toHaveLength(1);
    const scheduled = await i1.store.create(now, { ...base, number: '+48600100999', scheduledAt: now + 3_900_000, dueAt: now + 3_900_000 });
    // Every instance goes away; a new one starts on the same Redis.
    await i1.crash();
    w.clock.setTime(now + 3_600_000);
    const i2 = await w.start('i2');
    await i2.acd.login('a1');
    await runUntil(w, async () => (await i2.callbacks.get(orphan.id))?.status === 'completed', 'orphan completed', { stepMs: 5_000 });
    expect((await i2.callbacks.events(orphan.id)).map((e) => e.type)).toEqual(['created', 'queued', 'lease-expired', 'queued', 'attempt', 'customer-answered', 'completed']);
    await runUntil(w, async () => (await i2.callbacks.get(scheduled.id))?.status === 'completed', 'scheduled completed', { stepMs: 5_000 });
    expect(dialsTo(w, '+48600100999')[0]!.at).toBeGreaterThanOrEqual(now + 3_900_000);
    expect(dialsTo(w, CUSTOMER)).toHaveLength(1);
  }, 60_000);

  it('dials each call-back exactly once with two instances racing', async () => {
    const agents = ['a1', 'a2', 'a3'];
    w = await world({ agents });
    const i1 = w.instances[0]!;
    const i2 = await w.start('i2');
    for (const a of agents) {
      await i1.acd.login(a);
      w.sim.endpoint(`sip:${a}@agents.test`, { answerAfterMs: 1_000 });
    }
    const numbers = Array.from({ length: 8 }, (_, k) => `+4860010030${k}`);
    for (const num of numbers) customerAnswers(w, num, 2_000);
    const now = w.clock.now();
    const ids = await Promise.all(
      numbers.map((num, k) =>
        (k % 2 ? i1 : i2).store.create(now, { queueId: 'sales', number: num, language: 'pl', priority: 0, arrivedAt: now - k, dueAt: now, maxAttempts: 3, data: {} }),
      ),
    );
    i1.dialer.wake();
    i2.dialer.wake();
    await runUntil(w, async () => (await i1.callbacks.stats(['sales']))[0]?.completed === numbers.length, 'all completed', { stepMs: 1_000 });
    for (const num of numbers) expect(dialsTo(w, num)).toHaveLength(1);
    for (const { id } of ids) expect((await i1.callbacks.get(id))?.attempts).toBe(1);
  }, 60_000);
});
