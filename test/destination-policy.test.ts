import { describe, expect, it } from 'vitest';
import {
  checkDestination,
  createDestinationPolicy,
  destinationRefusal,
  DestinationPatternError,
  globMatch,
} from '../src/flows/destination-policy.ts';

const policy = createDestinationPolicy(['sip:*@pbx.example.com', 'sip:1???@10.0.0.5', 'tel:+4822*', 'sips:*@secure.example.com:5061']);

describe('createDestinationPolicy', () => {
  it('allows targets matching a pattern, whole URI', () => {
    expect(policy.allows('sip:1001@pbx.example.com')).toBe(true);
    expect(policy.allows('sip:sales.team@PBX.Example.COM')).toBe(true);
    expect(policy.allows('SIP:1001@pbx.example.com')).toBe(true);
    expect(policy.allows('sip:1234@10.0.0.5')).toBe(true);
    expect(policy.allows('tel:+48221234567')).toBe(true);
    expect(policy.allows('sips:42@secure.example.com:5061')).toBe(true);
  });

  it('refuses targets outside the list (anchored, no partial host matches)', () => {
    expect(policy.allows('sip:1001@pbx.example.com.evil.net')).toBe(false);
    expect(policy.allows('sip:1001@evilpbx.example.com')).toBe(false);
    expect(policy.allows('sip:1001@pbx.example.com:5080')).toBe(false); // port not in pattern
    expect(policy.allows('sip:12345@10.0.0.5')).toBe(false); // five digits
    expect(policy.allows('sip:2001@10.0.0.5')).toBe(false);
    expect(policy.allows('tel:+48601234567')).toBe(false);
    expect(policy.allows('tel:004822123')).toBe(false);
    expect(policy.allows('sip:42@secure.example.com:5061')).toBe(false); // scheme differs
    expect(policy.allows('sips:42@secure.example.com')).toBe(false);
  });

  it('refuses dangerous URIs even when the pattern would match', () => {
    const open = createDestinationPolicy(['sip:*@pbx.example.com']);
    for (const t of [
      'sip:1001@pbx.example.com;transport=tcp',
      'sip:1001@pbx.example.com?X-Header=1',
      '<sip:1001@pbx.example.com>',
      '"Boss" sip:1001@pbx.example.com',
      'sip:a@evil.com@pbx.example.com',
      'sip:*72@pbx.example.com',
      'sip:%31001@pbx.example.com',
      'sip:1001@pbx.example.com\r\nVia: x',
      'sip: 1001@pbx.example.com',
      'sip:1001@pbx.example.com,sip:x@evil.com',
      'sip:@pbx.example.com',
    ]) {
      expect(open.allows(t), t).toBe(false);
    }
  });

  it('treats regex characters in patterns literally', () => {
    const p = createDestinationPolicy(['sip:1.0@host.example']);
    expect(p.allows('sip:1.0@host.example')).toBe(true);
    expect(p.allows('sip:1x0@host.example')).toBe(false);
    expect(() => createDestinationPolicy(['sip:(a|b)+@host'])).toThrow(DestinationPatternError);
  });

  it('rejects bad patterns at startup, naming them', () => {
    expect(() => createDestinationPolicy(['*'])).toThrow('transfer allow-list pattern "*": must start with sip:, sips: or tel:');
    expect(() => createDestinationPolicy(['sip:*@*'])).toThrow('the host may not be a bare wildcard');
    expect(() => createDestinationPolicy(['sip:1001'])).toThrow(DestinationPatternError);
    expect(() => createDestinationPolicy(['tel:+48-22*'])).toThrow(DestinationPatternError);
  });

  it('allows nothing when empty and describes itself', () => {
    const none = createDestinationPolicy(['', ' ']);
    expect(none.allows('sip:1001@pbx.example.com')).toBe(false);
    expect(none.describe()).toBe('TRANSFER_ALLOW (empty: no destination is allowed)');
    expect(policy.describe()).toBe('TRANSFER_ALLOW (sip:*@pbx.example.com, sip:1???@10.0.0.5, tel:+4822*, sips:*@secure.example.com:5061)');
    expect(createDestinationPolicy(['tel:1'], { source: 'flows.transferAllow' }).describe()).toBe('flows.transferAllow (tel:1)');
  });
});

describe('destinationRefusal', () => {
  it('explains why a target is refused', () => {
    expect(destinationRefusal(policy, 'sip:1001@pbx.example.com')).toBeUndefined();
    expect(destinationRefusal(policy, 'sip:1001@other.example.com')).toBe(
      'transfer target sip:1001@other.example.com is not allowed by TRANSFER_ALLOW (sip:*@pbx.example.com, sip:1???@10.0.0.5, tel:+4822*, sips:*@secure.example.com:5061)',
    );
    expect(destinationRefusal(policy, 'sip:1001@pbx.example.com;user=phone')).toMatch(/^transfer target "sip:1001@pbx.example.com;user=phone" is refused: /);
    expect(destinationRefusal(policy, '')).toBe('transfer target "" is refused: it is empty');
  });
});

describe('checkDestination', () => {
  it('parses plain sip, sips and tel URIs', () => {
    expect(checkDestination('sip:1001@10.0.0.5:5060')).toEqual({ ok: true, destination: { scheme: 'sip', user: '1001', host: '10.0.0.5:5060' } });
    expect(checkDestination('sip:1001@[2001:db8::1]:5060')).toEqual({ ok: true, destination: { scheme: 'sip', user: '1001', host: '[2001:db8::1]:5060' } });
    expect(checkDestination('tel:+48221234567')).toEqual({ ok: true, destination: { scheme: 'tel', user: '+48221234567', host: '' } });
    expect(checkDestination('http://x').ok).toBe(false);
    expect(checkDestination('sip:1001@host:99999').ok).toBe(false);
  });
});

describe('globMatch', () => {
  it('matches * and ? over whole strings, never across @', () => {
    expect(globMatch('a*c', 'abbbc')).toBe(true);
    expect(globMatch('a*c', 'abbbd')).toBe(false);
    expect(globMatch('a?c', 'abc')).toBe(true);
    expect(globMatch('a?c', 'ac')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('a*', 'a@b')).toBe(false);
    expect(globMatch('*.example.com', 'x.y.example.com')).toBe(true);
    expect(globMatch('a*a*a*a*b', 'a'.repeat(60))).toBe(false);
  });
});
