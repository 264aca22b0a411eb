import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../src/platform/outbox/outbox.js';
import { SPLIT_SUBSCRIBER } from '../src/modules/settlement/splits.js';
import { createTestPlatform, type TestPlatform } from './support/test-platform.js';
import { spawnTs, type Spawned } from './support/spawn.js';

const EVENTS = 1_500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(20);
  }
  throw new Error('condition not met in time');
}

// Two real worker processes share one PostgreSQL, so this runs only against PostgreSQL (embedded PGlite belongs
// to one process). The same redelivery is covered in-process on both backends by settlement.test.ts, where a
// split recorded twice is posted once.
describe.runIf(process.env.DATABASE_URL)('settlement: worker processes killed with SIGKILL while splitting redemptions', () => {
  let platform: TestPlatform;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    platform = await createTestPlatform({ db: 'postgres', cache: 'memory' });
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await platform?.close();
  });

  const startWorker = (): Spawned => {
    const worker = spawnTs('src/cli.ts', ['start', '--role', 'worker'], {
      DATABASE_URL: process.env.DATABASE_URL,
      DATABASE_SCHEMA: platform.database.schema,
      DATA_DIR: path.join(os.tmpdir(), `quanyi-worker-${randomUUID()}`),
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOX_LEASE_MS: '1000',
    });
    workers.push(worker);
    return worker;
  };

  it(`${EVENTS} coupon.consumed events, two workers killed mid-way: every split is posted exactly once`, { timeout: 180_000 }, async () => {
    const db = platform.database.db;
    // The publishing side only needs to know the subscriber's name, so deliveries are created for it.
    const outbox = new Outbox(platform.ids);
    outbox.subscribe({ name: SPLIT_SUBSCRIBER, topics: ['coupon.consumed'], handle: async () => undefined });
    const redemptions: { id: string; amountFen: bigint }[] = [];
    await db.transaction().execute(async (trx) => {
      const events = Array.from({ length: EVENTS }, (_, i) => {
        const id = platform.ids.next();
        const amountFen = BigInt(1 + ((i * 7_919) % 99_999));
        redemptions.push({ id, amountFen });
        return {
          topic: 'coupon.consumed',
          aggregateId: `TX-kill-${i}`,
          payload: {
            transaction_id: `TX-kill-${i}`,
            merchant_id: '424242',
            order_id: `o-${i}`,
            order_amount: '1000.00',
            lines: [{ coupon_id: '1', template_id: '1', redemption_id: id, coupon_code: 'ABCD-EFGH', type: 'CASH', amount: `${amountFen / 100n}.${String(amountFen % 100n).padStart(2, '0')}` }],
          },
        };
      });
      await outbox.publishMany(trx, events);
    });
    const splits = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM settlement_splits`.execute(db)).rows[0]!.n);

    for (const stopAt of [EVENTS / 5, EVENTS / 2]) {
      const worker = startWorker();
      await worker.url;
      await waitFor(async () => (await splits()) >= stopAt);
      worker.child.kill('SIGKILL');
      expect(await worker.exited).toBe(null);
    }
    expect(await splits()).toBeLessThan(EVENTS);

    const last = startWorker();
    await last.url;
    await waitFor(async () => {
      const open = await sql<{ n: string }>`SELECT count(*) AS n FROM outbox_deliveries WHERE subscriber = ${SPLIT_SUBSCRIBER} AND status <> 'delivered'`.execute(db);
      return Number(open.rows[0]!.n) === 0;
    }, 120_000);
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    // Deliveries cut off by a kill were delivered again…
    const redelivered = await sql<{ n: string }>`SELECT count(*) AS n FROM outbox_deliveries WHERE subscriber = ${SPLIT_SUBSCRIBER} AND attempts > 1`.execute(db);
    expect(Number(redelivered.rows[0]!.n)).toBeGreaterThan(0);
    // …and still every redemption has one split, one funding transfer and one reservation per part.
    expect(await splits()).toBe(EVENTS);
    const transfers = await sql<{ code: string; n: string; refs: string }>`
      SELECT code, count(*) AS n, count(DISTINCT ref) AS refs FROM ledger_transfers WHERE code IN ('REDEMPTION_FUNDING', 'SPLIT_LEG') GROUP BY code ORDER BY code
    `.execute(db);
    const legs = await sql<{ n: string }>`SELECT count(*) AS n FROM settlement_legs`.execute(db);
    expect(transfers.rows.map((r) => [r.code, Number(r.n), Number(r.refs)])).toEqual([
      ['REDEMPTION_FUNDING', EVENTS, EVENTS],
      ['SPLIT_LEG', Number(legs.rows[0]!.n), EVENTS],
    ]);
    const amounts = await sql<{ redemption_id: string; amount_fen: string }>`SELECT redemption_id, amount_fen FROM settlement_splits`.execute(db);
    const byId = new Map(amounts.rows.map((r) => [String(r.redemption_id), BigInt(r.amount_fen)]));
    for (const r of redemptions) expect(byId.get(r.id)).toBe(r.amountFen);
    const trial = await sql<{ d: string; c: string; dp: string; cp: string }>`
      SELECT sum(debits_posted) AS d, sum(credits_posted) AS c, sum(debits_pending) AS dp, sum(credits_pending) AS cp FROM ledger_accounts
    `.execute(db);
    expect(trial.rows[0]!.d).toBe(trial.rows[0]!.c);
    expect(trial.rows[0]!.dp).toBe(trial.rows[0]!.cp);
    expect(trial.rows[0]!.d).toBe(String(redemptions.reduce((sum, r) => sum + r.amountFen, 0n)));
  });
});
