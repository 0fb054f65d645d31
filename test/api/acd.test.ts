/** Queues, agents and call-backs through the API, on the real ACD and call-back store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPrefix } from '../support/redis.ts';
import { removeDir, startInstance, tempFlowsDir, TOKENS, type Instance } from './harness.ts';

describe('queues, agents and call-backs', () => {
  let svc: Instance;
  let dir: string;

  beforeAll(async () => {
    dir = tempFlowsDir();
    svc = await startInstance({ prefix: testPrefix('api-acd'), flowsDir: dir, withAcd: true });
  });
  afterAll(async () => {
    await svc.close();
    removeDir(dir);
  });

  it('queue configuration: create with defaults, replace, read, stats, delete', async () => {
    const created = await svc.fetch('/queues/sales', { method: 'PUT', body: { name: 'Sales', wrapUpSeconds: 15 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'sales', name: 'Sales', wrapUpSeconds: 15, strategy: 'longest-idle-agent' });
    expect((await svc.fetch('/queues/sales', { method: 'PUT', body: { name: 'Sales team', wrapUpSeconds: 15 } })).status).toBe(200);
    expect((await svc.fetch('/queues/sales')).body).toMatchObject({ name: 'Sales team' });
    expect(((await svc.fetch('/queues', { token: TOKENS.supervisor })).body as { queues: unknown[] }).queues).toHaveLength(1);
    const mismatch = await svc.fetch('/queues/sales', { method: 'PUT', body: { id: 'support', name: 'x' } });
    expect(mismatch).toMatchObject({ status: 400, body: { error: 'ID_MISMATCH' } });
    const invalid = await svc.fetch('/queues/sales', { method: 'PUT', body: { wrapUpSeconds: 15 } });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ error: 'ACD_CONFIG_INVALID' });

    const stats = await svc.fetch('/queues/sales/stats', { token: TOKENS.supervisor });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ queueId: 'sales', waiting: 0, longestWaitSeconds: 0, today: expect.objectContaining({ offered: 0, answered: 0, abandoned: 0 }) });
    if (svc.callbacks) expect(stats.body).toMatchObject({ callbacks: { pending: 0, completed: 0, failed: 0, cancelled: 0 } });
    expect((await svc.fetch('/queues/nosuch/stats')).status).toBe(404);
    expect((await svc.fetch('/queues/nosuch')).status).toBe(404);
    expect((await svc.fetch('/queues/sales', { method: 'DELETE' })).status).toBe(204);
    expect((await svc.fetch('/queues/sales')).status).toBe(404);
    expect((await svc.fetch('/queues/sales', { method: 'DELETE' })).status).toBe(404);
  });

  it('agents: configuration by admin, state by the agent itself or a supervisor', async () => {
    await svc.fetch('/queues/support', { method: 'PUT', body: { name: 'Support' } });
    const put = await svc.fetch('/agents/a1001', { method: 'PUT', body: { name: 'Ann', uri: 'sip:1001@pbx.test', queues: [{ queue: 'support' }] } });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ id: 'a1001', queues: [{ queue: 'support', tier: 1, position: 0 }] });

    const self = { token: TOKENS.agent };
    expect((await svc.fetch('/agents/a1001', self)).body).toMatchObject({ name: 'Ann' });
    expect((await svc.fetch('/agents/a1001/state', self)).body).toMatchObject({ agentId: 'a1001', state: 'offline' });
    expect((await svc.fetch('/agents/a1001/login', { method: 'POST', ...self })).body).toMatchObject({ state: 'available' });
    const paused = await svc.fetch('/agents/a1001/pause', { method: 'POST', body: { reason: 'lunch' }, ...self });
    expect(paused.body).toMatchObject({ state: 'paused', pauseReason: 'lunch' });
    // A reason only the ACD sets is refused, and the pause already in place stays.
    const reserved = await svc.fetch('/agents/a1001/pause', { method: 'POST', body: { reason: 'unreachable' }, ...self });
    expect(reserved.status).toBe(400);
    expect(reserved.body).toMatchObject({ error: 'BAD_OP', message: expect.stringContaining('"unreachable" is set only by the ACD') });
    expect((await svc.fetch('/agents/a1001/state', self)).body).toMatchObject({ state: 'paused', pauseReason: 'lunch' });
    expect((await svc.fetch('/agents/a1001/ready', { method: 'POST', token: TOKENS.supervisor })).body).toMatchObject({ state: 'available' });

    // Wrap-up control is refused when the agent is not in wrap-up.
    const notWrapping = await svc.fetch('/agents/a1001/wrapup/end', { method: 'POST', ...self });
    expect(notWrapping.status).toBe(409);
    expect(notWrapping.body).toMatchObject({ error: 'INVALID_TRANSITION' });

    const states = (await svc.fetch('/agent-states', { token: TOKENS.supervisor })).body as { agents: Array<{ agentId: string; state: string }> };
    expect(states.agents).toEqual([expect.objectContaining({ agentId: 'a1001', state: 'available' })]);
    expect((await svc.fetch('/agents/a1001/stats', self)).body).toMatchObject({ agentId: 'a1001', state: 'available', today: { answered: 0 }, last15Minutes: { answered: 0 } });

    expect((await svc.fetch('/agents/a1001/logout', { method: 'POST', ...self })).body).toMatchObject({ state: 'offline' });
    expect((await svc.fetch('/agents/nosuch/login', { method: 'POST' })).status).toBe(404);
    expect((await svc.fetch('/agents/a1001', { method: 'DELETE' })).status).toBe(204);
    expect((await svc.fetch('/agents/a1001')).status).toBe(404);
  });

  it('metrics carry the ACD figures and this instance\'s Redis latency', async () => {
    await svc.fetch('/queues/metrics-q', { method: 'PUT', body: { name: 'Metrics' } });
    await svc.fetch('/agents/m1', { method: 'PUT', body: { name: 'M', queues: [{ queue: 'metrics-q' }] } });
    await svc.fetch('/agents/m1/login', { method: 'POST' });
    const res = await svc.fetch('/metrics', { token: TOKENS.supervisor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toContain('ivr_queue_waiting{queue="metrics-q"} 0');
    expect(res.text).toContain('ivr_queue_calls_offered_today{queue="metrics-q"} 0');
    expect(res.text).toMatch(/ivr_agents\{state="available"\} [1-9]/);
    expect(res.text).toMatch(/ivr_redis_command_duration_seconds_count\{command="fcall"\} [1-9]/);
  });

  it('call-backs: list, reschedule, cancel', async () => {
    const now = svc.clock.now();
    // A call-back as the IVR's callback node stores it.
    const { id } = await svc.callbackStore!.create(now, {
      queueId: 'support',
      number: '+48600100200',
      language: 'pl',
      priority: 0,
      arrivedAt: now,
      dueAt: now + 600_000,
      maxAttempts: 3,
      data: { account: '42' },
    });
    const list = await svc.fetch('/callbacks?status=pending', { token: TOKENS.supervisor });
    expect(list.status).toBe(200);
    // The backlog shows in the queue's statistics.
    await svc.fetch('/queues/support', { method: 'PUT', body: { name: 'Support' } });
    expect((await svc.fetch('/queues/support/stats', { token: TOKENS.supervisor })).body).toMatchObject({ callbacks: { pending: 1, completed: 0, failed: 0 } });
    expect((list.body as { callbacks: unknown[] }).callbacks).toEqual([expect.objectContaining({ id, number: '+48600100200', status: 'pending', data: { account: '42' } })]);
    expect((await svc.fetch(`/callbacks?queueId=sales`)).body).toEqual({ callbacks: [] });

    const at = new Date(now + 2 * 3_600_000).toISOString();
    const moved = await svc.fetch(`/callbacks/${id}/reschedule`, { method: 'POST', body: { at }, token: TOKENS.supervisor });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id, dueAt: at, status: 'pending' });
    const past = await svc.fetch(`/callbacks/${id}/reschedule`, { method: 'POST', body: { at: new Date(now - 86_400_000).toISOString() } });
    expect(past).toMatchObject({ status: 422, body: { error: 'CALLBACK_INVALID_TIME' } });

    const cancelled = await svc.fetch(`/callbacks/${id}/cancel`, { method: 'POST', token: TOKENS.supervisor });
    expect(cancelled.body).toMatchObject({ id, status: 'cancelled' });
    expect((await svc.fetch(`/callbacks/${id}/cancel`, { method: 'POST' })).status).toBe(409);
    expect((await svc.fetch(`/callbacks/${id}`)).body).toMatchObject({ status: 'cancelled' });
    expect((await svc.fetch('/callbacks/cb-nosuch/cancel', { method: 'POST' })).status).toBe(404);
  });
});
