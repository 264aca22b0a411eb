import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/log/logger.js';
import { handleOnce, Outbox, type OutboxEvent } from '../src/platform/outbox/outbox.js';
import { OutboxRelay } from '../src/platform/outbox/relay.js';
import { backendPairs } from './support/backends.js';
import { createTestPlatform, type TestPlatform } from './support/test-platform.js';

const silent = createLogger('silent');

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not met in time');
}

describe.each(backendPairs())('transactional outbox on $label', ({ db, cache }) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await createTestPlatform({ db, cache });
    await sql`CREATE TABLE outbox_probe_effects (event_id bigint PRIMARY KEY, topic text NOT NULL)`.execute(platform.database.db);
  });
  afterAll(() => platform?.close());

  const deliveries = (eventId: string) =>
    platform.database.db.selectFrom('outbox_deliveries').selectAll().where('event_id', '=', eventId).execute();

  it('writes an event only when the transaction that published it commits', async () => {
    const outbox = new Outbox(platform.ids);
    outbox.subscribe({ name: 'commit-probe', topics: ['t.commit'], handle: async () => undefined });
    const committed = await platform.database.db.transaction().execute((trx) => outbox.publish(trx, { topic: 't.commit', payload: { n: 1 } }));
    let rolledBack = '';
    await platform.database.db
      .transaction()
      .execute(async (trx) => {
        rolledBack = await outbox.publish(trx, { topic: 't.commit', payload: { n: 2 } });
        throw new Error('abort');
      })
      .catch(() => undefined);
    const ids = (await platform.database.db.selectFrom('outbox_events').select('id').where('topic', '=', 't.commit').execute()).map((r) => r.id);
    expect(ids).toEqual([committed]);
    expect(ids).not.toContain(rolledBack);
    expect(await deliveries(committed)).toHaveLength(1);
  });

  it('delivers to every subscriber of the topic and marks each delivery', async () => {
    const outbox = new Outbox(platform.ids);
    const seen: string[] = [];
    outbox.subscribe({ name: 'fan-a', topics: ['t.fan'], handle: async (e) => void seen.push(`a:${e.id}`) });
    outbox.subscribe({ name: 'fan-b', topics: ['t.fan', 't.other'], handle: async (e) => void seen.push(`b:${e.id}`) });
    outbox.subscribe({ name: 'fan-c', topics: ['t.other'], handle: async (e) => void seen.push(`c:${e.id}`) });
    const id = await platform.database.db.transaction().execute((trx) => outbox.publish(trx, { topic: 't.fan', payload: { x: 1 } }));
    const relay = new OutboxRelay(platform.database.db, outbox, silent, 'relay-fan');
    await relay.deliverDue();
    expect(seen.sort()).toEqual([`a:${id}`, `b:${id}`]);
    expect((await deliveries(id)).map((d) => d.status)).toEqual(['delivered', 'delivered']);
  });

  it('retries a failing subscriber with backoff and gives up after maxAttempts', async () => {
    const outbox = new Outbox(platform.ids);
    let calls = 0;
    outbox.subscribe({
      name: 'flaky',
      topics: ['t.flaky'],
      handle: async () => {
        calls++;
        if (calls < 3) throw new Error(`boom ${calls}`);
      },
    });
    outbox.subscribe({ name: 'broken', topics: ['t.flaky'], handle: async () => Promise.reject(new Error('always')) });
    const id = await platform.database.db.transaction().execute((trx) => outbox.publish(trx, { topic: 't.flaky', payload: {} }));
    const relay = new OutboxRelay(platform.database.db, outbox, silent, 'relay-flaky', { baseBackoffMs: 50, maxBackoffMs: 100, maxAttempts: 4 });
    relay.start();
    try {
      await waitFor(async () => (await deliveries(id)).every((d) => d.status !== 'pending'));
    } finally {
      await relay.stop();
    }
    const rows = Object.fromEntries((await deliveries(id)).map((d) => [d.subscriber, d]));
    expect(calls).toBe(3);
    expect(rows.flaky).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(rows.broken).toMatchObject({ status: 'dead', attempts: 4, last_error: 'always' });
  });

  it('redelivers after a worker dies mid-delivery, and handleOnce applies the effect once', async () => {
    // Worker A claims the delivery and never finishes (the process was killed): its lease must lapse and worker
    // B must deliver the same event again. The subscriber is idempotent through handleOnce.
    const outbox = new Outbox(platform.ids);
    const attempts: number[] = [];
    let hang = true;
    outbox.subscribe<{ k: number }>({
      name: 'effect-writer',
      topics: ['t.crash'],
      handle: async (event: OutboxEvent<{ k: number }>) => {
        // Decided on entry: the test flips `hang` while A may still be inside handleOnce.
        const dies = hang;
        attempts.push(event.attempt);
        await handleOnce(platform.database.db, 'effect-writer', event.id, async (trx) => {
          await sql`INSERT INTO outbox_probe_effects (event_id, topic) VALUES (${event.id}, ${event.topic})`.execute(trx);
        });
        if (dies) await new Promise(() => undefined); // killed here, after the effect committed, before the ack
      },
    });
    const id = await platform.database.db.transaction().execute((trx) => outbox.publish(trx, { topic: 't.crash', payload: { k: 1 } }));

    const workerA = new OutboxRelay(platform.database.db, outbox, silent, 'worker-a', { leaseMs: 400, handlerTimeoutMs: 60_000 });
    void workerA.deliverDue(); // never settles: the "killed" worker
    await waitFor(async () => attempts.length === 1);
    const workerB = new OutboxRelay(platform.database.db, outbox, silent, 'worker-b', { leaseMs: 400, pollIntervalMs: 50 });
    hang = false;
    await workerB.deliverDue(); // A's lease still holds: B must not take this delivery (other rows may be due)
    expect((await deliveries(id))[0]).toMatchObject({ locked_by: 'worker-a', attempts: 1, status: 'pending' });
    workerB.start();
    try {
      await waitFor(async () => (await deliveries(id))[0]?.status === 'delivered');
    } finally {
      await workerB.stop();
    }
    const [row] = await deliveries(id);
    expect(row).toMatchObject({ status: 'delivered', locked_by: 'worker-b', attempts: 2 });
    expect(attempts).toEqual([1, 2]);
    const effects = await sql<{ n: string }>`SELECT count(*) AS n FROM outbox_probe_effects WHERE event_id = ${id}`.execute(platform.database.db);
    expect(Number(effects.rows[0]!.n)).toBe(1);
  });

  it('two relays running together deliver each event exactly once when nothing fails', async () => {
    const outbox = new Outbox(platform.ids);
    const counts = new Map<string, number>();
    outbox.subscribe({
      name: 'counter',
      topics: ['t.many'],
      handle: async (e) => void counts.set(e.id, (counts.get(e.id) ?? 0) + 1),
    });
    const ids: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      await platform.database.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 30; i++) ids.push(await outbox.publish(trx, { topic: 't.many', payload: { batch, i } }));
      });
    }
    const relays = ['r1', 'r2'].map((name) => new OutboxRelay(platform.database.db, outbox, silent, name, { batchSize: 25, pollIntervalMs: 10 }));
    relays.forEach((r) => r.start());
    try {
      await waitFor(async () => counts.size === ids.length);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});
