/**
 * An outbound INVITE through the real drachtio-srf client against the
 * stand-in drachtio-server: giving up a ringing leg sends CANCEL. (drachtio-srf
 * calls its cbRequest with (err, req) while its types say (req); taking the
 * typed shape left CANCEL unsent, so agents kept ringing after the ring
 * timeout or the caller's hang-up on a real drachtio-server.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import Srf from 'drachtio-srf';
import { adaptSrf } from '../../src/telephony/drachtio/srf-adapter.ts';
import { SipFailure } from '../../src/telephony/drachtio/types.ts';
import { SECRET } from './support/harness.ts';
import { FakeDrachtioServer } from './support/fake-drachtio-server.ts';
import { silentLogger } from './support/standins.ts';

const servers: FakeDrachtioServer[] = [];
const stacks: Array<{ disconnect(): void }> = [];
afterEach(async () => {
  for (const s of stacks.splice(0)) s.disconnect();
  for (const s of servers.splice(0)) await s.close();
});

/** Waits for loopback socket I/O to land (bounded). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`never happened: ${what}`);
}

describe('outbound INVITE through drachtio-srf', () => {
  it('sends CANCEL for a ringing leg that is given up, and reports the far end’s 487', async () => {
    const server = new FakeDrachtioServer(SECRET);
    servers.push(server);
    const port = await server.listen();
    const stack = adaptSrf(new Srf(), { host: '127.0.0.1', port, secret: SECRET }, silentLogger);
    stacks.push(stack);
    stack.connect();
    await server.authenticated();

    let cancel: (() => void) | undefined;
    const provisional: number[] = [];
    const dialing = stack.createUac(
      'sip:anna@192.0.2.10:5070',
      { localSdp: 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 20000 RTP/AVP 0\r\n', headers: { 'X-Queue': 'support' } },
      { onRequestSent: (c) => (cancel = c), onProvisional: (s) => provisional.push(s) },
    );
    const outcome = dialing.then(
      () => 'answered',
      (err: unknown) => err,
    );
    await until(() => cancel !== undefined, 'the INVITE went out and the leg can be cancelled');
    const invite = server.sentByApp.find((r) => r.method === 'INVITE')!;
    expect(invite.raw).toMatch(/^INVITE sip:anna@192\.0\.2\.10:5070 SIP\/2\.0/);

    server.answerAppRequest(invite.txnId, 180, 'Ringing');
    await until(() => provisional.includes(180), 'ringing reported');

    cancel!(); // ring timeout, or the caller hung up
    await until(() => server.sentByApp.some((r) => r.method === 'CANCEL'), 'CANCEL sent');
    const sentCancel = server.sentByApp.find((r) => r.method === 'CANCEL')!;
    expect(sentCancel.callId).toBe(invite.callId);

    server.answerAppRequest(invite.txnId, 487, 'Request Terminated');
    const err = await outcome;
    expect(err).toBeInstanceOf(SipFailure);
    expect((err as SipFailure).status).toBe(487);
  });
});
