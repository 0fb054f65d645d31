import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { redisUrl, testPrefix } from '../support/redis.ts';
import { CallbackStore, type NewCallback } from '../../src/callbacks/store.ts';

const redis = new Redis(redisUrl());
afterAll(() => redis.quit());

const DAY = 86_400_000;
let store: CallbackStore;
beforeEach(() => {
  store = new CallbackStore(redis, testPrefix('cb{t}'), 30 * DAY);
});

const base = (over: Partial<NewCallback> = {}): NewCallback => ({
  queueId: 'sales',
  number: '+48600100200',
  language: 'pl',
  priority: 5,
  arrivedAt: 1_000,
  dueAt: 2_000,
  maxAttempts: 2,
  data: { account: '42' },
  ...over,
});

describe('CallbackStore', () => {
  it('stores a request and merges a second one for the same number and queue', async () => {
    const a = await store.create(2_000, base());
    expect(a).toMatchObject({ merged: false, status: 'pending', dueAt: 2_000 });
    const b = await store.create(3_000, base({ arrivedAt: 500, priority: 1, dueAt: 9_000, scheduledAt: 9_000, data: {} }));
    expect(b).toMatchObject({ id: a.id, merged: true, status: 'pending', dueAt: 9_000 });
    const rec = await store.get(a.id);
    expect(rec).toMatchObject({ arrivedAt: 500, priority: 5, merged: 1, scheduledAt: 9_000, data: { account: '42' } });
    const other = await store.create(3_000, base({ queueId: 'support' }));
    expect(other.id).not.toBe(a.id);
    // The merged request is not a new one today.
    const today = { requested: 1, completed: 0, failed: 0, cancelled: 0 };
    expect(await store.stats(3_000, ['sales', 'support'])).toEqual([
      { queueId: 'sales', pending: 1, completed: 0, failed: 0, cancelled: 0, today },
      { queueId: 'support', pending: 1, completed: 0, failed: 0, cancelled: 0, today },
    ]);
  });

  it('gives a due call-back to exactly one claimer and fences stale entries', async () => {
    const { id } = await store.create(1_000, base());
    expect(await store.claim(1_500, 'i1', 10_000, 10)).toEqual([]);
    const [first, second] = await Promise.all([store.claim(2_000, 'i1', 10_000, 10), store.claim(2_000, 'i2', 10_000, 10)]);
    const claims = [...first, ...second];
    expect(claims).toHaveLength(1);
    const owner = first.length ? 'i1' : 'i2';
    const claim = claims[0]!;
    expect(await store.bind(2_000, claim, owner === 'i1' ? 'i2' : 'i1', 'e1')).toBeUndefined();
    expect(await store.bind(2_000, claim, owner, 'e1')).toEqual({ previous: '', entryId: 'e1', adopted: false });
    // The lease lapses while the call-back waits in its queue (instance died): reclaimed, claimed
    // again, and it keeps entry e1, which the ACD keeps waiting at its place, instead of a new one.
    expect(await store.reclaim(10_001)).toEqual([id]);
    const [again] = await store.claim(10_002, 'i3', 40_000, 10);
    expect(again?.token).not.toBe(claim.token);
    expect(await store.bind(10_002, again!, 'i3', 'e2')).toEqual({ previous: '', entryId: 'e1', adopted: true });
    // An entry never bound is stale; e1 starts the attempt (on any instance), once.
    expect(await store.start(10_003, 'e2', 'i1', 'a1', 20_000)).toEqual({ ok: false });
    const started = await store.start(10_003, 'e1', 'i4', 'a1', 40_000);
    expect(started).toMatchObject({ ok: true, attempt: 1, claim: { id } });
    expect(await store.start(10_004, 'e1', 'i3', 'a2', 40_000)).toEqual({ ok: false });
    if (!started.ok) throw new Error('unreachable');
    expect(await store.finish(10_010, again!, 'i3', 'completed', 'answered', 0)).toEqual({ status: 'lease-lost' });
    expect(await store.finish(10_010, started.claim, 'i4', 'completed', 'answered', 0)).toEqual({ status: 'completed' });
    expect((await store.get(id))?.status).toBe('completed');
    const types = (await store.events(id)).map((e) => e.type);
    expect(types).toEqual(['created', 'queued', 'lease-expired', 'queued', 'attempt', 'completed']);
    expect(await store.stats(10_010, ['sales'])).toEqual([
      { queueId: 'sales', pending: 0, completed: 1, failed: 0, cancelled: 0, today: { requested: 1, completed: 1, failed: 0, cancelled: 0 } },
    ]);
  });

  it('withdraws the entry a reclaimed call-back would have kept when it is cancelled or rescheduled before being claimed again', async () => {
    const cancelled = await store.create(1_000, base());
    const moved = await store.create(1_000, base({ number: '+48600100299' }));
    for (const [c, entry] of (await store.claim(2_000, 'i1', 10_000, 10)).map((c, k) => [c, `e${k + 1}`] as const)) await store.bind(2_000, c, 'i1', entry);
    expect(await store.reclaim(10_001)).toHaveLength(2);
    // Pending again (nobody claimed them yet): each still names its ACD entry, to be withdrawn.
    expect(await store.cancel(10_002, cancelled.id, 'operator')).toEqual({ previous: 'pending', entryId: 'e1' });
    expect(await store.reschedule(10_002, moved.id, 3_600_000)).toEqual({ previous: 'pending', entryId: 'e2' });
    // The rescheduled one queues afresh at its new time, with a new entry.
    const [c] = await store.claim(3_600_000, 'i2', 3_700_000, 10);
    expect(await store.bind(3_600_000, c!, 'i2', 'e9')).toEqual({ previous: 'e2', entryId: 'e9', adopted: false });
  });

  it('retries until the attempts are used up, then fails', async () => {
    const { id } = await store.create(1_000, base({ dueAt: 1_000 }));
    const attempt = async (now: number, entry: string) => {
      const [c] = await store.claim(now, 'i1', now + 60_000, 10);
      await store.bind(now, c!, 'i1', entry);
      const s = await store.start(now, entry, 'i1', 'a1', now + 60_000);
      if (!s.ok) throw new Error('not started');
      return s;
    };
    const s1 = await attempt(1_000, 'e1');
    expect(s1.attempt).toBe(1);
    expect(await store.finish(1_100, s1.claim, 'i1', 'retry', 'busy', 5_000)).toEqual({ status: 'pending', dueAt: 5_000 });
    expect(await store.claim(4_999, 'i1', 60_000, 10)).toEqual([]);
    const s2 = await attempt(5_000, 'e2');
    expect(s2.attempt).toBe(2);
    expect(await store.finish(5_100, s2.claim, 'i1', 'retry', 'no-answer', 9_000)).toEqual({ status: 'failed' });
    const rec = await store.get(id);
    expect(rec).toMatchObject({ status: 'failed', attempts: 2, lastOutcome: 'no-answer' });
    // A new request for the same number starts a new call-back.
    expect((await store.create(6_000, base())).id).not.toBe(id);
  });

  it('cancels and reschedules only what is not being dialed', async () => {
    const { id } = await store.create(1_000, base());
    await store.reschedule(1_100, id, 50_000);
    expect((await store.get(id))?.dueAt).toBe(50_000);
    const [c] = await store.claim(50_000, 'i1', 90_000, 10);
    await store.bind(50_000, c!, 'i1', 'e1');
    const s = await store.start(50_000, 'e1', 'i1', 'a1', 90_000);
    if (!s.ok) throw new Error('not started');
    await expect(store.cancel(50_001, id, 'admin')).rejects.toMatchObject({ code: 'CALLBACK_IN_PROGRESS' });
    await store.finish(50_002, s.claim, 'i1', 'completed', 'answered', 0);
    await expect(store.cancel(50_003, id, 'admin')).rejects.toMatchObject({ code: 'CALLBACK_FINISHED' });
    await expect(store.cancel(50_003, 'cb-nope', 'admin')).rejects.toMatchObject({ code: 'CALLBACK_NOT_FOUND' });
    const other = await store.create(1_000, base({ number: '+48600999888' }));
    const [c2] = await store.claim(2_000, 'i2', 90_000, 10);
    await store.bind(2_000, c2!, 'i2', 'e9');
    expect(await store.cancel(2_001, other.id, 'admin')).toEqual({ previous: 'queued', entryId: 'e9' });
    expect(await store.start(2_002, 'e9', 'i2', 'a1', 90_000)).toEqual({ ok: false });
    expect(await store.list({ queueId: 'sales', status: 'cancelled' })).toHaveLength(1);
    expect(await store.list({ number: '999' })).toHaveLength(1);
  });
});
