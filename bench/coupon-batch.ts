// npm run bench:coupon-batch — issuing 1,000,000 codes through the batch worker (5,000 per transaction) on the
// local PostgreSQL, then exporting them as CSV. Prints the time for each and checks every code is distinct.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { buildPlatform } from '../src/app/build-platform.js';
import { couponsOf } from '../src/modules/coupons/index.js';
import { loadConfig } from '../src/platform/config/config.js';
import { createLogger } from '../src/platform/log/logger.js';
import { OutboxRelay } from '../src/platform/outbox/relay.js';

const quantity = Number(process.env.BENCH_QUANTITY ?? 1_000_000);
const env = {
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  DATABASE_SCHEMA: `bench_${randomUUID().slice(0, 8)}`,
  DATA_DIR: path.join(os.tmpdir(), `quanyi-bench-${randomUUID()}`),
  LOG_LEVEL: 'warn',
};
const built = await buildPlatform(loadConfig(env), env);
try {
  const { platform } = built;
  const { db } = platform.database;
  const coupons = couponsOf(platform);
  platform.outbox.subscribe(coupons.batches.subscriber() as never); // this process is the worker
  const template = await db.transaction().execute((trx) => coupons.service.createTemplate(trx, { name: '批量', type: 'CASH', params: { amount: '1.00' }, valid_days: 30 }, 'bench'));
  const batch = await db.transaction().execute((trx) => coupons.batches.request(trx, template.template_id, quantity, 'bench'));
  const relay = new OutboxRelay(db, platform.outbox, createLogger('silent'), 'bench-worker');
  const started = Date.now();
  let progress = await coupons.batches.progress(batch.batch_id);
  while (progress.status !== 'done') {
    await relay.deliverDue();
    progress = await coupons.batches.progress(batch.batch_id);
  }
  const issueSeconds = (Date.now() - started) / 1000;
  const counts = await sql<{ n: string; distinct: string }>`
    SELECT count(*) AS n, count(DISTINCT code) AS distinct FROM coupon_info WHERE batch_id = ${batch.batch_id}
  `.execute(db);
  const exportStarted = Date.now();
  let lines = 0;
  for await (const page of coupons.batches.csv(batch.batch_id)) lines += page.split('\n').length - 1;
  const exportSeconds = (Date.now() - exportStarted) / 1000;
  console.log(`issued ${counts.rows[0]!.n} codes (${counts.rows[0]!.distinct} distinct) in ${issueSeconds.toFixed(1)} s = ${Math.round(quantity / issueSeconds)} codes/s`);
  console.log(`CSV export: ${lines} lines in ${exportSeconds.toFixed(1)} s`);
} finally {
  await built.close();
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 }) }) });
  await sql`DROP SCHEMA ${sql.id(env.DATABASE_SCHEMA)} CASCADE`.execute(admin);
  await admin.destroy();
}
