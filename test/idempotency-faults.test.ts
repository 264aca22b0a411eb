import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { backendPairs } from './support/backends.js';
import { http, listenForTest } from './support/http.js';
import { LossyProxy } from './support/lossy-proxy.js';
import { createProbeTable, probeModule, probeState } from './support/probe-module.js';
import { spawnTs, type Spawned } from './support/spawn.js';
import { buildTestApp, createTestPlatform, useTestServer, type TestPlatform } from './support/test-platform.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const url = process.env.DATABASE_URL;

// A key in flight is renewed by its owner while the request runs, so a short lease never lets a retry run a
// slow request a second time; and a dead owner's keys lapse within that lease, not after a fixed 30 s.
describe.each(backendPairs())('idempotency leases on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [probeModule({ delayMs: 2_500 })], probeTable: true, env: { IDEMPOTENCY_IN_FLIGHT_LEASE_MS: '600' } });

  it('keeps a slow request its key past the lease while it runs: a retry meanwhile is refused, the effect is once', async () => {
    const key = randomUUID();
    const add = () => http(`${server.base}/test/probe/lease/add`, { body: { amount: 4 }, headers: { 'idempotency-key': key } });
    const first = add();
    await sleep(1_500); // past two leases of 600 ms: only renewal keeps the key
    const retry = await add();
    expect(retry.status).toBe(409);
    expect(retry.json.error).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
    expect((await first).status).toBe(200);
    expect(await probeState(server.platform.database.db, 'lease')).toMatchObject({ value: 4, effects: 1 });
  });

  it('answers in the envelope when the key cannot be settled (its table unreachable), never a bare 500', async () => {
    const key = randomUUID();
    const database = server.platform.database.db;
    // The handler refuses (a 4xx stored in onSend) while the key's table is gone, as when the database drops.
    const failing = http(`${server.base}/test/probe/unsettled/add`, { body: { amount: 1, fail: 'client' }, headers: { 'idempotency-key': key } });
    await sleep(300);
    await sql`ALTER TABLE idempotency_keys RENAME TO idempotency_keys_away`.execute(database);
    try {
      const answer = await failing;
      expect(answer.status).toBeLessThan(500);
      expect(answer.json).toMatchObject({ request_id: expect.any(String) });
      expect(answer.json.error).not.toBe('INTERNAL');
    } finally {
      await sql`ALTER TABLE idempotency_keys_away RENAME TO idempotency_keys`.execute(database);
    }
  });
});

describe.skipIf(!url)('idempotency keys across process crashes and lost answers (PostgreSQL)', () => {
  const children: Spawned[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.child.exitCode === null) child.child.kill('SIGKILL');
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  async function retrierOn(platform: TestPlatform) {
    const app = await buildTestApp(platform, [probeModule()]);
    closers.push(() => app.close());
    return listenForTest(app);
  }

  it("lets a retry through within seconds of the owning process's death, and applies it once", async () => {
    const platform = await createTestPlatform({ db: 'postgres', cache: 'memory' });
    closers.push(() => platform.close());
    const dataDir = path.join(os.tmpdir(), `quanyi-crash-${randomUUID()}`);
    closers.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    // The secrets key the fingerprints: the two processes share them, as the processes of one deployment do.
    fs.mkdirSync(dataDir, { recursive: true });
    fs.copyFileSync(path.join(platform.config.dataDir, 'secrets.json'), path.join(dataDir, 'secrets.json'));
    const owner = spawnTs('test/fixtures/serve-with-probe.ts', [], {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: url,
      DATABASE_SCHEMA: platform.database.schema,
      PROBE_DELAY_MS: '60000',
    });
    children.push(owner);
    const ownerBase = await owner.url;
    const key = randomUUID();
    void http(`${ownerBase}/test/probe/crash/add`, { body: { amount: 7 }, headers: { 'idempotency-key': key } }).catch(() => undefined);
    const claimed = async () => (await sql<{ n: string }>`SELECT count(*)::text AS n FROM idempotency_keys WHERE key = ${key}`.execute(platform.database.db)).rows[0]!.n === '1';
    for (let i = 0; i < 100 && !(await claimed()); i++) await sleep(50);
    owner.child.kill('SIGKILL');
    const killedAt = Date.now();

    const base = await retrierOn(platform);
    let answer;
    do {
      answer = await http(`${base}/test/probe/crash/add`, { body: { amount: 7 }, headers: { 'idempotency-key': key } });
      if (answer.status === 409) await sleep(250);
    } while (answer.status === 409 && Date.now() - killedAt < 15_000);
    expect(answer.status, answer.text).toBe(200);
    // The default lease is 6 s; the old fixed lease blocked the retry for 30 s.
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(await probeState(platform.database.db, 'crash')).toMatchObject({ value: 7, effects: 1 });
  });

  it('answers a retry with the first answer when the commit went through but its answer was lost', async () => {
    const target = new URL(url!);
    const proxy = await LossyProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    closers.push(() => proxy.close());
    const platform = await createTestPlatform({ db: 'postgres', cache: 'memory', postgresUrl: proxy.urlFor(url!) });
    closers.push(() => platform.close());
    await createProbeTable(platform.database.db);
    const base = await retrierOn(platform);
    const key = randomUUID();
    // Through group commit (reply.transactIn), as a till's consume: its answer is stored with the batch.
    const add = () => http(`${base}/test/probe/lost/add-batched`, { body: { amount: 9 }, headers: { 'idempotency-key': key } });

    proxy.dropCommitAfter('probe_effects'); // the effect's transaction commits; its COMMIT answer is lost
    const first = await add();
    expect(proxy.dropped).toBe(1);
    expect(first.status).toBe(503);
    expect(first.json.error).toBe('DATABASE_CONNECTION_LOST');
    // The retry with the key gets the committed answer; before, the key was deleted and the effect ran again.
    const retry = await add();
    expect(retry.status, retry.text).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await probeState(platform.database.db, 'lost')).toMatchObject({ effects: 1 });
  });
});
