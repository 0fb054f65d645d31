/**
 * A stand-in for drachtio-server on loopback TCP, speaking the drachtio wire
 * protocol that drachtio-srf's real client code uses (framing
 * `<length>#<msgId>|<command>|...`, see node_modules/drachtio-srf/lib/
 * wire-protocol.js and drachtio-agent.js). It authenticates the application,
 * delivers SIP requests written as real SIP text, and captures the SIP
 * responses the application sends back, so the driver's admission and
 * registrar are exercised through real Srf parsing and middleware.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface SentResponse {
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: string;
  raw: string;
}

export interface InjectOptions {
  address?: string;
  port?: number;
  protocol?: string;
}

function frame(payload: string): string {
  return `${Buffer.byteLength(payload, 'utf8')}#${payload}`;
}

function parseSip(raw: string): SentResponse | undefined {
  const [head = '', ...bodyParts] = raw.split('\r\n\r\n');
  const lines = head.split('\r\n');
  const m = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const idx = line.indexOf(':');
    if (idx > 0) headers[line.slice(0, idx).trim().toLowerCase()] = line.slice(idx + 1).trim();
  }
  return { status: Number(m[1]), reason: m[2] ?? '', headers, body: bodyParts.join('\r\n\r\n'), raw };
}

export class FakeDrachtioServer {
  private server: Server;
  private sockets = new Set<Socket>();
  private app: Socket | undefined;
  private buffers = new Map<Socket, Buffer>();
  private waiters = new Map<string, (r: SentResponse) => void>();
  readonly responses = new Map<string, SentResponse>();
  authAttempts = 0;
  routes: string[] = [];
  private authWaiters: Array<() => void> = [];

  constructor(private readonly secret: string) {
    this.server = createServer((socket) => this.onConnection(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address();
    if (typeof addr !== 'object' || !addr) throw new Error('no address');
    return addr.port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves when an application has authenticated with the right secret. */
  authenticated(): Promise<void> {
    if (this.app) return Promise.resolve();
    return new Promise((resolve) => this.authWaiters.push(resolve));
  }

  private onConnection(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (this.app === socket) this.app = undefined;
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      let buf = Buffer.concat([this.buffers.get(socket) ?? Buffer.alloc(0), chunk]);
      for (;;) {
        const hash = buf.indexOf('#');
        if (hash <= 0) break;
        const len = Number(buf.subarray(0, hash).toString('utf8'));
        if (buf.length < hash + 1 + len) break;
        const msg = buf.subarray(hash + 1, hash + 1 + len).toString('utf8');
        buf = buf.subarray(hash + 1 + len);
        this.onMessage(socket, msg);
      }
      this.buffers.set(socket, buf);
    });
  }

  private onMessage(socket: Socket, msg: string): void {
    const crlf = msg.indexOf('\r\n');
    const leader = crlf >= 0 ? msg.slice(0, crlf) : msg;
    const tokens = leader.split('|');
    const [msgId, command] = tokens;
    switch (command) {
      case 'authenticate': {
        this.authAttempts++;
        if (tokens[2] === this.secret) {
          socket.write(frame(`${randomUUID()}|response|${msgId}|OK|udp/127.0.0.1:5060|v0.9.10`));
          this.app = socket;
          for (const w of this.authWaiters.splice(0)) w();
        } else {
          socket.write(frame(`${randomUUID()}|response|${msgId}|NOK|incorrect secret`));
          setImmediate(() => socket.destroy());
        }
        break;
      }
      case 'route':
        this.routes.push(tokens[2] ?? '');
        break;
      case 'sip': {
        const body = msg.slice(crlf + 2);
        const requestLine = /^([A-Z]+) (\S+) SIP\/2\.0\r\n/.exec(body);
        if (requestLine) {
          this.onAppRequest(socket, msgId ?? '', requestLine[1]!, body);
          break;
        }
        const txnId = tokens[2] ?? '';
        const res = parseSip(body);
        if (!res) break;
        if (res.status >= 200 || !this.responses.has(txnId)) this.responses.set(txnId, res);
        if (res.status >= 200) {
          const w = this.waiters.get(txnId);
          this.waiters.delete(txnId);
          w?.(res);
        }
        break;
      }
      default:
        break;
    }
  }

  /**
   * Delivers a SIP request (CRLF line ends are added) from `address:port` and
   * returns its transaction id. `response(txnId)` resolves on the final answer.
   */
  inject(sip: string, opts: InjectOptions = {}): string {
    if (!this.app) throw new Error('no application connected');
    const txnId = randomUUID();
    const text = sip.replace(/\r?\n/g, '\r\n');
    const raw = text.endsWith('\r\n\r\n') || /\r\n\r\n[\s\S]+$/.test(text) ? text : `${text.replace(/(\r\n)*$/, '')}\r\n\r\n`;
    const meta = [
      'sip',
      'network',
      String(Buffer.byteLength(raw)),
      opts.protocol ?? 'udp',
      opts.address ?? '203.0.113.10',
      String(opts.port ?? 5060),
      '09:00:00.000',
      txnId,
      '',
    ].join('|');
    this.app.write(frame(`${randomUUID()}|${meta}\r\n${raw}`));
    return txnId;
  }

  response(txnId: string): Promise<SentResponse> {
    const got = this.responses.get(txnId);
    if (got && got.status >= 200) return Promise.resolve(got);
    return new Promise((resolve) => this.waiters.set(txnId, resolve));
  }

  /** Inject and wait for the final answer. */
  async request(sip: string, opts: InjectOptions = {}): Promise<SentResponse> {
    return this.response(this.inject(sip, opts));
  }

  /**
   * A request the application sent (INVITE, CANCEL, ACK…): recorded, and
   * acknowledged the way drachtio-server does — the request echoed back as
   * sent, with the transaction id it got on the wire.
   */
  private onAppRequest(socket: Socket, msgId: string, method: string, raw: string): void {
    const txnId = randomUUID();
    const callId = /\r\nCall-ID:\s*(.+)\r\n/i.exec(raw)?.[1]?.trim() ?? '';
    this.sentByApp.push({ method, raw, txnId, callId });
    const meta = ['OK', 'application', String(Buffer.byteLength(raw)), 'udp', '127.0.0.1', '5060', '09:00:00.000', txnId, ''].join('|');
    socket.write(frame(`${randomUUID()}|response|${msgId}|${meta}\r\n${raw}`));
  }

  /** Requests the application sent, in order. */
  readonly sentByApp: Array<{ method: string; raw: string; txnId: string; callId: string }> = [];

  /** Answers a request the application sent (e.g. 180, 487 to its INVITE) as the far end would. */
  answerAppRequest(txnId: string, status: number, reason: string): void {
    const req = this.sentByApp.find((r) => r.txnId === txnId);
    if (!req || !this.app) throw new Error(`no request ${txnId} from the application`);
    const header = (name: string): string => new RegExp(`\\r\\n${name}:\\s*(.+)\\r\\n`, 'i').exec(req.raw)?.[1]?.trim() ?? '';
    const to = header('To');
    const sip = [
      `SIP/2.0 ${status} ${reason}`,
      `Via: ${header('Via') || 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKfake'}`,
      `From: ${header('From')}`,
      `To: ${to.includes('tag=') ? to : `${to};tag=far`}`,
      `Call-ID: ${req.callId}`,
      `CSeq: ${header('CSeq')}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const meta = ['sip', 'network', String(Buffer.byteLength(sip)), 'udp', '127.0.0.1', '5060', '09:00:00.000', txnId, ''].join('|');
    this.app.write(frame(`${randomUUID()}|${meta}\r\n${sip}`));
  }

  answered(txnId: string): boolean {
    return this.responses.has(txnId);
  }
}
