/**
 * HTTP Digest authentication for SIP REGISTER (RFC 3261 §22, RFC 2617, RFC 7616
 * algorithms MD5 and SHA-256, qop "auth" or none).
 *
 * Nonces are stateless and unforgeable: base64url("<issuedAtMs>:<hmac>") where
 * hmac = HMAC-SHA256(secret, issuedAt + realm). Every instance with the same
 * secret accepts every instance's nonces; a nonce older than its TTL gets a
 * `stale=true` challenge (the softphone retries without asking the user).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

export interface DigestCredentials {
  scheme: string;
  params: Record<string, string>;
}

export type DigestVerdict =
  | { ok: true; username: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'wrong-realm' | 'bad-nonce' | 'stale' | 'unknown-user' | 'wrong-password' };

/**
 * Parses `Digest username="1001", realm="x", nonce="...", uri="sip:x", response="..."`.
 * Quoted values may contain commas and escaped quotes; unquoted tokens end at a comma.
 */
export function parseDigestHeader(header: string): DigestCredentials | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9-]*)\s+/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  let i = m[0].length;
  const s = header;
  while (i < s.length) {
    while (i < s.length && /[\s,]/.test(s[i]!)) i++;
    if (i >= s.length) break;
    const nameMatch = /^([A-Za-z0-9_-]+)\s*=\s*/.exec(s.slice(i));
    if (!nameMatch) return undefined;
    const name = nameMatch[1]!.toLowerCase();
    i += nameMatch[0].length;
    let value = '';
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const c = s[i]!;
        if (c === '\\' && i + 1 < s.length) {
          value += s[i + 1];
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        value += c;
        i++;
      }
      if (!closed) return undefined;
    } else {
      const tok = /^[^\s,]*/.exec(s.slice(i))![0];
      value = tok;
      i += tok.length;
    }
    params[name] = value;
  }
  return { scheme: m[1]!, params };
}

function hash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(text, 'utf8').digest('hex');
}

/** The response a client with `password` would compute (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1). */
export function digestResponse(p: {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}): string {
  const ha1 = hash(p.algorithm, `${p.username}:${p.realm}:${p.password}`);
  const ha2 = hash(p.algorithm, `${p.method}:${p.uri}`);
  return p.qop
    ? hash(p.algorithm, `${ha1}:${p.nonce}:${p.nc ?? ''}:${p.cnonce ?? ''}:${p.qop}:${ha2}`)
    : hash(p.algorithm, `${ha1}:${p.nonce}:${ha2}`);
}

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a.toLowerCase());
  const bb = Buffer.from(b.toLowerCase());
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export class DigestAuthenticator {
  constructor(
    private readonly realm: string,
    private readonly secret: string,
    private readonly nonceTtlMs: number,
  ) {}

  nonce(nowMs: number): string {
    const issued = String(nowMs);
    const mac = createHmac('sha256', this.secret).update(`${issued}:${this.realm}`).digest('base64url');
    return Buffer.from(`${issued}:${mac}`).toString('base64url');
  }

  /** A WWW-Authenticate header value. */
  challenge(nowMs: number, stale = false): string {
    return `Digest realm="${this.realm}", nonce="${this.nonce(nowMs)}", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`;
  }

  private nonceState(nonce: string, nowMs: number): 'valid' | 'stale' | 'bad' {
    let decoded: string;
    try {
      decoded = Buffer.from(nonce, 'base64url').toString('utf8');
    } catch {
      return 'bad';
    }
    const sep = decoded.indexOf(':');
    if (sep <= 0) return 'bad';
    const issued = decoded.slice(0, sep);
    if (!/^\d{1,16}$/.test(issued)) return 'bad';
    const mac = createHmac('sha256', this.secret).update(`${issued}:${this.realm}`).digest('base64url');
    if (!safeEqual(mac, decoded.slice(sep + 1))) return 'bad';
    const age = nowMs - Number(issued);
    return age < -60_000 || age > this.nonceTtlMs ? 'stale' : 'valid';
  }

  /**
   * Checks an Authorization header for `method`. `passwordFor(username)` gives
   * the configured password (undefined: unknown user).
   */
  verify(header: string | undefined, method: string, nowMs: number, passwordFor: (username: string) => string | undefined): DigestVerdict {
    if (!header) return { ok: false, reason: 'missing' };
    const cred = parseDigestHeader(header);
    if (!cred || cred.scheme.toLowerCase() !== 'digest') return { ok: false, reason: 'malformed' };
    const { username, realm, nonce, uri, response, qop, nc, cnonce } = cred.params;
    const algorithmRaw = (cred.params.algorithm ?? 'MD5').toUpperCase();
    if (!username || realm === undefined || !nonce || !uri || !response) return { ok: false, reason: 'malformed' };
    if (algorithmRaw !== 'MD5' && algorithmRaw !== 'SHA-256') return { ok: false, reason: 'malformed' };
    if (qop !== undefined && qop !== 'auth') return { ok: false, reason: 'malformed' };
    if (qop && (!nc || !cnonce)) return { ok: false, reason: 'malformed' };
    if (realm !== this.realm) return { ok: false, reason: 'wrong-realm' };
    const state = this.nonceState(nonce, nowMs);
    if (state === 'bad') return { ok: false, reason: 'bad-nonce' };
    const password = passwordFor(username);
    if (password === undefined) return { ok: false, reason: 'unknown-user' };
    const expected = digestResponse({
      algorithm: algorithmRaw,
      username,
      realm,
      password,
      method,
      uri,
      nonce,
      ...(qop ? { qop, nc, cnonce } : {}),
    });
    if (!safeEqual(expected, response)) return { ok: false, reason: 'wrong-password' };
    // Right password on an old nonce: ask again with stale=true (no password prompt).
    if (state === 'stale') return { ok: false, reason: 'stale' };
    return { ok: true, username };
  }
}
