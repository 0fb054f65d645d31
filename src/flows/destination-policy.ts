/**
 * The allow-list of transfer destinations (toll-fraud protection: an IVR that
 * can be talked into dialing anywhere is the first thing attackers look for).
 *
 * Patterns are globs over whole URIs: `*` matches any run of characters and
 * `?` exactly one, neither ever matching "@"; a pattern matches the whole
 * target (anchored). Scheme and host compare case-insensitively, the user part
 * exactly. No regular expressions are built from patterns.
 *
 *   sip:*@pbx.example.com     any user at that host (no port)
 *   sip:1???@10.0.0.5         four-digit extensions starting with 1
 *   sips:*@pbx.example.com:5061
 *   tel:+4822*                Warsaw numbers
 *
 * Targets must be plain: `sip:user@host[:port]`, `sips:...` or `tel:+digits`.
 * URI parameters (";transport=..."), headers ("?..."), display names, angle
 * brackets, escapes ("%"), spaces, several "@", and feature-code characters
 * ("*", "#") are refused before any pattern is consulted.
 */
import type { DestinationPolicy } from './node-definition.ts';

export type { DestinationPolicy };

export type DestinationScheme = 'sip' | 'sips' | 'tel';

export interface ParsedDestination {
  scheme: DestinationScheme;
  /** User part (sip/sips) or the number (tel). */
  user: string;
  /** Host with optional ":port", lower-cased (sip/sips); "" for tel. */
  host: string;
}

export type DestinationCheck = { ok: true; destination: ParsedDestination } | { ok: false; reason: string };

const USER = /^[A-Za-z0-9._+-]{1,64}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
const PORT = /^[0-9]{1,5}$/;
const TEL = /^\+?[0-9]{1,20}$/;

function parseHostPort(hostport: string): string | undefined {
  let host = hostport;
  let port: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) return undefined;
    host = hostport.slice(0, close + 1);
    const rest = hostport.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return undefined;
      port = rest.slice(1);
    }
    if (!IPV6.test(host)) return undefined;
  } else {
    const colon = hostport.lastIndexOf(':');
    if (colon >= 0) {
      host = hostport.slice(0, colon);
      port = hostport.slice(colon + 1);
    }
    if (!HOSTNAME.test(host)) return undefined;
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) < 1 || Number(port) > 65535)) return undefined;
  return (port === undefined ? host : `${host}:${port}`).toLowerCase();
}

/** Parses a transfer target, refusing anything but a plain sip/sips/tel URI. */
export function checkDestination(target: string): DestinationCheck {
  if (target.length === 0) return { ok: false, reason: 'it is empty' };
  if (target.length > 300) return { ok: false, reason: 'it is longer than 300 characters' };
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f<>"',;?%]/.test(target)) {
    return { ok: false, reason: 'it contains spaces, quotes, brackets, parameters (;), headers (?) or escapes (%)' };
  }
  const colon = target.indexOf(':');
  const scheme = target.slice(0, colon).toLowerCase();
  const rest = target.slice(colon + 1);
  if (colon < 0 || (scheme !== 'sip' && scheme !== 'sips' && scheme !== 'tel')) {
    return { ok: false, reason: 'it is not a sip:, sips: or tel: URI' };
  }
  if (scheme === 'tel') {
    if (!TEL.test(rest)) return { ok: false, reason: 'a tel: URI must be digits with an optional leading + (no separators)' };
    return { ok: true, destination: { scheme, user: rest, host: '' } };
  }
  const parts = rest.split('@');
  if (parts.length !== 2) return { ok: false, reason: 'a sip: URI must be user@host with exactly one "@"' };
  const [user, hostport] = parts as [string, string];
  if (!USER.test(user)) return { ok: false, reason: `user part "${user}" may only hold letters, digits, ".", "_", "+" and "-"` };
  const host = parseHostPort(hostport);
  if (host === undefined) return { ok: false, reason: `"${hostport}" is not a host name or IP address with an optional port` };
  return { ok: true, destination: { scheme, user, host } };
}

/** A pattern in the allow-list is bad (reported at startup, naming the pattern). */
export class DestinationPatternError extends Error {
  readonly code = 'BAD_DESTINATION_PATTERN';
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`transfer allow-list pattern "${pattern}": ${reason}`);
    this.name = 'DestinationPatternError';
  }
}

/** A transfer target was refused (malformed or not on the allow-list); nothing was dialed. */
export class DestinationRefusedError extends Error {
  readonly code = 'DESTINATION_REFUSED';
  constructor(
    readonly target: string,
    message: string,
  ) {
    super(message);
    this.name = 'DestinationRefusedError';
  }
}

/** Glob match of `s` against `glob` (`*`: any run, `?`: one char; neither matches "@"). Linear backtracking, no regex. */
export function globMatch(glob: string, s: string): boolean {
  let g = 0;
  let i = 0;
  let starG = -1;
  let starI = 0;
  while (i < s.length) {
    const c = glob[g];
    if (c === '?' && s[i] !== '@') {
      g++;
      i++;
    } else if (c === '*') {
      starG = g++;
      starI = i;
    } else if (c !== undefined && c === s[i]) {
      g++;
      i++;
    } else if (starG >= 0 && s[starI] !== '@') {
      g = starG + 1;
      i = ++starI;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

interface CompiledPattern {
  scheme: DestinationScheme;
  user: string;
  host: string;
}

const PATTERN_USER = /^[A-Za-z0-9._+*?-]{1,64}$/;
const PATTERN_HOST = /^[A-Za-z0-9.*?:[\]-]{1,260}$/;
const PATTERN_TEL = /^\+?[0-9*?]{1,20}$/;

function compilePattern(pattern: string): CompiledPattern {
  const colon = pattern.indexOf(':');
  const scheme = pattern.slice(0, colon).toLowerCase();
  const rest = pattern.slice(colon + 1);
  if (colon < 0 || (scheme !== 'sip' && scheme !== 'sips' && scheme !== 'tel')) {
    throw new DestinationPatternError(pattern, 'must start with sip:, sips: or tel:');
  }
  if (scheme === 'tel') {
    if (!PATTERN_TEL.test(rest)) throw new DestinationPatternError(pattern, 'a tel: pattern may hold only "+", digits, "*" and "?"');
    return { scheme, user: rest, host: '' };
  }
  const parts = rest.split('@');
  if (parts.length !== 2) throw new DestinationPatternError(pattern, 'must be user@host with exactly one "@" (e.g. sip:*@pbx.example.com)');
  const [user, host] = parts as [string, string];
  if (!PATTERN_USER.test(user)) throw new DestinationPatternError(pattern, 'the user part may hold letters, digits, ".", "_", "+", "-", "*" and "?"');
  if (!PATTERN_HOST.test(host)) throw new DestinationPatternError(pattern, 'the host part may hold a host name or IP address, ":port", "*" and "?"');
  if (/^[*?]*$/.test(host)) throw new DestinationPatternError(pattern, 'the host may not be a bare wildcard: that would allow any server');
  return { scheme, user, host: host.toLowerCase() };
}

export interface DestinationPolicyOptions {
  /** Name of the setting, for messages. Default "TRANSFER_ALLOW". */
  source?: string;
}

/**
 * Builds the allow-list. Throws DestinationPatternError on a bad pattern, so a
 * typo in the configuration stops the service at startup. Blank entries are
 * ignored; an empty list allows nothing.
 */
export function createDestinationPolicy(patterns: readonly string[], options: DestinationPolicyOptions = {}): DestinationPolicy {
  const source = options.source ?? 'TRANSFER_ALLOW';
  const list = patterns.map((p) => p.trim()).filter((p) => p !== '');
  const compiled = list.map(compilePattern);
  return {
    allows(target: string): boolean {
      const r = checkDestination(target);
      if (!r.ok) return false;
      const d = r.destination;
      return compiled.some((p) => p.scheme === d.scheme && globMatch(p.user, d.user) && globMatch(p.host, d.host));
    },
    describe(): string {
      return list.length === 0 ? `${source} (empty: no destination is allowed)` : `${source} (${list.join(', ')})`;
    },
  };
}

/** Why `target` may not be called, or undefined when it may. The message names the target and the policy. */
export function destinationRefusal(policy: DestinationPolicy, target: string): string | undefined {
  const r = checkDestination(target);
  if (!r.ok) return `transfer target ${JSON.stringify(target)} is refused: ${r.reason}`;
  if (!policy.allows(target)) return `transfer target ${target} is not allowed by ${policy.describe()}`;
  return undefined;
}
