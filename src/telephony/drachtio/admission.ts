/**
 * SIP admission control, decided before any media is allocated:
 * 1. known scanner user agents → dropped without an answer (an answer tells a
 *    scanner that something lives here);
 * 2. per-source rate limit (INVITE, REGISTER, OPTIONS together) → 503 with
 *    Retry-After, or dropped (configurable) — except for sources in the trunk
 *    allow-list: a carrier's trunk brings every call from one address, and the
 *    limit made for scanners and misbehaving phones capped it at a few calls
 *    per second (seen on a real drachtio-server); overload from trunks is
 *    FreeSWITCH's sessions-per-second and max-sessions to refuse;
 * 3. INVITEs only: the source must be in the trunk allow-list (IP/CIDR) → 403.
 * Unknown dialed numbers (404) are decided by the driver, which asks the
 * routing table.
 */
import { BlockList, isIP } from 'node:net';
import type { Clock } from '../../util/clock.ts';

export interface AdmissionSettings {
  trunkAllowList: readonly string[];
  scannerUserAgents: readonly string[];
  rateLimitMax: number;
  rateLimitWindowMs: number;
  rateLimitAction: 'reject' | 'drop';
}

export type AdmissionDecision =
  | { action: 'accept' }
  | { action: 'reject'; status: 403 | 503; reason: 'not-allowed' | 'rate-limit'; headers?: Record<string, string> }
  | { action: 'drop'; reason: 'scanner' | 'rate-limit' };

export interface AdmissionRequest {
  method: string;
  sourceAddress: string;
  userAgent: string | undefined;
}

/** "::ffff:10.0.0.1" → "10.0.0.1" */
function normalizeAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

export function buildAllowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/') as [string, string | undefined];
    const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, family);
    else list.addSubnet(addr, Number(bits), family);
  }
  return list;
}

export class AdmissionControl {
  private readonly allow: BlockList | null;
  private readonly scanners: string[];
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly settings: AdmissionSettings,
    private readonly clock: Clock,
  ) {
    this.allow = settings.trunkAllowList.length > 0 ? buildAllowList(settings.trunkAllowList) : null;
    this.scanners = settings.scannerUserAgents.map((s) => s.toLowerCase());
  }

  check(req: AdmissionRequest): AdmissionDecision {
    const ua = (req.userAgent ?? '').toLowerCase();
    if (ua !== '' && this.scanners.some((s) => ua.includes(s))) return { action: 'drop', reason: 'scanner' };

    const source = normalizeAddress(req.sourceAddress);
    if (this.isAllowed(source)) return { action: 'accept' };
    if (!this.withinRate(source)) {
      return this.settings.rateLimitAction === 'drop'
        ? { action: 'drop', reason: 'rate-limit' }
        : {
            action: 'reject',
            status: 503,
            reason: 'rate-limit',
            headers: { 'Retry-After': String(Math.ceil(this.settings.rateLimitWindowMs / 1000)) },
          };
    }

    if (req.method === 'INVITE' && this.allow && !this.isAllowed(source)) {
      return { action: 'reject', status: 403, reason: 'not-allowed' };
    }
    return { action: 'accept' };
  }

  private isAllowed(address: string): boolean {
    const family = isIP(address);
    if (family === 0 || !this.allow) return false;
    return this.allow.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** Fixed window per source address; old windows are swept as the map grows. */
  private withinRate(source: string): boolean {
    const now = this.clock.now();
    const w = this.windows.get(source);
    if (!w || now - w.start >= this.settings.rateLimitWindowMs) {
      if (this.windows.size >= 10_000) this.sweep(now);
      this.windows.set(source, { start: now, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= this.settings.rateLimitMax;
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) {
      if (now - w.start >= this.settings.rateLimitWindowMs) this.windows.delete(k);
    }
  }
}
