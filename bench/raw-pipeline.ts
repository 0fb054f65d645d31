/**
 * A near-free Redis client for measuring limits: round trips given as
 * pre-encoded RESP buffers (one pipeline of plain commands each) are written to
 * raw sockets, `inFlight` at a time, and their replies counted without being
 * decoded. So the figure it gives is bound by Redis (and the loopback), not by
 * a JavaScript client's per-command work — what redis-benchmark does for one
 * command, for a pipeline of mixed commands.
 */
import { connect, type Socket } from 'node:net';

export type RawCommand = ReadonlyArray<string | number>;

/** One round trip (a pipeline of commands) as RESP bytes, and how many replies it gets. */
export interface EncodedRoundTrip {
  bytes: Buffer;
  replies: number;
}

export function encodeRoundTrip(commands: readonly RawCommand[]): EncodedRoundTrip {
  let text = '';
  for (const c of commands) {
    text += `*${c.length}\r\n`;
    for (const a of c) {
      const s = String(a);
      text += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
    }
  }
  return { bytes: Buffer.from(text), replies: commands.length };
}

/**
 * Skips one RESP reply in `buf` from `at`. Returns the offset after it, or -1
 * when the buffer ends inside it. An error reply throws.
 */
function skipReply(buf: Buffer, at: number): number {
  if (at >= buf.length) return -1;
  const type = buf[at];
  // the header's integer (length or count), read from the bytes: no string per reply
  let p = at + 1;
  let neg = false;
  if (buf[p] === 0x2d) {
    neg = true;
    p++;
  }
  let n = 0;
  while (p < buf.length && buf[p] !== 0x0d) {
    n = n * 10 + (buf[p]! - 0x30);
    p++;
  }
  if (p + 1 >= buf.length) return -1;
  const next = p + 2; // after CRLF
  switch (type) {
    case 0x2b: // +
    case 0x3a: // :
      return next;
    case 0x2d: // -
      throw new Error(`Redis error in the raw pipeline: ${buf.toString('latin1', at + 1, p)}`);
    case 0x24: {
      // $
      if (neg) return next;
      const end = next + n + 2;
      return end <= buf.length ? end : -1;
    }
    case 0x2a: {
      // *
      let q = next;
      for (let i = 0; i < (neg ? 0 : n); i++) {
        q = skipReply(buf, q);
        if (q < 0) return -1;
      }
      return q;
    }
    default:
      throw new Error(`unexpected RESP type byte ${String(type)} in the raw pipeline`);
  }
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends one round trip and resolves when all its replies have arrived. */
function roundTrip(sock: Socket, rt: EncodedRoundTrip): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    let at = 0;
    let got = 0;
    const onData = (chunk: Buffer): void => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      try {
        while (got < rt.replies) {
          const next = skipReply(buf, at);
          if (next < 0) return;
          at = next;
          got++;
        }
      } catch (err) {
        sock.off('data', onData);
        reject(err as Error);
        return;
      }
      sock.off('data', onData);
      resolve();
    };
    sock.on('data', onData);
    sock.write(rt.bytes);
  });
}

/**
 * `total` round trips taken in turn from `trips`, `inFlight` connections each
 * with one round trip outstanding. Returns round trips per second.
 */
export async function rawRoundTrips(url: string, trips: readonly EncodedRoundTrip[], total: number, inFlight: number): Promise<number> {
  const u = new URL(url);
  const socks = await Promise.all(Array.from({ length: inFlight }, () => open(u.hostname, Number(u.port || 6379))));
  try {
    if (u.password) {
      const auth = encodeRoundTrip([u.username ? ['AUTH', decodeURIComponent(u.username), decodeURIComponent(u.password)] : ['AUTH', decodeURIComponent(u.password)]]);
      await Promise.all(socks.map((s) => roundTrip(s, auth)));
    }
    const db = u.pathname.replace(/^\//, '');
    if (db !== '' && db !== '0') await Promise.all(socks.map((s) => roundTrip(s, encodeRoundTrip([['SELECT', db]]))));
    let issued = 0;
    const t0 = performance.now();
    await Promise.all(
      socks.map(async (s) => {
        while (issued < total) {
          const n = issued++;
          await roundTrip(s, trips[n % trips.length]!);
        }
      }),
    );
    return total / ((performance.now() - t0) / 1000);
  } finally {
    for (const s of socks) s.destroy();
  }
}
