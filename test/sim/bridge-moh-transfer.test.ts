import { describe, expect, it } from 'vitest';
import { CallHungUpError, TelephonyError, TransferFailedError } from '../../src/telephony/errors.ts';
import type { Call } from '../../src/telephony/port.ts';
import { collect, hello, setup, track } from './helpers.ts';

async function callerAndAgent() {
  const ctx = setup();
  const caller = ctx.sim.incoming({ from: '+48600100200', to: '+48221234567' });
  ctx.sim.endpoint('sip:1001@agents', {});
  const r = await ctx.sim.dial({ to: 'sip:1001@agents', ringTimeoutMs: 20_000 });
  if (!r.ok) throw new Error('agent did not answer');
  const agent = ctx.sim.calls.find((c) => c.info.id === r.call.info.id)!;
  return { ...ctx, caller, agent };
}

describe('music on hold', () => {
  it('is logged, stopped by a play, and does not consume script actions', async () => {
    const { clock, sim } = setup();
    const { call, party } = sim.incoming({ to: '100', script: [{ digits: '1' }] });
    await call.startMusicOnHold('queue-music');
    expect(call.musicOnHold).toBe('queue-music');
    await clock.advance(60_000);
    const p = call.play([hello]);
    expect(call.musicOnHold).toBeNull();
    await clock.advance(500);
    await p;
    await call.startMusicOnHold();
    await call.stopMusicOnHold();
    expect(call.events.map((e) => [e.kind, e.detail])).toEqual([
      ['moh-start', 'queue-music'],
      ['moh-stop', undefined],
      ['moh-start', 'default'],
      ['moh-stop', undefined],
    ]);
    expect(party.pendingActions).toHaveLength(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('is stopped by a collect', async () => {
    const { clock, sim } = setup();
    const { call } = sim.incoming({ to: '100', script: [{ digits: '1' }] });
    await call.startMusicOnHold();
    const p = call.collectDigits(collect({ prompts: [] }));
    await clock.settle();
    expect(await p).toEqual({ kind: 'digits', digits: '1' });
    expect(call.events.map((e) => e.kind)).toEqual(['moh-start', 'moh-stop', 'dtmf']);
  });
});

describe('bridge', () => {
  it('connects two calls until the agent hangs up; the caller is then hung up too', async () => {
    const { caller, agent, clock } = await callerAndAgent();
    await caller.call.startMusicOnHold();
    const b = caller.call.bridge(agent);
    expect(caller.call.bridgedTo).toBe(agent);
    expect(caller.call.musicOnHold).toBeNull();
    await clock.advance(120_000);
    agent.party.hangup();
    expect(await b).toEqual({ endedBy: 'other' });
    expect(caller.call.isEnded).toBe(true);
    expect(caller.call.hangupCause).toBe('agent');
    expect(caller.call.events.map((e) => e.kind)).toEqual(['moh-start', 'moh-stop', 'bridge', 'unbridge', 'hangup']);
    expect(agent.events.map((e) => e.kind)).toEqual(['answer', 'bridge', 'hangup', 'unbridge']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('ends with self when the caller hangs up; the agent leg is torn down', async () => {
    const { caller, agent } = await callerAndAgent();
    const b = caller.call.bridge(agent);
    caller.party.hangup();
    expect(await b).toEqual({ endedBy: 'self' });
    expect(agent.isEnded).toBe(true);
    expect(agent.hangupCause).toBe('caller');
    expect(agent.party.hungUp).toBe(true);
  });

  it('leaves both calls up, unbridged, when aborted', async () => {
    const { caller, agent } = await callerAndAgent();
    const ac = new AbortController();
    const b = agent.bridge(caller.call, { signal: ac.signal });
    ac.abort();
    expect(await b).toEqual({ endedBy: 'aborted' });
    expect(caller.call.isEnded || agent.isEnded).toBe(false);
    expect(caller.call.bridgedTo).toBeNull();
    expect(agent.events.at(-1)).toMatchObject({ kind: 'unbridge' });
    // They can be bridged again.
    const again = caller.call.bridge(agent);
    await agent.hangup();
    expect(await again).toEqual({ endedBy: 'other' });
  });

  it('does not let the IVR consume keys pressed during a bridge', async () => {
    const { caller, agent, clock } = await callerAndAgent();
    const keys: string[] = [];
    caller.call.on('dtmf', (d) => keys.push(d));
    const b = caller.call.bridge(agent);
    caller.party.press('123');
    expect(caller.call.bufferedDigits).toBe('');
    expect(keys).toEqual(['1', '2', '3']);
    await caller.call.hangup();
    expect(await b).toEqual({ endedBy: 'self' });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses to bridge an ended call or a call of another kind', async () => {
    const { caller, agent } = await callerAndAgent();
    await agent.hangup();
    const err = await caller.call.bridge(agent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelephonyError);
    expect((err as TelephonyError).code).toBe('BRIDGE_FAILED');
    const foreign: Call = setup().sim.incoming({ to: '100' }).call;
    expect(((await caller.call.bridge(foreign).catch((e: unknown) => e)) as TelephonyError).code).toBe('BRIDGE_FAILED');
    expect(((await caller.call.bridge(caller.call).catch((e: unknown) => e)) as TelephonyError).code).toBe('BRIDGE_FAILED');
    await caller.call.hangup();
    await expect(caller.call.bridge(agent)).rejects.toBeInstanceOf(CallHungUpError);
  });

  it('stops a pending collect on either side', async () => {
    const { caller, agent, clock } = await callerAndAgent();
    const c = track(caller.call.collectDigits(collect()));
    void caller.call.bridge(agent);
    await clock.settle();
    expect(c.value).toEqual({ kind: 'aborted' });
    await caller.call.hangup();
  });
});

describe('transfer', () => {
  it('logs the transfer and ends the call with cause transfer', async () => {
    const { sim } = setup();
    const { call } = sim.incoming({ to: '100' });
    const causes: string[] = [];
    call.on('hangup', (c) => causes.push(c));
    await call.transfer('sip:reception@pbx');
    expect(call.events.map((e) => [e.kind, e.detail])).toEqual([
      ['transfer', 'sip:reception@pbx'],
      ['hangup', 'transfer'],
    ]);
    expect(causes).toEqual(['transfer']);
    expect(call.ended.aborted).toBe(true);
  });

  it('throws TransferFailedError for targets made to fail; the call stays up', async () => {
    const { sim } = setup();
    sim.failTransfersTo((t) => t.includes('broken'), 486);
    const { call } = sim.incoming({ to: '100' });
    const err = await call.transfer('sip:broken@pbx').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransferFailedError);
    expect((err as TransferFailedError).sipStatus).toBe(486);
    expect(call.isEnded).toBe(false);
    await call.hangup();
    await expect(call.transfer('sip:x@pbx')).rejects.toBeInstanceOf(CallHungUpError);
  });
});
