/**
 * Outbound dialing (agents and customers), reconnection with back-off,
 * readiness and graceful shutdown — with stand-ins for the SIP stack and
 * FreeSWITCH, and a real drachtio-srf against a stand-in drachtio-server for
 * the wrong-secret case.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import Srf from 'drachtio-srf';
import { DrachtioTelephony, reasonForStatus } from '../../src/telephony/drachtio/driver.ts';
import { adaptSrf } from '../../src/telephony/drachtio/srf-adapter.ts';
import { backoffDelay } from '../../src/telephony/drachtio/connection.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import type { Call } from '../../src/telephony/port.ts';
import { settings, SECRET, invite } from './support/harness.ts';
import { FakeDrachtioServer } from './support/fake-drachtio-server.ts';
import { RecordingResponse, silentLogger, StandinMediaConnector, StandinSignaling } from './support/standins.ts';
import { redisUrl } from '../support/redis.ts';
import { parseRequest } from './support/sip-request.ts';

const redises: Redis[] = [];
afterEach(() => {
  for (const r of redises.splice(0)) r.disconnect();
});

const turn = () => new Promise((r) => setImmediate(r));
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await turn();
}

function build(overrides: Parameters<typeof settings>[0] = {}) {
  const clock = new VirtualClock();
  const signaling = new StandinSignaling();
  const media = new StandinMediaConnector();
  const redis = new Redis(redisUrl());
  redises.push(redis);
  let n = 0;
  const driver = new DrachtioTelephony(settings(overrides), {
    signaling,
    media,
    redis,
    logger: silentLogger,
    clock,
    isKnownNumber: () => true,
    newId: () => `call-${++n}`,
  });
  driver.start();
  signaling.emitConnect();
  return { driver, clock, signaling, media };
}

describe('dial', () => {
  it('dials an agent through a second FreeSWITCH endpoint and hands FreeSWITCH the answer SDP', async () => {
    const { driver, signaling, media } = build();
    await settle();
    signaling.script = { outcome: 'answer', answerSdp: 'v=0\r\nc=IN IP4 192.0.2.50\r\nm=audio 7000 RTP/AVP 0\r\n' };
    const result = await driver.dial({ to: 'sip:1001@198.51.100.200:40312', ringTimeoutMs: 20_000, headers: { 'X-Queue': 'sales' } });
    expect(result.ok).toBe(true);
    const uac = signaling.uacs[0]!;
    expect(uac.uri).toBe('sip:1001@198.51.100.200:40312');
    expect(uac.opts.localSdp).toBe(media.latest.endpoints[0]!.localSdp);
    expect(uac.opts.headers).toEqual({ 'X-Queue': 'sales' });
    expect(uac.opts.auth).toBeUndefined();
    expect(media.latest.endpoints[0]!.modified).toEqual(['v=0\r\nc=IN IP4 192.0.2.50\r\nm=audio 7000 RTP/AVP 0\r\n']);
    if (result.ok) expect(result.call.info).toMatchObject({ direction: 'outbound', to: 'sip:1001@198.51.100.200:40312' });
  });

  it('dials a customer number through the trunk with credentials and caller id', async () => {
    const { driver, signaling } = build();
    await settle();
    const result = await driver.dial({ to: '+48 601 111 222', ringTimeoutMs: 30_000 });
    expect(result.ok).toBe(true);
    expect(signaling.uacs[0]).toMatchObject({
      uri: 'sip:+48601111222@trunk.example.net:5060',
      opts: { callingNumber: '48221234567', auth: { username: 'acct', password: 'trunk-pass' } },
    });
  });

  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [480, 'no-answer'],
    [408, 'no-answer'],
    [603, 'rejected'],
    [403, 'rejected'],
    [500, 'failed'],
  ] as const)('maps a final %i to %s and releases the endpoint', async (status, reason) => {
    const { driver, signaling, media } = build();
    await settle();
    signaling.script = { outcome: status };
    const result = await driver.dial({ to: 'sip:1002@10.0.0.9', ringTimeoutMs: 20_000 });
    expect(result).toMatchObject({ ok: false, reason, sipStatus: status });
    expect(media.latest.endpoints[0]!.destroyed).toBe(true);
  });

  it('sends CANCEL when nobody answers within the ring timeout', async () => {
    const { driver, signaling, clock, media } = build();
    await settle();
    signaling.script = { outcome: 'ring' };
    const pending = driver.dial({ to: 'sip:1002@10.0.0.9', ringTimeoutMs: 15_000 });
    await settle();
    await clock.advance(14_999);
    expect(signaling.uacs[0]!.cancelled).toBe(false);
    await clock.advance(1);
    expect(await pending).toMatchObject({ ok: false, reason: 'no-answer' });
    expect(signaling.uacs[0]!.cancelled).toBe(true);
    expect(media.latest.endpoints[0]!.destroyed).toBe(true);
  });

  it('sends CANCEL when the attempt is aborted while ringing', async () => {
    const { driver, signaling } = build();
    await settle();
    signaling.script = { outcome: 'ring' };
    const ctl = new AbortController();
    const pending = driver.dial({ to: 'sip:1002@10.0.0.9', ringTimeoutMs: 15_000, signal: ctl.signal });
    await settle();
    ctl.abort();
    expect(await pending).toEqual({ ok: false, reason: 'cancelled' });
    expect(signaling.uacs[0]!.cancelled).toBe(true);
  });

  it('fails clearly without a trunk for numbers or without FreeSWITCH', async () => {
    const s = settings();
    const { driver } = build({ outbound: { ...s.outbound, trunk: '' } });
    await settle();
    expect(await driver.dial({ to: '600700800', ringTimeoutMs: 1000 })).toMatchObject({ ok: false, reason: 'failed', detail: 'no trunk configured for numbers' });
    const other = build();
    other.media.latest.lose();
    expect(await other.driver.dial({ to: 'sip:a@b', ringTimeoutMs: 1000 })).toMatchObject({ ok: false, reason: 'failed', detail: 'media server unavailable' });
  });

  it('maps statuses to typed reasons', () => {
    expect(reasonForStatus(487)).toBe('no-answer');
    expect(reasonForStatus(404)).toBe('rejected');
    expect(reasonForStatus(503)).toBe('failed');
  });
});

describe('connections and readiness', () => {
  it('reports readiness only when both drachtio and FreeSWITCH are connected', async () => {
    const { driver, signaling, media, clock } = build();
    await settle();
    expect(await driver.health()).toMatchObject({ ok: true, detail: { drachtio: 'connected', freeswitch: 'connected' } });
    media.latest.lose();
    expect(await driver.health()).toMatchObject({ ok: false, detail: { freeswitch: 'disconnected' } });
    await clock.advance(backoffDelay({ initialMs: 500, maxMs: 8000 }, 1));
    await settle();
    expect(media.attempts).toBe(2);
    expect(await driver.health()).toMatchObject({ ok: true });
    signaling.emitError(new Error('connect ECONNREFUSED'));
    expect(await driver.health()).toMatchObject({ ok: false, detail: { drachtio: 'disconnected' } });
  });

  it('retries FreeSWITCH with growing back-off, and times out an attempt that never settles', async () => {
    const clock = new VirtualClock();
    const media = new StandinMediaConnector();
    media.mode = 'hang';
    const redis = new Redis(redisUrl());
    redises.push(redis);
    const driver = new DrachtioTelephony(settings(), {
      signaling: new StandinSignaling(),
      media,
      redis,
      logger: silentLogger,
      clock,
      isKnownNumber: () => true,
    });
    driver.start();
    expect(media.attempts).toBe(1);
    await clock.advance(3000); // connect timeout
    expect((await driver.health()).detail.freeswitch).toBe('disconnected');
    expect(media.abandoned).toBe(1); // the hung attempt is given up, not left to connect later beside the next one
    media.mode = 'fail';
    await clock.advance(500); // 1st back-off
    expect(media.attempts).toBe(2);
    await clock.advance(999);
    expect(media.attempts).toBe(2);
    await clock.advance(1); // 2nd back-off: 1000 ms
    expect(media.attempts).toBe(3);
    media.mode = 'ok';
    await clock.advance(2000);
    await settle();
    expect(media.attempts).toBe(4);
    expect((await driver.health()).detail.freeswitch).toBe('connected');
    const closing = driver.close();
    await clock.runAll();
    await closing;
  });

  it('backs off on a wrong drachtio secret instead of retrying every 250 ms (real drachtio-srf)', async () => {
    const server = new FakeDrachtioServer(SECRET);
    const port = await server.listen();
    const clock = new VirtualClock();
    const redis = new Redis(redisUrl());
    redises.push(redis);
    const driver = new DrachtioTelephony(settings(), {
      signaling: adaptSrf(new Srf(), { host: '127.0.0.1', port, secret: 'wrong' }, silentLogger),
      media: new StandinMediaConnector(),
      redis,
      logger: silentLogger,
      clock,
      isKnownNumber: () => true,
    });
    driver.start();
    for (let i = 0; i < 5000 && (await driver.health()).detail.drachtio !== 'auth-failed'; i++) await turn();
    expect((await driver.health()).detail.drachtio).toBe('auth-failed');
    const attempts = server.authAttempts;
    // Our back-off (not Srf's 250 ms loop) decides the next attempt.
    await clock.advance(499);
    expect(server.authAttempts).toBe(attempts);
    await clock.advance(1);
    for (let i = 0; i < 5000 && server.authAttempts === attempts; i++) await turn();
    expect(server.authAttempts).toBe(attempts + 1);
    const closing = driver.close();
    await clock.runAll();
    await closing;
    await server.close();
  });
});

describe('graceful shutdown', () => {
  it('refuses new calls with 503, lets calls finish within the grace period, then hangs up the rest', async () => {
    const { driver, signaling, clock } = build({ shutdownGraceMs: 20_000 });
    const calls: Call[] = [];
    driver.onIncoming((c) => calls.push(c));
    await settle();
    const handler = signaling.handlers.get('invite')!;
    const req = parseRequest(invite(), '203.0.113.10');
    handler(req, new RecordingResponse());
    await settle();
    expect(calls).toHaveLength(1);

    let closed = false;
    void driver.close().then(() => (closed = true));
    await settle();
    const refused = new RecordingResponse();
    handler(parseRequest(invite(), '203.0.113.10'), refused);
    await settle();
    expect(refused.sent[0]).toMatchObject({ status: 503 });
    expect(await driver.health()).toMatchObject({ ok: false, detail: { accepting: 'false', calls: '1' } });

    await clock.advance(19_000);
    expect(calls[0]!.ended.aborted).toBe(false);
    expect(closed).toBe(false);
    const causes: string[] = [];
    calls[0]!.on('hangup', (c) => causes.push(c));
    await clock.advance(1_500);
    await settle();
    expect(causes).toEqual(['shutdown']);
    expect(closed).toBe(true);
    expect(signaling.disconnects).toBeGreaterThan(0);
  });
});
