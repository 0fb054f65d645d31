/**
 * Legs left by an instance that died: the book of legs in real Redis, two
 * drivers with stand-ins for drachtio-server and FreeSWITCH (shared by both,
 * as two instances share one drachtio-server and one FreeSWITCH), and a
 * virtual clock. The "dead" instance is halted without any clean-up, as if
 * its process had been killed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { DrachtioTelephony } from '../../src/telephony/drachtio/driver.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import type { Call } from '../../src/telephony/port.ts';
import { settings, invite } from './support/harness.ts';
import { RecordingResponse, silentLogger, StandinMediaConnector, StandinSignaling } from './support/standins.ts';
import { parseRequest } from './support/sip-request.ts';
import { redisUrl, testPrefix } from '../support/redis.ts';

const redises: Redis[] = [];
afterEach(() => {
  for (const r of redises.splice(0)) r.disconnect();
});

const turn = () => new Promise((r) => setImmediate(r));
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await turn();
}

/** Waits for Redis I/O (no virtual time passes) until `check` holds. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`not reached: ${what}`);
}

const LEGS = { flushMs: 1_000, leaseMs: 30_000, scanMs: 5_000, maxAgeMs: 3_600_000, sipServer: '127.0.0.1:9022', mediaServer: '127.0.0.1:8021' };

function world() {
  const clock = new VirtualClock();
  const prefix = `${testPrefix('legs')}{t}:`;
  const signaling = new StandinSignaling();
  const media = new StandinMediaConnector();
  const redis = new Redis(redisUrl());
  redises.push(redis);
  const key = (suffix: string) => `${prefix}sip:legs:${suffix}`;
  const instance = async (id: string, legs: Partial<typeof LEGS> = {}) => {
    const own = new Redis(redisUrl());
    redises.push(own);
    let n = 0;
    const driver = new DrachtioTelephony(settings({ legs: { ...LEGS, ...legs, keyPrefix: prefix, instanceId: id } }), {
      signaling,
      media,
      redis: own,
      logger: silentLogger,
      clock,
      isKnownNumber: () => true,
      newId: () => `${id}-call-${++n}`,
    });
    const incoming: Call[] = [];
    driver.onIncoming((c) => incoming.push(c));
    driver.start();
    signaling.emitConnect();
    await settle();
    return { driver, incoming };
  };
  /** A trunk's INVITE to whichever instance is connected. */
  const call = async () => {
    signaling.handlers.get('invite')!(parseRequest(invite(), '203.0.113.10'), new RecordingResponse());
    await settle();
  };
  /** Lets an instance write its book (every flushMs) until it holds `n` legs. */
  const booked = async (id: string, n: number) => {
    await clock.advance(LEGS.flushMs);
    await eventually(async () => (await redis.hlen(key(id))) === n, `${id} has ${n} legs in its book`);
  };
  /** Instance `id` with one inbound call, in its book: the caller's dialog and FreeSWITCH channel. */
  const instanceWithCall = async (id: string) => {
    const inst = await instance(id);
    await call();
    expect(inst.incoming).toHaveLength(1);
    const callerDialog = media.latest.callerDialogs[0]!;
    const channel = media.latest.endpoints[0]!;
    await booked(id, 1);
    return { ...inst, callerDialog, channel };
  };
  /** Instance `id` with a caller bridged to a dialed agent, both legs in its book. */
  const instanceWithBridge = async (id: string) => {
    const inst = await instance(id);
    await call();
    const dialed = await inst.driver.dial({ to: 'sip:1001@198.51.100.200:40312', ringTimeoutMs: 20_000 });
    if (!dialed.ok) throw new Error('dial failed');
    void inst.incoming[0]!.bridge(dialed.call);
    await settle();
    await booked(id, 2);
    const [callerChannel, agentChannel] = media.latest.endpoints;
    return { ...inst, callerDialog: media.latest.callerDialogs[0]!, agentDialog: signaling.uacs[0]!.dialog!, callerChannel: callerChannel!, agentChannel: agentChannel! };
  };
  return { clock, prefix, signaling, media, redis, key, instance, call, booked, instanceWithCall, instanceWithBridge };
}

describe('legs left by an instance that died', () => {
  it('a caller whose instance died gets BYE once FreeSWITCH has hung up its channel (after the apology), not before', async () => {
    const w = world();
    const { driver: a, callerDialog, channel } = await w.instanceWithCall('a');

    // Instance a dies: no clean-up at all. drachtio-server and FreeSWITCH keep the call.
    a.halt();
    const b = await w.instance('b');
    w.signaling.orphanDialogs.add(callerDialog.id);
    w.media.latest.otherChannels.add(channel.uuid);

    // Before a's lease lapses b takes nothing; after, it adopts the leg but ends nothing while FreeSWITCH has the channel (the apology is playing).
    expect(await b.driver.sweepOrphans()).toBe(0);
    expect(await w.redis.hlen(w.key('a'))).toBe(1);
    w.clock.setTime(w.clock.now() + LEGS.leaseMs + 1);
    expect(await b.driver.sweepOrphans()).toBe(0);
    expect(await w.redis.exists(w.key('a'))).toBe(0);
    expect(await w.redis.hlen(w.key('b:orphans'))).toBe(1);
    expect(w.signaling.byes).toEqual([]);

    // FreeSWITCH hangs up after the apology: the caller's dialog gets its BYE.
    w.media.latest.otherChannels.delete(channel.uuid);
    expect(await b.driver.sweepOrphans()).toBe(1);
    expect(w.signaling.byes).toEqual([callerDialog.id]);
    await eventually(async () => (await w.redis.hlen(w.key('b:orphans'))) === 0, 'orphans forgotten');
    b.driver.halt();
  });

  it("a bridge kept up after the instance died: when one side's channel ends, the other side is hung up and both phones get BYE", async () => {
    const w = world();
    const { driver: a, callerDialog, agentDialog, callerChannel, agentChannel } = await w.instanceWithBridge('a');
    const legs = Object.values(await w.redis.hgetall(w.key('a'))).map((j) => JSON.parse(j) as { id: string; partner?: string });
    expect(legs.map((l) => [l.id, l.partner]).sort()).toEqual([
      ['a-call-1', 'a-call-2'],
      ['a-call-2', 'a-call-1'],
    ]);

    a.halt();
    const b = await w.instance('b');
    w.signaling.orphanDialogs.add(callerDialog.id).add(agentDialog.id);
    w.media.latest.otherChannels.add(callerChannel.uuid).add(agentChannel.uuid);
    w.clock.setTime(w.clock.now() + LEGS.leaseMs + 1);
    expect(await b.driver.sweepOrphans()).toBe(0); // still talking
    expect(w.signaling.byes).toEqual([]);

    // The caller hangs up: drachtio-server had nobody to give the BYE to; FreeSWITCH ends the caller's channel (media timeout).
    // The caller's dialog gets BYE, the agent's channel is hung up, and (at once or at the next sweep) the agent's phone gets BYE.
    w.media.latest.otherChannels.delete(callerChannel.uuid);
    const first = await b.driver.sweepOrphans();
    const second = await b.driver.sweepOrphans();
    expect(first + second).toBe(2);
    expect(w.media.latest.apiCommands).toContain(`uuid_kill ${agentChannel.uuid}`);
    expect([...w.signaling.byes].sort()).toEqual([callerDialog.id, agentDialog.id].sort());
    await eventually(async () => (await w.redis.hlen(w.key('b:orphans'))) === 0, 'orphans forgotten');
    b.driver.halt();
  });

  it('a phone that never answers its BYE holds up neither its partner nor the other orphans', async () => {
    const w = world();
    const { driver: a, callerDialog, agentDialog, agentChannel } = await w.instanceWithBridge('a');
    a.halt();
    const b = await w.instance('b');
    w.signaling.orphanDialogs.add(callerDialog.id).add(agentDialog.id);
    w.signaling.silentPhones.add(callerDialog.id);
    w.media.latest.otherChannels.add(agentChannel.uuid);
    w.clock.setTime(w.clock.now() + LEGS.leaseMs + 1);
    // The caller's channel is gone: its BYE goes out and is never answered; the agent is hung up and gets BYE all the same.
    await b.driver.sweepOrphans();
    await b.driver.sweepOrphans();
    expect(w.media.latest.apiCommands).toContain(`uuid_kill ${agentChannel.uuid}`);
    expect([...w.signaling.byes].sort()).toEqual([callerDialog.id, agentDialog.id].sort());
    await eventually(async () => (await w.redis.hkeys(w.key('b:orphans'))).length === 1, 'the agent leg forgotten');
    // While its BYE is under way the caller's leg is not sent another one.
    await b.driver.sweepOrphans();
    expect(w.signaling.byes.filter((d) => d === callerDialog.id)).toHaveLength(1);
    w.signaling.answerByes();
    await eventually(async () => (await w.redis.hlen(w.key('b:orphans'))) === 0, 'the caller leg forgotten');
    b.driver.halt();
  });

  it('an instance restarted under the same id at once takes over the legs its earlier process left', async () => {
    const w = world();
    const { driver: a, callerDialog, channel } = await w.instanceWithCall('a');
    a.halt();
    // Restarted within the lease (a fixed ACD_INSTANCE_ID): nobody else would ever take those legs.
    const again = await w.instance('a');
    w.signaling.orphanDialogs.add(callerDialog.id);
    await w.booked('a', 0);
    expect(await w.redis.hlen(w.key('a:orphans'))).toBe(1);
    expect(await again.driver.sweepOrphans()).toBe(1); // FreeSWITCH no longer has the channel
    expect(w.signaling.byes).toEqual([callerDialog.id]);
    expect(w.media.latest.apiCommands).toContain(`uuid_exists ${channel.uuid}`);
    again.driver.halt();
  });

  it('a live instance keeps its legs; a clean stop leaves nothing to adopt; legs on other servers are not touched', async () => {
    const w = world();
    const a = await w.instance('a');
    await w.call();
    await w.booked('a', 1);
    const b = await w.instance('b');
    // a goes on writing its book (its lease renewed every second): b adopts nothing, however much later.
    for (let i = 0; i < 5; i++) {
      w.clock.setTime(w.clock.now() + LEGS.leaseMs - LEGS.flushMs);
      await w.booked('a', 1);
      expect(await b.driver.sweepOrphans()).toBe(0);
    }
    expect(await w.redis.exists(w.key('b:orphans'))).toBe(0);
    // A clean stop: the call is hung up, the book emptied and left.
    const closing = a.driver.close();
    await w.clock.runAll();
    await closing;
    expect(await w.redis.exists(w.key('a'))).toBe(0);
    expect(await w.redis.zscore(w.key('instances'), 'a')).toBeNull();

    // An instance on another FreeSWITCH dies: b adopts its leg but never acts on it (that FreeSWITCH answers for its channels).
    const c = await w.instance('c', { mediaServer: '10.0.0.9:8021' });
    await w.call();
    await w.booked('c', 1);
    c.driver.halt();
    w.clock.setTime(w.clock.now() + LEGS.leaseMs + 1);
    expect(await b.driver.sweepOrphans()).toBe(0);
    expect(await w.redis.hlen(w.key('b:orphans'))).toBe(1);
    expect(w.signaling.byes).toEqual([]);
    // … until it is older than maxAgeMs: forgotten.
    w.clock.setTime(w.clock.now() + LEGS.maxAgeMs);
    expect(await b.driver.sweepOrphans()).toBe(0);
    expect(await w.redis.exists(w.key('b:orphans'))).toBe(0);
    b.driver.halt();
  });
});
