/**
 * fsmrfConnector: one FreeSWITCH connection attempt, and nothing left of it
 * when it fails or is given up. drachtio-modesl's inbound connection
 * reconnects by itself; on a real FreeSWITCH started after the service, every
 * failed attempt kept retrying, all of them connected at once when FreeSWITCH
 * came up, and the second MediaServer crashed the process with EADDRINUSE.
 * The event-socket connection and the MediaServer are stand-ins (their
 * classes are drachtio-modesl's and drachtio-fsmrf's, not ours).
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import Srf from 'drachtio-srf';
import type esl from 'drachtio-modesl';
import type Mrf from 'drachtio-fsmrf';
import { fsmrfConnector, type FreeswitchAddress, type FsmrfParts } from '../../src/telephony/drachtio/fsmrf-adapter.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { silentLogger } from './support/standins.ts';
import { until } from './support/harness.ts';

class StandinConnection extends EventEmitter implements esl.Connection {
  closing = false;
  reconnectVars: { retryTimer?: ReturnType<typeof setTimeout> | null } = {};
  disconnects = 0;
  constructor(readonly onReady: () => void) {
    super();
  }
  disconnect(): void {
    this.disconnects++;
    this.closing = true;
  }
}

class StandinRawMediaServer extends EventEmitter {
  disconnects = 0;
  connectCaller(): ReturnType<Mrf.MediaServer['connectCaller']> {
    return Promise.reject(new Error('not used here'));
  }
  createEndpoint(): ReturnType<Mrf.MediaServer['createEndpoint']> {
    return Promise.reject(new Error('not used here'));
  }
  api(): Promise<string> {
    return Promise.reject(new Error('not used here'));
  }
  disconnect(): void {
    this.disconnects++;
  }
}

function rig(listenPort = 0) {
  const connections: StandinConnection[] = [];
  const servers: StandinRawMediaServer[] = [];
  const parts: FsmrfParts = {
    connection: (_host, _port, _password, onReady) => {
      const c = new StandinConnection(onReady);
      connections.push(c);
      return c;
    },
    mediaServer: () => {
      const m = new StandinRawMediaServer();
      servers.push(m);
      return m;
    },
  };
  const fs: FreeswitchAddress = { address: '127.0.0.1', port: 8021, secret: 'ClueCon', listenAddress: '127.0.0.1', listenPort };
  const connector = fsmrfConnector(new Srf(), fs, silentLogger, new VirtualClock(), parts);
  return { connector, connections, servers };
}

const held: Server[] = [];
afterEach(async () => {
  for (const s of held.splice(0)) await new Promise((r) => s.close(r));
});

describe('fsmrfConnector', () => {
  it('connects: event socket, then a media server listening for FreeSWITCH', async () => {
    const r = rig();
    const attempt = r.connector.connect(new AbortController().signal);
    r.connections[0]!.onReady();
    await until(() => r.servers.length === 1); // the connector's listen-port check ran
    r.servers[0]!.emit('ready');
    const ms = await attempt;
    ms.disconnect();
    expect(r.servers[0]!.disconnects).toBe(1);
  });

  it('a refused connection closes itself before drachtio-modesl can schedule a reconnect; a late success opens nothing', async () => {
    const r = rig();
    const attempt = r.connector.connect(new AbortController().signal);
    const conn = r.connections[0]!;
    conn.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:8021'));
    // modesl reads `closing` right after emitting 'error' to decide whether to reconnect
    expect(conn.closing).toBe(true);
    await expect(attempt).rejects.toThrow('ECONNREFUSED');
    conn.onReady(); // had it reconnected anyway
    await new Promise((r2) => setImmediate(r2));
    expect(r.servers).toHaveLength(0);
    expect(conn.disconnects).toBeGreaterThanOrEqual(2);
  });

  it('an attempt given up (timeout, shutdown) is closed and never becomes a media server', async () => {
    const r = rig();
    const ctl = new AbortController();
    const attempt = r.connector.connect(ctl.signal);
    ctl.abort();
    await expect(attempt).rejects.toThrow('abandoned');
    expect(r.connections[0]!.closing).toBe(true);
    r.connections[0]!.onReady();
    await new Promise((r2) => setImmediate(r2));
    expect(r.servers).toHaveLength(0);
  });

  it('a media server that fails to get ready is closed and the attempt fails', async () => {
    const r = rig();
    const attempt = r.connector.connect(new AbortController().signal);
    r.connections[0]!.onReady();
    await until(() => r.servers.length === 1); // the connector's listen-port check ran
    r.servers[0]!.emit('error', new Error('MediaServer not ready, timeout waiting for connection to freeswitch'));
    await expect(attempt).rejects.toThrow('not ready');
    expect(r.servers[0]!.disconnects).toBe(1);
  });

  it('given up while the media server starts: its connection is closed at once, the media server when it is ready', async () => {
    const r = rig();
    const ctl = new AbortController();
    const attempt = r.connector.connect(ctl.signal);
    r.connections[0]!.onReady();
    await until(() => r.servers.length === 1); // the connector's listen-port check ran
    ctl.abort();
    await expect(attempt).rejects.toThrow('abandoned');
    expect(r.connections[0]!.disconnects).toBe(1);
    r.servers[0]!.emit('ready'); // it got there anyway
    expect(r.servers[0]!.disconnects).toBe(2);
  });

  it('a listen port already taken is the attempt’s error (named), not a crash of the process', async () => {
    const taken = createServer();
    held.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const r = rig(port);
    const attempt = r.connector.connect(new AbortController().signal);
    r.connections[0]!.onReady();
    await expect(attempt).rejects.toThrow(`127.0.0.1:${port} (FSMRF_LISTEN_PORT): address in use`);
    expect(r.servers).toHaveLength(0);
    expect(r.connections[0]!.closing).toBe(true);
  });
});
