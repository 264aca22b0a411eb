import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { probeModule, probeState } from './support/probe-module.js';
import { useTestServer } from './support/test-platform.js';

describe.each(backendPairs())('idempotency keys on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [probeModule({ delayMs: 30 })], probeTable: true });

  const add = (name: string, key: string | undefined, body: Record<string, unknown>) =>
    http(`${server.base}/test/probe/${name}/add`, { body, headers: key ? { 'idempotency-key': key } : {} });

  it('replays the first response for a repeated key and changes nothing', async () => {
    const key = randomUUID();
    const first = await add('replay', key, { amount: 5 });
    expect(first.status).toBe(200);
    const again = await add('replay', key, { amount: 5 });
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await probeState(server.platform.database.db, 'replay')).toEqual({ value: 5, effects: 1, events: 1 });
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const key = randomUUID();
    await http(`${server.base}/test/probe/order/add`, { rawBody: '{"amount":2}', headers: { 'idempotency-key': key, 'content-type': 'application/json' } });
    const second = await http(`${server.base}/test/probe/order/add`, {
      rawBody: '{ "amount" : 2 }',
      headers: { 'idempotency-key': key, 'content-type': 'application/json' },
    });
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = randomUUID();
    expect((await add('reuse', key, { amount: 1 })).status).toBe(200);
    const other = await add('reuse', key, { amount: 2 });
    expect(other.status).toBe(422);
    expect(other.json.error).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.json.request_id).toEqual(expect.any(String));
    expect(await probeState(server.platform.database.db, 'reuse')).toMatchObject({ value: 1, effects: 1 });
  });

  it('answers 409 while the first request with the key is still in flight', async () => {
    const key = randomUUID();
    const first = add('inflight', key, { amount: 1 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await add('inflight', key, { amount: 1 });
    expect((await first).status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.json.error).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
  });

  it('50 concurrent requests with one key: one effect; each answer is the first result or 409', async () => {
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 50 }, () => add('race', key, { amount: 3 })));
    const succeeded = answers.filter((a) => a.status === 200);
    const inFlight = answers.filter((a) => a.status === 409);
    expect(succeeded.length + inFlight.length).toBe(50);
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(new Set(succeeded.map((a) => a.text)).size).toBe(1);
    expect(inFlight.every((a) => a.json.error === 'IDEMPOTENCY_KEY_IN_FLIGHT')).toBe(true);
    expect(await probeState(server.platform.database.db, 'race')).toEqual({ value: 3, effects: 1, events: 1 });

    const replays = await Promise.all(Array.from({ length: 10 }, () => add('race', key, { amount: 3 })));
    for (const replay of replays) {
      expect(replay.status).toBe(200);
      expect(replay.text).toBe(succeeded[0]!.text);
    }
  });

  it('remembers a refusal (4xx) and replays it', async () => {
    const key = randomUUID();
    const first = await add('refused', key, { amount: 1, fail: 'client' });
    expect(first.status).toBe(403);
    const again = await add('refused', key, { amount: 1, fail: 'client' });
    expect(again.status).toBe(403);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.request_id).toBe(first.json.request_id);
  });

  it('releases the key after a server fault, rolling the effect back, so a retry can run', async () => {
    const key = randomUUID();
    const failed = await add('fault', key, { amount: 4, fail: 'server' });
    expect(failed.status).toBe(500);
    expect(failed.json.error).toBe('INTERNAL');
    expect(await probeState(server.platform.database.db, 'fault')).toEqual({ value: 0, effects: 0, events: 0 });
    const row = await server.platform.database.db.selectFrom('idempotency_keys').selectAll().where('key', '=', key).executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('works without a key (no replay protection) and rejects malformed keys', async () => {
    expect((await add('nokey', undefined, { amount: 1 })).status).toBe(200);
    expect((await add('nokey', undefined, { amount: 1 })).status).toBe(200);
    expect(await probeState(server.platform.database.db, 'nokey')).toMatchObject({ value: 2, effects: 2 });
    const bad = await add('nokey', 'x'.repeat(300), { amount: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('IDEMPOTENCY_KEY_INVALID');
  });

  it("refuses a call without a key on a route that requires one: 400 IDEMPOTENCY_KEY_REQUIRED", async () => {
    const missing = await http(`${server.base}/test/probe/strict`, { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toBe('IDEMPOTENCY_KEY_REQUIRED');
    const given = await http(`${server.base}/test/probe/strict`, { body: {}, headers: { 'idempotency-key': randomUUID() } });
    expect(given.status).toBe(200);
  });

  it('stores keys for at least 24 hours', async () => {
    const key = randomUUID();
    await add('ttl', key, { amount: 1 });
    const row = await server.platform.database.db
      .selectFrom('idempotency_keys')
      .select(['created_at', 'expires_at'])
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBeGreaterThanOrEqual(24 * 3_600_000);
  });
});
