import { sql } from 'kysely';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../src/platform/outbox/outbox.js';
import { createTestPlatform, type TestPlatform } from './support/test-platform.js';
import { spawnTs, type Spawned } from './support/spawn.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error('condition not met in time');
}

// Embedded PGlite belongs to one process, so a second worker process can only share a real PostgreSQL. The
// in-process version of this scenario runs on both backends in outbox.test.ts.
describe.runIf(process.env.DATABASE_URL)('outbox: a worker process killed with SIGKILL mid-delivery', () => {
  let platform: TestPlatform;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    platform = await createTestPlatform({ db: 'postgres', cache: 'memory' });
    await sql`
      CREATE TABLE probe_attempts (event_id bigint NOT NULL, pid integer NOT NULL, attempt integer NOT NULL);
      CREATE TABLE probe_kill_effects (event_id bigint PRIMARY KEY)
    `.execute(platform.database.db);
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await platform?.close();
  });

  const startWorker = (hang: boolean): Spawned => {
    const worker = spawnTs('test/fixtures/worker-with-probe-subscriber.ts', [], {
      DATABASE_URL: process.env.DATABASE_URL,
      DATABASE_SCHEMA: platform.database.schema,
      DATA_DIR: path.join(os.tmpdir(), `quanyi-worker-${randomUUID()}`),
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOX_LEASE_MS: '1500',
      PROBE_HANG: hang ? '1' : '0',
    });
    workers.push(worker);
    return worker;
  };

  it('another worker redelivers after the lease lapses; the effect is applied once', async () => {
    const outbox = new Outbox(platform.ids);
    outbox.subscribe({ name: 'probe-recorder', topics: ['probe.kill'], handle: async () => undefined });
    const eventId = await platform.database.db.transaction().execute((trx) => outbox.publish(trx, { topic: 'probe.kill', payload: { n: 1 } }));
    const attempts = async () =>
      (await sql<{ pid: number; attempt: number }>`SELECT pid, attempt FROM probe_attempts WHERE event_id = ${eventId} ORDER BY attempt`.execute(platform.database.db)).rows;
    const delivery = () =>
      platform.database.db.selectFrom('outbox_deliveries').selectAll().where('event_id', '=', eventId).executeTakeFirstOrThrow();

    const first = startWorker(true);
    await first.url;
    await waitFor(async () => (await attempts()).length === 1);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    expect((await delivery()).status).toBe('pending');

    const second = startWorker(false);
    await second.url;
    await waitFor(async () => (await delivery()).status === 'delivered');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const seen = await attempts();
    expect(seen.map((a) => a.attempt)).toEqual([1, 2]);
    expect(seen[0]!.pid).toBe(first.child.pid);
    expect(seen[1]!.pid).toBe(second.child.pid);
    expect((await delivery()).attempts).toBe(2);
    const effects = await sql<{ n: string }>`SELECT count(*) AS n FROM probe_kill_effects WHERE event_id = ${eventId}`.execute(platform.database.db);
    expect(Number(effects.rows[0]!.n)).toBe(1);
  });
});
