/**
 * A driver wired to the real drachtio-srf (connected to FakeDrachtioServer on
 * loopback), real Redis, a VirtualClock and a stand-in FreeSWITCH.
 */
import { Redis } from 'ioredis';
import Srf from 'drachtio-srf';
import { VirtualClock } from '../../../src/util/virtual-clock.ts';
import { DrachtioTelephony, type DriverSettings } from '../../../src/telephony/drachtio/driver.ts';
import { adaptSrf } from '../../../src/telephony/drachtio/srf-adapter.ts';
import type { Call } from '../../../src/telephony/port.ts';
import { FakeDrachtioServer } from './fake-drachtio-server.ts';
import { silentLogger, StandinMediaConnector } from './standins.ts';
import { redisUrl, testPrefix } from '../../support/redis.ts';

export const SECRET = 'cymru-test';

export function settings(overrides: Partial<DriverSettings> = {}, prefix = testPrefix('drachtio')): DriverSettings {
  return {
    admission: {
      trunkAllowList: ['203.0.113.0/24', '198.51.100.7'],
      scannerUserAgents: ['friendly-scanner', 'sipvicious', 'sipcli', 'vaxsipuseragent'],
      rateLimitMax: 5,
      rateLimitWindowMs: 10_000,
      rateLimitAction: 'reject',
    },
    registrar: {
      realm: 'ivr.example.com',
      agents: [
        { agentId: 'alice', username: '1001', password: 'alice-secret-1' },
        { agentId: 'bob', username: '1002', password: 'bob-secret-22' },
      ],
      keyPrefix: prefix,
      minExpiresSec: 60,
      maxExpiresSec: 3600,
      defaultExpiresSec: 600,
      nonceTtlSec: 300,
      nonceSecret: 'nonce-secret-for-tests',
    },
    outbound: { trunk: 'trunk.example.net:5060', callerId: '48221234567', trunkUsername: 'acct', trunkPassword: 'trunk-pass' },
    media: {
      ttsEngine: 'tts_commandline',
      ttsVoices: { pl: 'pl', en: 'en-us' },
      asrEngine: '',
      asrGrammar: 'default',
      mohSource: 'local_stream://moh',
      recordingsPath: '/recordings',
      audioPath: '/usr/local/freeswitch/sounds/ivr',
    },
    reconnect: { initialMs: 500, maxMs: 8000 },
    freeswitchConnectTimeoutMs: 3000,
    shutdownGraceMs: 20_000,
    ...overrides,
  };
}

export interface Harness {
  server: FakeDrachtioServer;
  driver: DrachtioTelephony;
  clock: VirtualClock;
  redis: Redis;
  media: StandinMediaConnector;
  incoming: Call[];
  stop(): Promise<void>;
}

/** Turns of the event loop until `cond` holds (no wall-clock waiting). */
export async function until(cond: () => boolean, turns = 2000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}

export async function startHarness(
  opts: { settings?: DriverSettings; knownNumbers?: string[]; isKnownNumber?: (did: string) => boolean | Promise<boolean> } = {},
): Promise<Harness> {
  const server = new FakeDrachtioServer(SECRET);
  const port = await server.listen();
  const clock = new VirtualClock();
  const redis = new Redis(redisUrl());
  const media = new StandinMediaConnector();
  const srf = new Srf();
  const known = new Set(opts.knownNumbers ?? ['48221234567']);
  const driver = new DrachtioTelephony(opts.settings ?? settings(), {
    signaling: adaptSrf(srf, { host: '127.0.0.1', port, secret: SECRET }, silentLogger),
    media,
    redis,
    logger: silentLogger,
    clock,
    isKnownNumber: opts.isKnownNumber ?? ((did) => known.has(did)),
  });
  const incoming: Call[] = [];
  driver.onIncoming((call) => incoming.push(call));
  driver.start();
  await server.authenticated();
  await until(() => media.servers.length > 0);
  // Srf reports 'connect' a couple of event-loop turns after authentication.
  for (let i = 0; i < 2000 && (await driver.health()).detail.drachtio !== 'connected'; i++) {
    await new Promise((r) => setImmediate(r));
  }
  return {
    server,
    driver,
    clock,
    redis,
    media,
    incoming,
    async stop() {
      const closing = driver.close();
      await clock.runAll();
      await closing;
      await server.close();
      redis.disconnect();
    },
  };
}

let seq = 0;
/** A real INVITE as a trunk sends it (SDP offer included). */
export function invite(p: { to?: string; from?: string; userAgent?: string; headers?: string[] } = {}): string {
  const n = ++seq;
  const sdp = 'v=0\r\no=- 1 1 IN IP4 203.0.113.10\r\ns=-\r\nc=IN IP4 203.0.113.10\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n';
  return [
    `INVITE sip:${p.to ?? '48221234567'}@10.0.0.1:5060 SIP/2.0`,
    `Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK-inv-${n}`,
    'Max-Forwards: 70',
    `From: "Jan Kowalski" <sip:${p.from ?? '48601111222'}@203.0.113.10>;tag=from-${n}`,
    `To: <sip:${p.to ?? '48221234567'}@10.0.0.1>`,
    `Call-ID: call-${n}@203.0.113.10`,
    'CSeq: 1 INVITE',
    'Contact: <sip:48601111222@203.0.113.10:5060>',
    `User-Agent: ${p.userAgent ?? 'Carrier SBC 4.2'}`,
    ...(p.headers ?? []),
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
    '',
    sdp,
  ].join('\r\n');
}

/** The CANCEL for an INVITE made by `invite()` (same Call-ID, branch and CSeq number). */
export function cancelFor(inviteText: string): string {
  const header = (name: string): string => new RegExp(`^${name}: (.*)$`, 'm').exec(inviteText)![1]!.trim();
  return [
    inviteText.split('\r\n')[0]!.replace('INVITE', 'CANCEL'),
    `Via: ${header('Via')}`,
    'Max-Forwards: 70',
    `From: ${header('From')}`,
    `To: ${header('To')}`,
    `Call-ID: ${header('Call-ID')}`,
    'CSeq: 1 CANCEL',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

export function options(p: { userAgent?: string } = {}): string {
  const n = ++seq;
  return [
    'OPTIONS sip:10.0.0.1:5060 SIP/2.0',
    `Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-opt-${n}`,
    'Max-Forwards: 70',
    `From: <sip:ping@198.51.100.7>;tag=opt-${n}`,
    'To: <sip:10.0.0.1>',
    `Call-ID: opt-${n}@198.51.100.7`,
    'CSeq: 1 OPTIONS',
    `User-Agent: ${p.userAgent ?? 'Carrier SBC 4.2'}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
