// npm run bench:coupons — redemption and claim throughput against a running `quanyi start --role api` on the local
// PostgreSQL and Redis (DATABASE_URL / REDIS_URL, defaulting to this machine's), read against a bare Fastify
// /hello measured in the same run, and against the specification's design (Redis lock + SELECT … FOR UPDATE) on the same
// hot gift card. Prints figures; asserts nothing but the zero-oversell check of the flash claim.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { buildPlatform } from '../src/app/build-platform.js';
import { couponsOf } from '../src/modules/coupons/index.js';
import { identityOf } from '../src/modules/identity/index.js';
import { merchantsOf } from '../src/modules/merchants/index.js';
import { riskOf } from '../src/modules/risk/index.js';
import { signRequest } from '../src/modules/merchants/signature.js';
import { loadConfig } from '../src/platform/config/config.js';
import { createLogger } from '../src/platform/log/logger.js';
import { OutboxRelay } from '../src/platform/outbox/relay.js';
import { spawnTs, waitReady } from '../test/support/spawn.js';
import { measureCpu, processes } from './support/cpu.js';
import { benchEnvironment } from './support/env.js';
import { load, printTable, type LoadResult } from './support/load.js';
import { groupCommitDelta, groupCommitTotals } from './support/group-commit-metrics.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** BENCH_ONLY=healthz,validate,distinct,hot,spec,claim runs just those scenarios (the bare baseline always runs). */
const only = process.env.BENCH_ONLY?.split(',');
/** BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the API server there (open it in Chrome DevTools). */
const cpuProfileDir = process.env.BENCH_CPU_PROF;
const env = benchEnvironment();

// ---- fixtures, written through the services on the same database the server will use ----
const built = await buildPlatform(loadConfig({ ...env, NODE_ENV: 'development' }), { ...env, NODE_ENV: 'development' });
const { platform } = built;
const { db } = platform.database;
const identity = identityOf(platform);
const coupons = couponsOf(platform);
platform.outbox.subscribe(coupons.batches.subscriber() as never); // this process generates the batch below
const operatorId = await identity.service.ensureUser(db, '13800000001');
const merchant = await db.transaction().execute((trx) => merchantsOf(platform).create(trx, '压测商户', 'bench'));
const distinctCodes: string[] = [];
const { hotCard, claimTemplate, userTokens } = await db.transaction().execute(async (trx) => {
  const cash = await coupons.service.createTemplate(trx, { name: '立减1元', type: 'CASH', params: { amount: '1.00' }, valid_days: 30 }, 'bench');
  const card = await coupons.service.createTemplate(trx, { name: '热点礼品卡', type: 'GIFT_CARD', params: { balance: '1000000.00' }, valid_days: 30 }, 'bench');
  const flash = await coupons.service.createTemplate(trx, { name: '秒杀券', type: 'CASH', params: { amount: '2.00' }, valid_days: 30, total_stock: 200_000 }, 'bench');
  const batch = await coupons.batches.request(trx, cash.template_id, 60_000, 'bench');
  const hot = await coupons.claims.claim(trx, card.template_id, operatorId, 'bench');
  return { hotCard: hot.coupon_code, claimTemplate: flash.template_id, userTokens: [] as string[], batchId: batch.batch_id, cashTemplate: cash.template_id };
});
const relay = new OutboxRelay(db, platform.outbox, createLogger('silent'), 'bench-setup', { batchSize: 50 });
while ((await relay.deliverDue()) > 0);
await sql`UPDATE coupon_info SET status = 'ACTIVATED', user_id = ${operatorId} WHERE status = 'UNACTIVATED'`.execute(db);
distinctCodes.push(...(await db.selectFrom('coupon_info').select('code').where('status', '=', 'ACTIVATED').where('balance_fen', '=', '100').execute()).map((r) => r.code));
// Every request of this bench comes from 127.0.0.1, so the specification's coupon-farming rule (more than 10 claims from one
// IP in 5 minutes freezes the account) would freeze the bench's users at once. It is switched off here, as an
// operator would for a load test; the other rules (blacklists, the frozen-account check) stay on the claim path.
await db.transaction().execute((trx) => riskOf(platform).config.change(trx, 'COUPON_FARMING', { enabled: false }, 'bench', 'load test from one IP'));
for (let i = 0; i < 200; i++) {
  const userId = await identity.service.ensureUser(db, `1390000${String(i).padStart(4, '0')}`);
  userTokens.push((await db.transaction().execute((trx) => identity.service.sessions.open(trx, userId))).access_token);
}
await built.close();

// ---- the servers ----
const bare = spawnTs('bench/support/bare-hello.ts', [], { PORT: '0' });
const api = spawnTs('src/cli.ts', ['start', '--role', 'api'], { ...env, PORT: '0', HOST: '127.0.0.1' }, cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProfileDir)}`] : []);
const specDesign = spawnTs('bench/support/spec-design-server.ts', [], { ...env });
try {
  const [bareUrl, apiUrl, specUrl] = await Promise.all([bare.url, api.url, specDesign.url]);
  await waitReady(apiUrl);
  console.log(`PostgreSQL ${env.DATABASE_URL.replace(/\/\/[^@]*@/, '//')} + Redis; ${connections} connections × ${seconds} s per scenario; ${os.cpus().length} cores`);
  const signed = (path: string, bodyOf: (i: number) => Record<string, unknown>) => {
    let i = 0;
    return (req: { path: string }) => {
      const body = JSON.stringify(bodyOf(i++));
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(12).toString('hex');
      return {
        ...req,
        method: 'POST',
        path,
        body,
        headers: {
          'content-type': 'application/json',
          'x-api-key': merchant.api_key,
          'x-timestamp': timestamp,
          'x-nonce': nonce,
          'x-signature': signRequest(merchant.api_secret, 'POST', path, timestamp, nonce, body),
        },
      };
    };
  };
  const options = { connections, durationSeconds: seconds };
  let t = 0;
  const scenarios: { key: string; run: () => Promise<LoadResult> }[] = [
    // Reference points for the coupon scenarios: the kernel's hooks alone, and a signed call that reads but writes nothing.
    { key: 'healthz', run: () => load('GET /healthz (kernel hooks only)', { ...options, url: `${apiUrl}/healthz` }) },
    {
      key: 'validate',
      run: () =>
        load('validate (signed dry run, reads only)', {
          ...options,
          url: apiUrl,
          setupRequest: signed('/api/v1/coupon/validate', (i) => ({ coupon_code: distinctCodes[i % distinctCodes.length], merchant_id: merchant.merchant_id, amount: '5.00', order_id: `v-${i}` })),
        }),
    },
    {
      key: 'distinct',
      run: () =>
        load('consume, distinct coupons', {
          ...options,
          url: apiUrl,
          setupRequest: signed('/api/v1/coupon/consume', (i) => ({ coupon_code: distinctCodes[i % distinctCodes.length], merchant_id: merchant.merchant_id, amount: '5.00', order_id: `d-${i}` })),
        }),
    },
    {
      key: 'hot',
      run: () =>
        load('consume, one hot gift card (0.01 each)', {
          ...options,
          url: apiUrl,
          setupRequest: signed('/api/v1/coupon/consume', (i) => ({ coupon_code: hotCard, merchant_id: merchant.merchant_id, amount: '0.01', order_id: `h-${i}` })),
        }),
    },
    {
      key: 'spec',
      run: () => load("specification's design on one hot card (Redis lock + FOR UPDATE)", { ...options, url: `${specUrl}/consume`, method: 'POST', body: '{"amount":"0.01"}', headers: { 'content-type': 'application/json' } }),
    },
    {
      key: 'claim',
      run: () =>
        load('flash claim (stock 200,000)', {
          ...options,
          url: apiUrl,
          setupRequest: (req) => ({
            ...req,
            method: 'POST',
            path: '/api/v1/coupon/claim',
            body: JSON.stringify({ template_id: claimTemplate }),
            headers: { 'content-type': 'application/json', authorization: `Bearer ${userTokens[t++ % userTokens.length]}` },
          }),
        }),
    },
  ];
  const rows: LoadResult[] = [];
  const baseline = await load('bare fastify GET /hello', { ...options, url: `${bareUrl}/hello` });
  rows.push(baseline);
  const watched = { server: processes.pid(api.child.pid), postgres: processes.named('postgres'), redis: processes.named('redis-server'), loadgen: processes.self };
  for (const scenario of scenarios) {
    if (only && !only.includes(scenario.key)) continue;
    const before = await groupCommitTotals(apiUrl);
    const { result, cpu } = await measureCpu(watched, scenario.run);
    rows.push({ ...result, cpu });
    for (const [name, d] of groupCommitDelta(before, await groupCommitTotals(apiUrl))) {
      if (d.batches > 0) console.log(`  ${scenario.key}: ${name} ${d.batches} batches, ${(d.commands / d.batches).toFixed(1)} commands and ${((d.seconds / d.batches) * 1000).toFixed(1)} ms per batch`);
    }
  }
  printTable(rows, baseline);

} finally {
  for (const p of [bare, api, specDesign]) p.child.kill('SIGTERM');
  await Promise.all([bare.exited, api.exited, specDesign.exited]);
  // With the server stopped, one snapshot: every coupon of the flash template was counted against its stock.
  const check = await buildPlatform(loadConfig({ ...env, NODE_ENV: 'development' }), { ...env, NODE_ENV: 'development' });
  const stock = await sql<{ issued: number; total: number; held: string }>`
    SELECT t.issued_count AS issued, t.total_stock AS total, (SELECT count(*) FROM coupon_info c WHERE c.template_id = t.template_id) AS held
    FROM coupon_templates t WHERE t.template_id = ${claimTemplate}
  `.execute(check.platform.database.db);
  const { issued, total, held } = stock.rows[0]!;
  console.log(`flash claim: issued ${issued} of ${total}, coupons held ${held} (oversold: ${issued > total || Number(held) !== issued ? 'YES' : 'no'})`);
  await check.close();
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 }) }) });
  await sql`DROP SCHEMA ${sql.id(env.DATABASE_SCHEMA)} CASCADE`.execute(admin);
  await admin.destroy();
}
