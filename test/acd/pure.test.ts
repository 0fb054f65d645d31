import { describe, expect, it } from 'vitest';
import { announcementText, configuredWhisper, defaultWhisper, minutesPhrase, polishPlural } from '../../src/acd/announce.ts';
import { estimateWaitMs } from '../../src/acd/ewt.ts';
import { acdKeys, luaKeyFunctions, InvalidKeyPrefixError } from '../../src/acd/keys.ts';
import { agentPeriodStats, queuePeriodStats } from '../../src/acd/stats.ts';

describe('announcements', () => {
  it('uses Polish plural forms for minutes', () => {
    const forms = [1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 102].map((n) => minutesPhrase('pl', n));
    expect(forms).toEqual(['1 minuta', '2 minuty', '3 minuty', '4 minuty', '5 minut', '11 minut', '12 minut', '14 minut', '21 minut', '22 minuty', '25 minut', '102 minuty']);
    expect(polishPlural(1, 'a', 'b', 'c')).toBe('a');
    expect(minutesPhrase('en', 1)).toBe('1 minute');
    expect(minutesPhrase('en', 7)).toBe('7 minutes');
  });

  it('whispers the IVR data the caller gave, leaving out items left empty', () => {
    expect(defaultWhisper('pl', 'Wsparcie', { account: '', pesel: '   ' })).toBe('Połączenie z kolejki Wsparcie.');
    expect(defaultWhisper('en', 'Support', { account: '12345', reason: '' })).toBe('Call from queue Support. account: 12345.');
    expect(configuredWhisper({ pl: 'Klient VIP', en: 'VIP customer' }, 'en', { account: '' })).toBe('VIP customer');
  });

  it('speaks position and EWT in the call language', () => {
    expect(announcementText({ language: 'pl', position: 3, ewtMs: 125_000 })).toEqual(['Twoje miejsce w kolejce: 3.', 'Szacowany czas oczekiwania: 3 minuty.']);
    expect(announcementText({ language: 'en', position: 1, ewtMs: 30_000 })).toEqual(['You are number 1 in the queue.', 'The estimated waiting time is less than a minute.']);
    expect(announcementText({ language: 'pl', ewtMs: 60_000 })).toEqual(['Szacowany czas oczekiwania: 1 minuta.']);
    expect(announcementText({ language: 'de', position: 2, ewtMs: null })).toEqual(['You are number 2 in the queue.']);
    expect(announcementText({ language: 'pl', position: 4, callbackKey: '1' })).toEqual(['Twoje miejsce w kolejce: 4.', 'Jeśli nie chcesz czekać, naciśnij 1, a oddzwonimy.']);
    expect(announcementText({ language: 'en', callbackKey: '9' })).toEqual(['If you would rather not wait, press 9 and we will call you back.']);
  });
});

describe('EWT', () => {
  it('is position beyond the free agents × AHT / staffed agents', () => {
    expect(estimateWaitMs({ position: 1, ahtMs: null, staffed: 2, available: 1 })).toBe(0);
    expect(estimateWaitMs({ position: 4, ahtMs: 150_000, staffed: 3, available: 1 })).toBe(150_000);
    expect(estimateWaitMs({ position: 2, ahtMs: null, staffed: 1, available: 0, defaultHandleMs: 60_000 })).toBe(120_000);
    expect(estimateWaitMs({ position: 2, ahtMs: null, staffed: 0, available: 0 })).toBeNull();
  });
});

describe('keys', () => {
  it('all share the prefix hash tag and the Lua builders mirror the TS ones', () => {
    const k = acdKeys('ivr:{site}:');
    expect(k.queueDay('sales', '2026-01-05')).toBe('ivr:{site}:ctr:q:sales:d:2026-01-05');
    expect(k.inbox('i1')).toBe('ivr:{site}:inst:i1:inbox');
    expect(luaKeyFunctions()).toContain('local function K_queueDay(a0, a1) return P .. "ctr:q:" .. a0 .. ":d:" .. a1 end');
    expect(() => acdKeys('ivr:')).toThrow(InvalidKeyPrefixError);
    expect(() => acdKeys('ivr:{}:')).toThrow(InvalidKeyPrefixError);
  });
});

describe('service level', () => {
  it('leaves short abandons out of the denominator', () => {
    const s = queuePeriodStats({ answered: 8, answeredInSl: 6, abandoned: 4, shortAbandoned: 2, timedOut: 3 });
    expect(s.serviceLevel).toBe(6 / 10);
    expect(queuePeriodStats({}).serviceLevel).toBeNull();
  });
});

describe('agent occupancy', () => {
  it('is the time busy with calls over the time ready for them; paused time is left out', () => {
    const s = agentPeriodStats({ 'ms:available': 60_000, 'ms:reserved': 10_000, 'ms:on-call': 100_000, 'ms:wrap-up': 30_000, 'ms:paused': 500_000 });
    expect(s.occupancy).toBe(140_000 / 200_000);
    expect(agentPeriodStats({ 'ms:paused': 1_000 }).occupancy).toBeNull();
  });
});

describe('abandon rate', () => {
  it('counts abandons after the short-abandon threshold among the callers offered, short abandons left out of both', () => {
    // 20 offered, 5 abandoned of which 2 short: 3 / 18
    expect(queuePeriodStats({ offered: 20, answered: 12, abandoned: 5, shortAbandoned: 2, timedOut: 3 }).abandonRate).toBe(3 / 18);
    expect(queuePeriodStats({ offered: 2, abandoned: 2, shortAbandoned: 2 }).abandonRate).toBeNull();
    expect(queuePeriodStats({}).abandonRate).toBeNull();
  });
});
