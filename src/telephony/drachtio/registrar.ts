/**
 * SIP registrar for agents' softphones: digest-authenticated REGISTER with
 * per-agent credentials; one binding per agent stored in Redis with its
 * expiry, so every instance can dial any registered agent.
 *
 * Redis keys (prefix configurable, SIP_REGISTRATION_PREFIX):
 *   <prefix>sip:reg:<agentId>   JSON Registration, PX = expiry. SET on
 *                                register (last device wins), compare-and-
 *                                delete on un-register (scripts/unregister.lua).
 *
 * Also the AgentContactResolver: the registered contact, else the agent's
 * configured static URI. Listeners (`onRegistered`) hear of every successful
 * registration, e.g. to make an agent paused as 'unreachable' available again.
 */
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../../util/redis-client.ts';
import type { Logger } from 'pino';
import Srf from 'drachtio-srf';
import type { Clock } from '../../util/clock.ts';
import type { AgentContactResolver } from '../agent-contacts.ts';
import { DigestAuthenticator } from './digest.ts';
import type { InboundRequest, ResponseSink } from './types.ts';

export interface RegistrarSettings {
  realm: string;
  agents: ReadonlyArray<{ agentId: string; username: string; password: string }>;
  keyPrefix: string;
  minExpiresSec: number;
  maxExpiresSec: number;
  defaultExpiresSec: number;
  nonceTtlSec: number;
  nonceSecret: string;
}

export interface Registration {
  agentId: string;
  username: string;
  /** Contact URI as the softphone sent it. */
  contact: string;
  /** URI to dial: the contact, with host:port replaced by the source address when the phone is behind NAT. */
  dialUri: string;
  /** Where the REGISTER came from: address:port/transport. */
  source: string;
  userAgent: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface ParsedContact {
  uri: string;
  params: Record<string, string>;
}

/** Parses the first contact of a Contact header: `"Name" <sip:u@h:p;transport=udp>;expires=60` or `sip:u@h;expires=60`. */
export function parseContact(value: string): ParsedContact | undefined {
  const v = value.trim();
  let uri: string;
  let rest: string;
  const lt = v.indexOf('<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt);
    if (gt < 0) return undefined;
    uri = v.slice(lt + 1, gt).trim();
    rest = v.slice(gt + 1);
  } else {
    const semi = v.indexOf(';');
    uri = (semi >= 0 ? v.slice(0, semi) : v).trim();
    rest = semi >= 0 ? v.slice(semi) : '';
  }
  // Only the first contact (a comma outside <> starts the next one).
  const comma = rest.indexOf(',');
  if (comma >= 0) rest = rest.slice(0, comma);
  if (!/^sips?:/i.test(uri)) return undefined;
  const params: Record<string, string> = {};
  for (const part of rest.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params[p.toLowerCase()] = '';
    else params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
  }
  return { uri, params };
}

/** User part of a To/From header value. */
export function userOf(headerValue: string | undefined): string | undefined {
  if (!headerValue) return undefined;
  const m = /sips?:([^@;>]+)@/i.exec(headerValue);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

type RegistrarRedis = RedisClient & {
  ivrSipUnregister(key: string, contact: string): Promise<number>;
};

const UNREGISTER_LUA = readFileSync(new URL('./scripts/unregister.lua', import.meta.url), 'utf8');

export class Registrar implements AgentContactResolver {
  private readonly auth: DigestAuthenticator;
  private readonly byUser: Map<string, { agentId: string; username: string; password: string }>;
  private readonly redis: RegistrarRedis;
  private readonly registered: Array<(agentId: string) => void> = [];

  constructor(
    private readonly settings: RegistrarSettings,
    redis: RedisClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.auth = new DigestAuthenticator(settings.realm, settings.nonceSecret, settings.nonceTtlSec * 1000);
    this.byUser = new Map(settings.agents.map((a) => [a.username, a]));
    if (typeof Reflect.get(redis, 'ivrSipUnregister') !== 'function') {
      redis.defineCommand('ivrSipUnregister', { numberOfKeys: 1, lua: UNREGISTER_LUA });
    }
    this.redis = redis as RegistrarRedis;
  }

  /** `listener` is told the agent id after each successful registration (not an un-registration or a query). */
  onRegistered(listener: (agentId: string) => void): void {
    this.registered.push(listener);
  }

  key(agentId: string): string {
    return `${this.settings.keyPrefix}sip:reg:${agentId}`;
  }

  async contactFor(agentId: string, configuredUri?: string): Promise<string | undefined> {
    const reg = await this.registration(agentId);
    return reg?.dialUri ?? configuredUri;
  }

  async registration(agentId: string): Promise<Registration | undefined> {
    const raw = await this.clock.external(this.redis.get(this.key(agentId)));
    if (!raw) return undefined;
    try {
      const reg = JSON.parse(raw) as Registration;
      // Redis expiry is authoritative; this guards against clock skew in tests and between hosts.
      return reg.expiresAt > this.clock.now() ? reg : undefined;
    } catch (err) {
      this.logger.warn({ err, agentId }, 'unreadable registration in Redis, ignoring it');
      return undefined;
    }
  }

  /** Handles one REGISTER and answers it. Never throws (errors answer 500). */
  async handle(req: InboundRequest, res: ResponseSink): Promise<void> {
    try {
      await this.process(req, res);
    } catch (err) {
      this.logger.error({ err, callId: req.callId }, 'REGISTER failed');
      res.send(500);
    }
  }

  private async process(req: InboundRequest, res: ResponseSink): Promise<void> {
    const now = this.clock.now();
    const log = this.logger.child({ callId: req.callId, source: req.source_address });
    const verdict = this.auth.verify(req.get('authorization'), 'REGISTER', now, (u) => this.byUser.get(u)?.password);
    if (!verdict.ok) {
      switch (verdict.reason) {
        case 'missing':
        case 'bad-nonce':
        case 'wrong-realm':
        case 'stale':
          res.send(401, { headers: { 'WWW-Authenticate': this.auth.challenge(now, verdict.reason === 'stale') } });
          return;
        case 'malformed':
          res.send(400);
          return;
        case 'unknown-user':
        case 'wrong-password':
          log.warn({ reason: verdict.reason, user: userOf(req.get('to')) }, 'REGISTER refused');
          res.send(403);
          return;
      }
    }
    const cred = this.byUser.get(verdict.username)!;
    const toUser = userOf(req.get('to'));
    if (toUser !== cred.username) {
      log.warn({ user: cred.username, aor: toUser }, 'REGISTER for another user refused');
      res.send(403);
      return;
    }

    const key = this.key(cred.agentId);
    const contactHeader = req.get('contact');
    if (!contactHeader) {
      // A query: report the current binding.
      const reg = await this.registration(cred.agentId);
      if (!reg) res.send(200);
      else res.send(200, { headers: { Contact: `<${reg.contact}>;expires=${Math.max(0, Math.round((reg.expiresAt - now) / 1000))}` } });
      return;
    }
    const headerExpires = req.get('expires');
    if (contactHeader.trim() === '*') {
      if (headerExpires?.trim() !== '0') {
        res.send(400);
        return;
      }
      await this.clock.external(this.redis.ivrSipUnregister(key, '*'));
      log.info({ agentId: cred.agentId }, 'agent unregistered (all contacts)');
      res.send(200);
      return;
    }
    const contact = parseContact(contactHeader);
    if (!contact) {
      res.send(400);
      return;
    }
    const rawExpires = contact.params.expires ?? headerExpires;
    let expires = rawExpires !== undefined && /^\d+$/.test(rawExpires.trim()) ? Number(rawExpires.trim()) : this.settings.defaultExpiresSec;
    if (expires === 0) {
      await this.clock.external(this.redis.ivrSipUnregister(key, contact.uri));
      log.info({ agentId: cred.agentId }, 'agent unregistered');
      res.send(200);
      return;
    }
    if (expires < this.settings.minExpiresSec) {
      res.send(423, { headers: { 'Min-Expires': String(this.settings.minExpiresSec) } });
      return;
    }
    expires = Math.min(expires, this.settings.maxExpiresSec);
    const reg: Registration = {
      agentId: cred.agentId,
      username: cred.username,
      contact: contact.uri,
      dialUri: dialUriFor(contact.uri, req),
      source: `${req.source_address}:${req.source_port}/${req.protocol}`,
      userAgent: req.get('user-agent') ?? '',
      expiresAt: now + expires * 1000,
    };
    await this.clock.external(this.redis.set(key, JSON.stringify(reg), 'PX', expires * 1000));
    log.info({ agentId: cred.agentId, dialUri: reg.dialUri, expires }, 'agent registered');
    res.send(200, { headers: { Contact: `<${contact.uri}>;expires=${expires}`, Expires: String(expires) } });
    for (const listener of this.registered) {
      try {
        listener(cred.agentId);
      } catch (err) {
        log.error({ err, agentId: cred.agentId }, 'registration listener failed');
      }
    }
  }
}

/**
 * Softphones behind NAT register a private Contact address. When the contact's
 * host differs from the address the REGISTER came from, dial the user at the
 * source address and port instead (what the NAT keeps open for us).
 */
export function dialUriFor(contactUri: string, req: Pick<InboundRequest, 'source_address' | 'source_port' | 'protocol'>): string {
  const parsed = Srf.parseUri(contactUri);
  if (!parsed || !parsed.host) return contactUri;
  const host = parsed.host.replace(/^\[|\]$/g, '');
  if (host === req.source_address) return contactUri;
  const transport = req.protocol && req.protocol.toLowerCase() !== 'udp' ? `;transport=${req.protocol.toLowerCase()}` : '';
  const srcHost = req.source_address.includes(':') ? `[${req.source_address}]` : req.source_address;
  const user = parsed.user ? `${parsed.user}@` : '';
  return `${parsed.scheme}:${user}${srcHost}:${req.source_port}${transport}`;
}
