import { describe, expect, it } from 'vitest';
import { callerNumber, maskNumber, normalizeNumber, spokenDigits } from '../../src/callbacks/phone-number.ts';

describe('normalizeNumber', () => {
  it.each([
    ['600100200', '+48600100200'],
    ['+48600100200', '+48600100200'],
    ['0048600100200', '+48600100200'],
    ['48600100200', '+48600100200'],
    ['0221234567', '+48221234567'],
    ['004420794600000', '+4420794600000'],
    ['+4915112345678', '+4915112345678'],
  ])('%s → %s', (input, e164) => {
    expect(normalizeNumber(input)).toEqual({ ok: true, e164 });
  });

  it.each([
    ['', 'empty'],
    ['60010', 'too-short'],
    ['6001002001', 'too-long'],
    ['600*100200', 'invalid-characters'],
    ['600#100', 'invalid-characters'],
    ['+48+48600100200', 'invalid-characters'],
    ['00480048600100200', 'too-long'],
    ['004848600100200', 'too-long'],
    ['+4860010020', 'too-short'],
    ['701234567', 'premium-rate'],
    ['+48708123456', 'premium-rate'],
    ['00441234', 'too-short'],
    ['001234567890123456', 'too-long'],
    ['00', 'too-short'],
  ])('%s is refused: %s', (input, problem) => {
    expect(normalizeNumber(input)).toEqual({ ok: false, problem });
  });

  it('can allow premium numbers and refuse international ones', () => {
    expect(normalizeNumber('701234567', { rejectPremium: false })).toEqual({ ok: true, e164: '+48701234567' });
    expect(normalizeNumber('004420794600000', { allowInternational: false })).toEqual({ ok: false, problem: 'international-not-allowed' });
    expect(normalizeNumber('0048600100200', { allowInternational: false })).toEqual({ ok: true, e164: '+48600100200' });
  });
});

describe('callerNumber', () => {
  it.each([
    ['+48600100200', '+48600100200'],
    ['sip:+48600100200@10.0.0.1', '+48600100200'],
    ['"Jan" <sip:600100200@pbx;user=phone>', '+48600100200'],
    ['600 100 200', '+48600100200'],
    ['(22) 123-45-67', '+48221234567'],
  ])('%s → %s', (from, e164) => {
    expect(callerNumber(from)).toBe(e164);
  });

  it.each(['anonymous', 'Anonymous', 'sip:anonymous@anonymous.invalid', '', 'unknown', '1001'])('%s is withheld or not dialable', (from) => {
    expect(callerNumber(from)).toBeUndefined();
  });
});

describe('read-back', () => {
  it('groups digits for speech', () => {
    expect(spokenDigits('+48600100200', 'plus')).toBe('6 0 0, 1 0 0, 2 0 0');
    expect(spokenDigits('+4420794600000', 'plus')).toBe('plus 4 4 2, 0 7 9, 4 6 0, 0 0 0 0');
    expect(maskNumber('+48600100200')).toBe('+48******200');
  });
});
