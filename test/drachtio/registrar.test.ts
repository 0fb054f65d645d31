/**
 * Agents' softphones registering: real REGISTER messages through the real
 * drachtio-srf client, digest computed here independently (RFC 2617), the
 * binding read back from the real Redis.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { settings, startHarness as start, type Harness } from './support/harness.ts';

/** Softphones send two requests per registration (challenge + answer): a roomier rate limit. */
function startHarness(): Promise<Harness> {
  const s = settings();
  return start({ settings: { ...s, admission: { ...s.admission, rateLimitMax: 50 } } });
}
import { DigestAuthenticator, digestResponse, parseDigestHeader } from '../../src/telephony/drachtio/digest.ts';
import { parseContact } from '../../src/telephony/drachtio/registrar.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

let seq = 0;
interface RegisterOpts {
  user: string;
  contact?: string;
  expires?: number | undefined;
  auth?: string;
  toUser?: string;
  cseq?: number;
  callId?: string;
}

function register(o: RegisterOpts): string {
  const n = ++seq;
  return [
    'REGISTER sip:ivr.example.com SIP/2.0',
    `Via: SIP/2.0/UDP 192.168.1.20:5062;rport;branch=z9hG4bK-reg-${n}`,
    'Max-Forwards: 70',
    `From: "Agent" <sip:${o.user}@ivr.example.com>;tag=reg-${n}`,
    `To: "Agent" <sip:${o.toUser ?? o.user}@ivr.example.com>`,
    `Call-ID: ${o.callId ?? `reg-${o.user}`}@192.168.1.20`,
    `CSeq: ${o.cseq ?? n} REGISTER`,
    `Contact: ${o.contact ?? `<sip:${o.user}@192.168.1.20:5062;transport=udp;rinstance=abc123>;+sip.instance="<urn:uuid:0001>"`}`,
    ...(o.expires !== undefined ? [`Expires: ${o.expires}`] : []),
    ...(o.auth ? [`Authorization: ${o.auth}`] : []),
    'User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)',
    'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** What a softphone computes from the challenge (RFC 2617 with qop=auth). */
function authorize(challenge: string, user: string, password: string, nc = '00000001'): string {
  const realm = /realm="([^"]+)"/.exec(challenge)![1]!;
  const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
  const uri = 'sip:ivr.example.com';
  const cnonce = 'f00dcafe';
  const ha1 = md5(`${user}:${realm}:${password}`);
  const ha2 = md5(`REGISTER:${uri}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, cnonce="${cnonce}", qop=auth, nc=${nc}`;
}

const PHONE = { address: '198.51.100.200', port: 40312 };

async function registerWithAuth(harness: Harness, o: Omit<RegisterOpts, 'auth'>, password: string) {
  const challenge = await harness.server.request(register(o), PHONE);
  expect(challenge.status).toBe(401);
  return harness.server.request(register({ ...o, auth: authorize(challenge.headers['www-authenticate']!, o.user, password) }), PHONE);
}

describe('REGISTER', () => {
  it('challenges, then accepts the right password and stores the binding in Redis with its expiry', async () => {
    h = await startHarness();
    const heard: string[] = [];
    h.driver.registrar.onRegistered((agentId) => heard.push(agentId));
    const challenge = await h.server.request(register({ user: '1001', expires: 300 }), PHONE);
    expect(challenge.status).toBe(401);
    expect(challenge.headers['www-authenticate']).toMatch(/^Digest realm="ivr\.example\.com", nonce="[^"]+", algorithm=MD5, qop="auth"$/);

    const ok = await h.server.request(register({ user: '1001', expires: 300, auth: authorize(challenge.headers['www-authenticate']!, '1001', 'alice-secret-1') }), PHONE);
    expect(ok.status).toBe(200);
    expect(ok.headers.contact).toBe('<sip:1001@192.168.1.20:5062;transport=udp;rinstance=abc123>;expires=300');

    const key = `${h.driver.registrar.key('alice')}`;
    const ttl = await h.redis.pttl(key);
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
    // Behind NAT: the phone is dialed where its REGISTER came from.
    expect(await h.driver.registrar.contactFor('alice', 'sip:alice@static.example')).toBe('sip:1001@198.51.100.200:40312');
    const reg = await h.driver.registrar.registration('alice');
    expect(reg).toMatchObject({ username: '1001', contact: 'sip:1001@192.168.1.20:5062;transport=udp;rinstance=abc123', userAgent: 'Linphone/5.2.0 (belle-sip/5.2.0)' });
    // listeners (e.g. the ACD making an 'unreachable' agent available again) hear of the registration, not of the challenge
    expect(heard).toEqual(['alice']);
  });

  it('refuses a wrong password with 403 and stores nothing', async () => {
    h = await startHarness();
    const heard: string[] = [];
    h.driver.registrar.onRegistered((agentId) => heard.push(agentId));
    const res = await registerWithAuth(h, { user: '1002' }, 'not-bobs-password');
    expect(res.status).toBe(403);
    expect(await h.redis.exists(h.driver.registrar.key('bob'))).toBe(0);
    expect(await h.driver.registrar.contactFor('bob', 'sip:bob@10.0.0.9')).toBe('sip:bob@10.0.0.9');
    expect(await h.driver.registrar.contactFor('bob')).toBeUndefined();
    expect(heard).toEqual([]);
  });

  it('refuses an unknown user and one agent registering another agent\'s AOR', async () => {
    h = await startHarness();
    expect((await registerWithAuth(h, { user: '1999' }, 'whatever-pass')).status).toBe(403);
    expect((await registerWithAuth(h, { user: '1001', toUser: '1002' }, 'alice-secret-1')).status).toBe(403);
    expect(await h.redis.exists(h.driver.registrar.key('bob'))).toBe(0);
  });

  it('forgets the binding when it expires', async () => {
    h = await startHarness();
    expect((await registerWithAuth(h, { user: '1001', expires: 120 }, 'alice-secret-1')).status).toBe(200);
    expect(await h.driver.registrar.contactFor('alice')).toBeDefined();
    await h.clock.advance(121_000);
    expect(await h.driver.registrar.contactFor('alice', 'sip:alice@fallback')).toBe('sip:alice@fallback');
  });

  it('un-registers with Expires: 0, and a late un-REGISTER of an old device leaves the new one', async () => {
    h = await startHarness();
    const heard: string[] = [];
    h.driver.registrar.onRegistered((agentId) => heard.push(agentId));
    expect((await registerWithAuth(h, { user: '1001', contact: '<sip:1001@198.51.100.200:40312>' }, 'alice-secret-1')).status).toBe(200);
    // A second device takes over.
    expect((await registerWithAuth(h, { user: '1001', contact: '<sip:1001@198.51.100.200:40999>', callId: 'desk' }, 'alice-secret-1')).status).toBe(200);
    // The first device leaves: the second stays.
    expect((await registerWithAuth(h, { user: '1001', contact: '<sip:1001@198.51.100.200:40312>;expires=0' }, 'alice-secret-1')).status).toBe(200);
    expect(await h.driver.registrar.contactFor('alice')).toBe('sip:1001@198.51.100.200:40999');
    // Contact: * with Expires: 0 removes everything.
    expect((await registerWithAuth(h, { user: '1001', contact: '*', expires: 0, callId: 'desk' }, 'alice-secret-1')).status).toBe(200);
    expect(await h.driver.registrar.contactFor('alice')).toBeUndefined();
    expect(heard).toEqual(['alice', 'alice']); // the two registrations; the un-registrations are not announced
  });

  it('answers 423 with Min-Expires to a too-short interval and clamps a too-long one', async () => {
    h = await startHarness();
    const brief = await registerWithAuth(h, { user: '1001', expires: 30 }, 'alice-secret-1');
    expect(brief.status).toBe(423);
    expect(brief.headers['min-expires']).toBe('60');
    const long = await registerWithAuth(h, { user: '1001', expires: 86_400 }, 'alice-secret-1');
    expect(long.status).toBe(200);
    expect(long.headers.expires).toBe('3600');
  });

  it('asks again with stale=true when the nonce is too old, without a 403', async () => {
    h = await startHarness();
    const challenge = await h.server.request(register({ user: '1001' }), PHONE);
    await h.clock.advance(301_000);
    const stale = await h.server.request(register({ user: '1001', auth: authorize(challenge.headers['www-authenticate']!, '1001', 'alice-secret-1') }), PHONE);
    expect(stale.status).toBe(401);
    expect(stale.headers['www-authenticate']).toContain('stale=true');
  });

  it('rejects a forged nonce with a fresh challenge', async () => {
    h = await startHarness();
    const forged = 'Digest realm="ivr.example.com", nonce="MTIzOmZvcmdlZA", algorithm=MD5, qop="auth"';
    const res = await h.server.request(register({ user: '1001', auth: authorize(forged, '1001', 'alice-secret-1') }), PHONE);
    expect(res.status).toBe(401);
  });
});

describe('digest and contact parsing', () => {
  it('computes the RFC 2617 §3.5 example response', () => {
    expect(
      digestResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('accepts SHA-256 responses and the old no-qop form', () => {
    const auth = new DigestAuthenticator('r', 'sixteen-chars-secret', 60_000);
    const nonce = auth.nonce(1000);
    for (const algorithm of ['MD5', 'SHA-256'] as const) {
      const response = digestResponse({ algorithm, username: 'u', realm: 'r', password: 'pw', method: 'REGISTER', uri: 'sip:r', nonce });
      const header = `Digest username="u",realm="r",nonce="${nonce}",uri="sip:r",response="${response}",algorithm=${algorithm}`;
      expect(auth.verify(header, 'REGISTER', 2000, () => 'pw')).toEqual({ ok: true, username: 'u' });
    }
  });

  it('parses quoted values with commas and escapes', () => {
    expect(parseDigestHeader('Digest username="a\\"b", realm="x, y", nc=00000001')?.params).toEqual({ username: 'a"b', realm: 'x, y', nc: '00000001' });
    expect(parseDigestHeader('Digest username="unterminated')).toBeUndefined();
  });

  it('parses Contact forms', () => {
    expect(parseContact('"Desk" <sip:1001@10.0.0.5:5060;transport=tcp>;expires=60;q=0.5')).toEqual({
      uri: 'sip:1001@10.0.0.5:5060;transport=tcp',
      params: { expires: '60', q: '0.5' },
    });
    expect(parseContact('sip:1001@10.0.0.5;expires=0')).toEqual({ uri: 'sip:1001@10.0.0.5', params: { expires: '0' } });
    expect(parseContact('<mailto:x@y>')).toBeUndefined();
  });
});
