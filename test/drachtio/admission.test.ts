/**
 * SIP admission through the real drachtio-srf client: real SIP text is
 * delivered by a stand-in drachtio-server, and we look at what the driver
 * answers on the wire.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cancelFor, invite, options, settings, startHarness, until, type Harness } from './support/harness.ts';
import { AdmissionControl } from '../../src/telephony/drachtio/admission.ts';
import { SipFailure } from '../../src/telephony/drachtio/types.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('incoming INVITE admission', () => {
  it('answers a call to a known number from an allowed trunk and hands the call to the flow side', async () => {
    h = await startHarness();
    const res = await h.server.request(invite({ headers: ['X-Account-Id: 778', 'Diversion: <sip:48220000000@203.0.113.10>;reason=unconditional'] }), {
      address: '203.0.113.10',
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('m=audio 20000 RTP/AVP');
    expect(h.incoming).toHaveLength(1);
    const call = h.incoming[0]!;
    expect(call.info).toMatchObject({ direction: 'inbound', from: '48601111222', to: '48221234567' });
    expect(call.info.headers['x-account-id']).toBe('778');
    expect(call.info.headers.diversion).toContain('48220000000');
    // FreeSWITCH got the caller's SDP offer.
    expect(h.media.latest.callerDialogs[0]!.remoteSdp).toContain('c=IN IP4 203.0.113.10');
  });

  it('refuses a source outside the trunk allow-list with 403 and allocates no media', async () => {
    h = await startHarness();
    const res = await h.server.request(invite(), { address: '192.0.2.99' });
    expect(res.status).toBe(403);
    expect(h.media.latest.endpoints).toHaveLength(0);
    expect(h.incoming).toHaveLength(0);
  });

  it('accepts a single allowed address as well as a CIDR', async () => {
    h = await startHarness();
    const res = await h.server.request(invite(), { address: '198.51.100.7' });
    expect(res.status).toBe(200);
  });

  it('answers 404 for a number no flow is routed to', async () => {
    h = await startHarness();
    const res = await h.server.request(invite({ to: '48229999999' }), { address: '203.0.113.10' });
    expect(res.status).toBe(404);
    expect(h.incoming).toHaveLength(0);
  });

  it.each(['friendly-scanner', 'sipvicious 0.3.4', 'sipcli/v1.8', 'VaxSIPUserAgent/3.1'])('drops "%s" without any answer', async (ua) => {
    h = await startHarness();
    const scan = h.server.inject(invite({ userAgent: ua }), { address: '203.0.113.10' });
    // A later request from the same trunk is answered; by then the scanner's would have been too.
    const barrier = await h.server.request(options(), { address: '198.51.100.7' });
    expect(barrier.status).toBe(200);
    expect(h.server.answered(scan)).toBe(false);
    expect(h.incoming).toHaveLength(0);
  });

  it('rate-limits one source with 503 and Retry-After, without affecting others', async () => {
    h = await startHarness();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await h.server.request(options(), { address: '192.0.2.50' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 503]);
    const limited = await h.server.request(options(), { address: '192.0.2.50' });
    expect(limited.status).toBe(503);
    expect(limited.headers['retry-after']).toBe('10');
    expect((await h.server.request(options(), { address: '192.0.2.51' })).status).toBe(200);
    // A new window opens after the configured period.
    await h.clock.advance(10_000);
    expect((await h.server.request(options(), { address: '192.0.2.50' })).status).toBe(200);
  });

  it('does not rate-limit a trunk in the allow-list (a carrier brings every call from one address)', async () => {
    h = await startHarness(); // limit: 5 requests per 10 s per source
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await h.server.request(invite(), { address: '203.0.113.50' })).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('can drop over-limit requests silently instead', async () => {
    const s = settings();
    h = await startHarness({ settings: { ...s, admission: { ...s.admission, rateLimitMax: 1, rateLimitAction: 'drop' } } });
    expect((await h.server.request(options(), { address: '192.0.2.60' })).status).toBe(200);
    const over = h.server.inject(options(), { address: '192.0.2.60' });
    await h.server.request(options(), { address: '198.51.100.7' });
    expect(h.server.answered(over)).toBe(false);
  });

  it('a caller who cancels before we answer gets no call and no media leg', async () => {
    let release: (known: boolean) => void = () => undefined;
    let asked = false;
    h = await startHarness({
      isKnownNumber: () =>
        new Promise<boolean>((resolve) => {
          asked = true;
          release = resolve;
        }),
    });
    const text = invite();
    h.server.inject(text, { address: '203.0.113.10' });
    await until(() => asked);
    h.server.inject(cancelFor(text), { address: '203.0.113.10' });
    const barrier = await h.server.request(options(), { address: '198.51.100.7' });
    expect(barrier.status).toBe(200);
    release(true);
    await h.clock.settle();
    expect(h.media.latest.endpoints).toHaveLength(0);
    expect(h.incoming).toHaveLength(0);
  });

  it('answers 503 when FreeSWITCH cannot take the call', async () => {
    h = await startHarness();
    h.media.latest.connectError = new Error('Connection timeout');
    const res = await h.server.request(invite(), { address: '203.0.113.10' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(h.incoming).toHaveLength(0);
  });

  it('answers 503 with Retry-After when FreeSWITCH throttles (its own 503)', async () => {
    h = await startHarness();
    h.media.latest.connectError = new SipFailure(503, 'Maximum Calls In Progress');
    const res = await h.server.request(invite(), { address: '203.0.113.10' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(h.incoming).toHaveLength(0);
  });
});

describe('AdmissionControl', () => {
  it('matches IPv6 CIDRs and IPv4-mapped addresses', () => {
    const ac = new AdmissionControl(
      { trunkAllowList: ['2001:db8::/32', '10.1.0.0/16'], scannerUserAgents: [], rateLimitMax: 100, rateLimitWindowMs: 1000, rateLimitAction: 'reject' },
      new VirtualClock(),
    );
    expect(ac.check({ method: 'INVITE', sourceAddress: '2001:db8::5', userAgent: 'x' }).action).toBe('accept');
    expect(ac.check({ method: 'INVITE', sourceAddress: '::ffff:10.1.2.3', userAgent: 'x' }).action).toBe('accept');
    expect(ac.check({ method: 'INVITE', sourceAddress: '10.2.0.1', userAgent: 'x' })).toMatchObject({ action: 'reject', status: 403 });
    // REGISTER is not subject to the trunk allow-list (agents register from anywhere; digest protects it).
    expect(ac.check({ method: 'REGISTER', sourceAddress: '10.2.0.1', userAgent: 'x' }).action).toBe('accept');
  });
});
