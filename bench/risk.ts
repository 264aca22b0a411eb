// npm run bench:risk — what risk control (#8) costs, on the local PostgreSQL and Redis (DATABASE_URL / REDIS_URL), in a
// fresh schema and Redis key prefix (both removed at the end).
//
// 1. Consume over HTTP, with and without the risk module (the acceptance figure: the hot path gains at most 1 ms at
//    p99). Two API processes on the same database: `quanyi start --role api` (every module) and
//    bench/support/api-without-module.ts (every module but risk). Consume makes no synchronous risk call; what risk
//    adds to it is its `risk.cash-out` outbox subscriber, so each consumed event gets one more delivery row, written
//    by the consume batch's own statement (the relay's observe runs later, in a worker: see 2). Both get the same
//    load as bench:coupons' "distinct consumes" (fresh ACTIVATED single-use coupons, signed cashier calls),
//    BENCH_CONNECTIONS connections (default 50) for BENCH_SECONDS (default 12), after BENCH_WARMUP_SECONDS (default
//    3) of warm-up each, alternately (with, without, …; BENCH_PAIRS pairs, default 2) to show the run-to-run
//    variance. BENCH_COUPONS coupons are issued (default: enough for 4,000 req/s throughout). The delivery rows each
//    run wrote are counted per subscriber, which shows the process without risk writes none for `risk.cash-out`.
//    Since an HTTP p99 on a shared machine moves by more than 1 ms from run to run, the extra rows are also timed
//    alone: the outbox_publish call of one consume batch (of the mean batch size seen), with and without them.
// 2. The synchronous gate in-process: `riskOf(platform).screen.check(hook, facts)` one call at a time, BENCH_CHECKS
//    calls per hook (default 20,000), against a blacklist of BENCH_BLACKLIST entries (default 10,000: devices,
//    IPv4 and IPv6 addresses, IPv4 and IPv6 networks, phone blind indexes) imported as CSV. coupon.claim runs every
//    enabled rule (coupon farming on, default parameters; 1,000 users in turn and a distinct address a call, so
//    nothing is refused);
//    sms.send and auth.login run the blacklist. Then `observe('coupon.consumed', …)`, what the cash-out subscriber
//    does per redeemed coupon: its latency one call at a time, its rate with 100 calls in flight (a relay delivers a
//    claimed batch of up to 100 at once), and the same at a merchant already over the cash-out threshold, where
//    every redemption is a DELAY_SETTLEMENT decision written in a transaction.
//
// Bounded: every in-process scenario also stops after BENCH_CAP_SECONDS (default 20); about 100 s in all. Prints
// figures; asserts only that the blacklist was imported whole (and prints a sanity line: listed values are refused).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { buildPlatform } from '../src/app/build-platform.js';
import { couponsOf } from '../src/modules/coupons/index.js';
import { identityOf } from '../src/modules/identity/index.js';
import { merchantsOf } from '../src/modules/merchants/index.js';
import { signRequest } from '../src/modules/merchants/signature.js';
import { riskOf } from '../src/modules/risk/index.js';
import { loadConfig } from '../src/platform/config/config.js';
import { AppError } from '../src/platform/errors/app-error.js';
import { createLogger } from '../src/platform/log/logger.js';
import { OutboxRelay } from '../src/platform/outbox/relay.js';
import type { RiskFacts, RiskHook } from '../src/platform/risk/risk-gate.js';
import { spawnTs, waitReady, type Spawned } from '../test/support/spawn.js';
import { cores, measureCpu, processes } from './support/cpu.js';
import { benchEnvironment, positiveSetting as positive } from './support/env.js';
import { groupCommitDelta, groupCommitTotals } from './support/group-commit-metrics.js';
import { load, printTable, type LoadResult } from './support/load.js';

const seconds = positive('BENCH_SECONDS', 12, 120);
const warmupSeconds = positive('BENCH_WARMUP_SECONDS', 3, 60);
const connections = positive('BENCH_CONNECTIONS', 50, 1000);
const checks = positive('BENCH_CHECKS', 20_000, 1_000_000);
const blacklistSize = positive('BENCH_BLACKLIST', 10_000, 100_000);
const capSeconds = positive('BENCH_CAP_SECONDS', 20, 600);
/** Pairs of consume runs (with risk, then without); the comparison is the mean over them. */
const pairs = positive('BENCH_PAIRS', 2, 10);
/** Coupons issued for the consume runs: by default enough for every run and warm-up at 4,000 req/s; a shortfall shows as non-2xx. */
const couponCount = positive('BENCH_COUPONS', Math.ceil(((2 * pairs * seconds + 2 * warmupSeconds) * 4_000) / 10_000) * 10_000, 2_000_000);
const USERS = 1_000;
const MERCHANTS = 500;
const IN_FLIGHT = 100;
const started = performance.now();

const base = benchEnvironment();
const env = { ...base, REDIS_KEY_PREFIX: `quanyi-${base.DATABASE_SCHEMA}:` };
const devEnv = { ...env, NODE_ENV: 'development' };

const built = await buildPlatform(loadConfig(devEnv), devEnv);
const { platform } = built;
const { db } = platform.database;
let servers: Spawned[] = [];
try {
  // ---- fixtures, written through the services on the database both servers use ----
  const identity = identityOf(platform);
  const coupons = couponsOf(platform);
  const risk = riskOf(platform);
  platform.outbox.subscribe(coupons.batches.subscriber() as never); // this process generates the batch below
  const operatorId = await identity.service.ensureUser(db, '13800000001');
  const merchant = await db.transaction().execute((trx) => merchantsOf(platform).create(trx, '风控压测商户', 'bench'));
  await db.transaction().execute(async (trx) => {
    const cash = await coupons.service.createTemplate(trx, { name: '立减1元', type: 'CASH', params: { amount: '1.00' }, valid_days: 30 }, 'bench');
    await coupons.batches.request(trx, cash.template_id, couponCount, 'bench');
  });
  // Every chunk is generated before any server runs: a relay here would otherwise also claim the servers' deliveries.
  const relay = new OutboxRelay(db, platform.outbox, createLogger('silent'), 'bench-setup', { batchSize: 50 });
  while ((await relay.deliverDue()) > 0);
  await sql`UPDATE coupon_info SET status = 'ACTIVATED', user_id = ${operatorId} WHERE status = 'UNACTIVATED'`.execute(db);
  const codes = (await db.selectFrom('coupon_info').select('code').where('status', '=', 'ACTIVATED').execute()).map((r) => r.code);
  const users: string[] = [];
  for (let i = 0; i < USERS; i += 50) {
    users.push(...(await Promise.all(Array.from({ length: Math.min(50, USERS - i) }, (_, j) => identity.service.ensureUser(db, `1370000${String(i + j).padStart(4, '0')}`)))));
  }
  const listedPhone = '13912345678';
  const listedUser = await identity.service.ensureUser(db, listedPhone);
  const { csv, composition } = blacklistCsv(blacklistSize, identity.service.phoneHash(listedPhone)!);
  const imported = await db.transaction().execute((trx) => risk.blacklists.importCsv(trx, csv, 'bench'));
  if (imported.added !== blacklistSize || imported.errors.length > 0) throw new Error(`blacklist import: ${JSON.stringify({ ...imported, errors: imported.errors.slice(0, 3) })}`);
  console.log(
    `fixtures in ${((performance.now() - started) / 1000).toFixed(1)} s: ${codes.length.toLocaleString('en')} activated CASH coupons, ${USERS.toLocaleString('en')} users, ` +
      `blacklist of ${imported.added.toLocaleString('en')} (${composition})`,
  );

  // ---- 1. consume over HTTP, with and without the risk module ----
  const serverEnv = { ...env, PORT: '0', HOST: '127.0.0.1' };
  const withRisk = spawnTs('src/cli.ts', ['start', '--role', 'api'], serverEnv);
  const withoutRisk = spawnTs('bench/support/api-without-module.ts', [], { ...serverEnv, BENCH_WITHOUT_MODULE: 'risk' });
  servers = [withRisk, withoutRisk];
  const [withUrl, withoutUrl] = await Promise.all([withRisk.url, withoutRisk.url]);
  await Promise.all([waitReady(withUrl), waitReady(withoutUrl)]);
  const riskRoutes = await Promise.all([withUrl, withoutUrl].map(async (url) => (await fetch(`${url}/api/v1/risk/rules`)).status));
  console.log(`\n1. consume over HTTP: ${connections} connections × ${seconds} s per run (after ${warmupSeconds} s of warm-up each), ${os.cpus().length} cores, PostgreSQL + Redis on 127.0.0.1`);
  console.log(`   servers: with risk = quanyi start --role api (GET /api/v1/risk/rules → ${riskRoutes[0]}); without = every module but risk (→ ${riskRoutes[1]})`);

  let next = 0; // one cursor over the codes: every request of every run redeems a coupon no other request has
  const consume = (name: string, url: string, durationSeconds: number) =>
    load(name, {
      connections,
      durationSeconds,
      url,
      setupRequest: (req) => {
        const i = next++;
        const body = JSON.stringify({ coupon_code: codes[i % codes.length], merchant_id: merchant.merchant_id, amount: '5.00', order_id: `r-${i}` });
        const timestamp = String(Math.floor(Date.now() / 1000));
        const nonce = randomBytes(12).toString('hex');
        const path = '/api/v1/coupon/consume';
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
      },
    });
  for (const [name, url] of [['with risk', withUrl], ['without risk', withoutUrl]] as const) {
    const warm = await consume(name, url, warmupSeconds);
    console.log(`   warm-up ${name}: ${warm.requestsPerSecond} req/s, p99 ${warm.p99Ms} ms, ${warm.errors} errors, ${warm.non2xx} non-2xx`);
  }
  await settled();

  const plan = Array.from({ length: pairs }, (_, k) => [
    { label: `with risk #${k + 1}`, risk: true },
    { label: `without risk #${k + 1}`, risk: false },
  ]).flat();
  const rows: (LoadResult & { risk: boolean })[] = [];
  const written: string[] = [];
  const batchSizes: number[] = [];
  let deliveries = await consumedDeliveries();
  for (const run of plan) {
    const server = run.risk ? withRisk : withoutRisk;
    const url = run.risk ? withUrl : withoutUrl;
    const before = await groupCommitTotals(url);
    // PostgreSQL and Redis are shared with whatever else runs on this machine (and postgres backends that exit
    // mid-run make its figure negative), so only the server and the load generator are watched, and the machine.
    const watched = { server: processes.pid(server.child.pid), loadgen: processes.self };
    const { result, cpu } = await measureCpu(watched, () => consume(`consume, ${run.label}`, url, seconds));
    await settled(); // autocannon stops with requests in flight: their batches commit before the rows are counted
    const batch = groupCommitDelta(before, await groupCommitTotals(url)).get('coupon.consume');
    const after = await consumedDeliveries();
    const events = after.events - deliveries.events;
    const per = (s: string) => (after.bySubscriber.get(s) ?? 0) - (deliveries.bySubscriber.get(s) ?? 0);
    const subscribers = [...new Set([...after.bySubscriber.keys()])].sort();
    written.push(
      `   ${run.label}: ${events.toLocaleString('en')} coupon.consumed events; delivery rows ${subscribers.map((s) => `${s} ${per(s).toLocaleString('en')}`).join(', ')}` +
        (batch ? `; ${batch.batches} consume batches, ${(batch.commands / batch.batches).toFixed(1)} commands and ${((batch.seconds / batch.batches) * 1000).toFixed(1)} ms each` : '') +
        (next > codes.length ? ' — COUPONS RAN OUT: codes reused, this run is not comparable' : ''),
    );
    deliveries = after;
    if (batch && batch.batches > 0) batchSizes.push(batch.commands / batch.batches);
    rows.push({ ...result, cpu, risk: run.risk });
  }
  printTable(rows);
  console.log('rows written per run (outbox, for coupon.consumed) and consume group-commit batches (server /metrics):');
  for (const line of written) console.log(line);
  if (next > codes.length) console.log(`   NOTE: ${next.toLocaleString('en')} requests for ${codes.length.toLocaleString('en')} coupons: codes were reused, so some consumes were refused (raise BENCH_COUPONS)`);

  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const side = (risk: boolean) => rows.filter((r) => r.risk === risk);
  const perRequest = (r: LoadResult) => ((r.cpu?.server ?? 0) * 10_000) / Math.max(1, r.requestsPerSecond);
  const summary = (risk: boolean) => {
    const rs = side(risk);
    return { rps: mean(rs.map((r) => r.requestsPerSecond)), p50: mean(rs.map((r) => r.p50Ms)), p99: mean(rs.map((r) => r.p99Ms)), cpu: mean(rs.map(perRequest)), p99s: rs.map((r) => r.p99Ms) };
  };
  const a = summary(true);
  const b = summary(false);
  const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
  console.log(`summary (mean of the ${pairs} runs each; autocannon reports latency in whole milliseconds):`);
  console.log(['', 'req/s', 'p50 ms', 'p99 ms', 'p99 per run', 'server CPU µs/req'].join('\t'));
  for (const [name, s] of [['with risk', a], ['without risk', b]] as const) console.log([name, Math.round(s.rps), s.p50.toFixed(1), s.p99.toFixed(1), s.p99s.join(', '), Math.round(s.cpu)].join('\t'));
  const byPair = side(true).map((r, k) => r.p99Ms - side(false)[k]!.p99Ms);
  console.log(
    `risk's cost on consume: p99 ${signed(a.p99 - b.p99)} ms (pairs: ${byPair.map((d) => signed(d, 0)).join(', ')} ms), p50 ${signed(a.p50 - b.p50)} ms, ` +
      `throughput ${signed(((a.rps - b.rps) / b.rps) * 100)}%, server CPU ${signed(a.cpu - b.cpu, 0)} µs per request; ` +
      `run-to-run p99 spread: with ${Math.max(...a.p99s) - Math.min(...a.p99s)} ms, without ${Math.max(...b.p99s) - Math.min(...b.p99s)} ms`,
  );
  const commandsPerBatch = Math.max(1, Math.round(batchSizes.reduce((x, y) => x + y, 0) / Math.max(1, batchSizes.length)));
  for (const s of servers) s.child.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.exited));
  servers = [];

  // The extra delivery rows alone: the outbox_publish call a consume batch makes (inside its one statement), for a
  // batch of the size measured above, with the subscribers of coupon.consumed with and without risk, alternately,
  // each in its own committed transaction; only the call is timed. Topic and payloads are real consumed events'
  // shape under another topic name, so the counts above are not touched.
  const sample = (await sql<{ payload: unknown }>`SELECT payload FROM outbox_events WHERE topic = 'coupon.consumed' ORDER BY id DESC LIMIT ${commandsPerBatch}`.execute(db)).rows.map((r) => JSON.stringify(r.payload));
  const publishRounds = Math.min(checks, 1_000);
  const publishTimes: Record<'with' | 'without', number[]> = { with: [], without: [] };
  const publishDeadline = performance.now() + capSeconds * 1000;
  for (let k = 0; k < publishRounds && performance.now() < publishDeadline; k++) {
    for (const which of k % 2 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
      const subscribers = which === 'with' ? ['settlement.splits', 'risk.cash-out'] : ['settlement.splits'];
      const ids = sample.map(() => platform.ids.next());
      await db.transaction().execute(async (trx) => {
        const at = performance.now();
        await sql`SELECT outbox_publish('bench.publish-probe', ${subscribers}::text[], ${ids}::bigint[], ${ids.map(() => null)}::text[], ${sample}::jsonb[], ${ids.map(() => null)}::text[])`.execute(trx);
        publishTimes[which].push(performance.now() - at);
      });
    }
  }
  const quantiles = (xs: number[]) => {
    const sorted = [...xs].sort((x, y) => x - y);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    return { p50: q(0.5), p99: q(0.99) };
  };
  const pw = quantiles(publishTimes.with);
  const pn = quantiles(publishTimes.without);
  console.log(`the outbox write of one consume batch alone (outbox_publish of ${sample.length} events, ${publishTimes.with.length.toLocaleString('en')} times each, alternately; every request of a batch waits for it):`);
  console.log(['subscribers of coupon.consumed', 'p50 ms', 'p99 ms'].join('\t'));
  console.log(['settlement.splits, risk.cash-out', pw.p50.toFixed(3), pw.p99.toFixed(3)].join('\t'));
  console.log(['settlement.splits', pn.p50.toFixed(3), pn.p99.toFixed(3)].join('\t'));
  console.log(['difference per batch', signed(pw.p50 - pn.p50, 3), signed(pw.p99 - pn.p99, 3)].join('\t'));

  // ---- 2. the synchronous gate and the cash-out observation, in this process ----
  const { screen } = risk;
  console.log(`\n2. risk screen in this process (${cores} cores, same PostgreSQL + Redis): ${checks.toLocaleString('en')} calls per scenario (or ${capSeconds} s), one at a time unless said`);
  const refusedAs = async (hook: RiskHook, facts: RiskFacts) => {
    try {
      await screen.check(hook, facts);
      return 'allowed';
    } catch (error) {
      return error instanceof AppError ? error.code : String(error);
    }
  };
  const sanity = [
    `listed device on sms.send → ${await refusedAs('sms.send', { deviceId: 'dev-black-7', ip: '100.64.200.1' })}`,
    `address in a listed IPv6 /64 on auth.login → ${await refusedAs('auth.login', { ip: '2001:db8:2:5::1234' })}`,
    `address in a listed IPv4 network on coupon.claim → ${await refusedAs('coupon.claim', { userId: users[0]!, ip: '10.0.0.17' })}`,
    `user with a listed phone on coupon.claim → ${await refusedAs('coupon.claim', { userId: listedUser, ip: '100.64.200.2' })}`,
    `unlisted on coupon.claim → ${await refusedAs('coupon.claim', { userId: users[1]!, ip: '100.64.200.3', deviceId: 'bench-sanity' })}`,
  ];
  console.log(`   sanity: ${sanity.join('; ')}`);
  const rules = [...(await risk.config.current()).values()].filter((s) => s.enabled).map((s) => `${s.rule.code}${Object.keys(s.params).length ? ` ${JSON.stringify(s.params)}` : ''}`);
  console.log(`   rules in force: ${rules.join(', ')}`);

  const phoneHashes = Array.from({ length: Math.min(checks, 50_000) }, (_, i) => identity.service.phoneHash(`186${String(i).padStart(8, '0')}`)!);
  const v4 = (first: number, i: number) => `${first}.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`;
  const v6 = (i: number) => `2001:db9:${(i >> 16).toString(16)}::${(i & 0xffff).toString(16)}`;
  const gate: { name: string; hook: RiskHook; facts: (i: number) => RiskFacts }[] = [
    { name: 'check coupon.claim (frozen, farming, blacklist)', hook: 'coupon.claim', facts: (i) => ({ userId: users[i % users.length]!, ip: `172.${16 + ((i >> 16) & 15)}.${(i >> 8) & 255}.${i & 255}`, deviceId: `bench-claim-${i}` }) },
    { name: 'check sms.send (blacklist; v4 and v6 addresses)', hook: 'sms.send', facts: (i) => ({ phoneHash: phoneHashes[i % phoneHashes.length]!, ip: i % 2 ? v4(100, i) : v6(i), deviceId: `bench-sms-${i}` }) },
    { name: 'check auth.login (blacklist; v4 and v6 addresses)', hook: 'auth.login', facts: (i) => ({ phoneHash: phoneHashes[i % phoneHashes.length]!, ip: i % 2 ? v6(i) : v4(100, i), deviceId: `bench-login-${i}` }) },
  ];
  const results: Timing[] = [];
  for (const g of gate) {
    results.push(
      await timed(g.name, checks, 1, async (i) => {
        try {
          await screen.check(g.hook, g.facts(i));
          return true;
        } catch (error) {
          if (error instanceof AppError) return false;
          throw error;
        }
      }),
    );
  }
  const decisionsBefore = await countDecisions();
  let hit = 0;
  const observeAt = (merchantOf: (i: number) => string) => async (i: number) => {
    const verdict = await screen.observe('coupon.consumed', { merchantId: merchantOf(i), hitId: `bench-hit-${hit++}` });
    return verdict.decision === 'ALLOW';
  };
  // Fake merchant ids (the cash-out counter is keyed by id; nothing is written while a merchant stays under the
  // threshold), spread so each stays below 100 redemptions in 10 minutes: the ALLOW path every redemption takes.
  results.push(await timed(`observe coupon.consumed (${MERCHANTS} merchants, under the threshold)`, checks, 1, observeAt((i) => `9${String(i % MERCHANTS).padStart(6, '0')}`)));
  results.push(await timed(`observe coupon.consumed, ${IN_FLIGHT} in flight`, checks, IN_FLIGHT, observeAt((i) => `8${String(i % MERCHANTS).padStart(6, '0')}`)));
  const allowDecisions = (await countDecisions()) - decisionsBefore;
  // One real merchant pushed over the cash-out threshold (100 redemptions in 10 minutes): from then on every
  // redemption observed there is a DELAY_SETTLEMENT decision, written with its audit record and event.
  const threshold = Number((await risk.config.current()).get('CASH_OUT')!.params.max_redemptions);
  for (let i = 0; i < threshold; i++) await screen.observe('coupon.consumed', { merchantId: merchant.merchant_id, hitId: `bench-prefill-${i}` });
  const overCount = Math.min(checks, 2_000);
  results.push(await timed('observe coupon.consumed, merchant over the threshold', overCount, 1, observeAt(() => merchant.merchant_id)));
  results.push(await timed(`observe coupon.consumed, merchant over the threshold, ${IN_FLIGHT} in flight`, overCount, IN_FLIGHT, observeAt(() => merchant.merchant_id)));
  console.log(['scenario', 'calls', 'not ALLOW', 'calls/s', 'p50 ms', 'p99 ms', 'max ms'].join('\t'));
  for (const r of results) console.log([r.name, r.calls, r.refused, Math.round(r.perSecond), r.p50.toFixed(3), r.p99.toFixed(3), r.max.toFixed(2)].join('\t'));
  const rowsWritten = await sql<{ decisions: string; cases: string; holds: string }>`
    SELECT (SELECT count(*) FROM risk_decisions WHERE hook = 'coupon.consumed') AS decisions,
           (SELECT count(*) FROM risk_cases WHERE kind = 'CASH_OUT') AS cases,
           (SELECT count(*) FROM settlement_holds WHERE party_id = ${merchant.merchant_id}) AS holds
  `.execute(db);
  const w = rowsWritten.rows[0]!;
  console.log(`   observe wrote: ${allowDecisions} decisions under the threshold; ${w.decisions} coupon.consumed decisions over it in all, ${w.cases} CASH_OUT case(s), ${w.holds} settlement hold(s)`);
} finally {
  for (const s of servers) s.child.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.exited));
  await built.close();
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 }) }) });
  await sql`DROP SCHEMA ${sql.id(env.DATABASE_SCHEMA)} CASCADE`.execute(admin);
  await admin.destroy();
  const removed = await deleteKeys(env.REDIS_URL, env.REDIS_KEY_PREFIX);
  rmSync(env.DATA_DIR, { recursive: true, force: true });
  console.log(`\ncleaned up: schema ${env.DATABASE_SCHEMA} dropped, ${removed} Redis keys under ${env.REDIS_KEY_PREFIX} deleted; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
}

interface Timing {
  readonly name: string;
  readonly calls: number;
  /** Calls that did not pass (a refused check, a verdict other than ALLOW). */
  readonly refused: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Runs `call` for i = 0 … count-1 with `inFlight` callers, each timing its own calls; stops early after capSeconds. */
async function timed(name: string, count: number, inFlight: number, call: (i: number) => Promise<boolean>): Promise<Timing> {
  const latencies: number[] = [];
  let refused = 0;
  let i = 0;
  const deadline = performance.now() + capSeconds * 1000;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (i < count && performance.now() < deadline) {
        const at = performance.now();
        if (!(await call(i++))) refused++;
        latencies.push(performance.now() - at);
      }
    }),
  );
  const elapsed = (performance.now() - begin) / 1000;
  latencies.sort((x, y) => x - y);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { name, calls: latencies.length, refused, perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1]! };
}

/** Events of topic coupon.consumed and their delivery rows per subscriber, so far. */
async function consumedDeliveries(): Promise<{ events: number; bySubscriber: Map<string, number> }> {
  const events = await sql<{ n: string }>`SELECT count(*) AS n FROM outbox_events WHERE topic = 'coupon.consumed'`.execute(db);
  const rows = await sql<{ subscriber: string; n: string }>`
    SELECT d.subscriber, count(*) AS n FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id
    WHERE e.topic = 'coupon.consumed' GROUP BY d.subscriber
  `.execute(db);
  return { events: Number(events.rows[0]!.n), bySubscriber: new Map(rows.rows.map((r) => [r.subscriber, Number(r.n)])) };
}

/** Waits until no more coupon.consumed events appear (the batches of requests still in flight have committed). */
async function settled(): Promise<void> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const now = (await consumedDeliveries()).events;
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function countDecisions(): Promise<number> {
  return Number((await sql<{ n: string }>`SELECT count(*) AS n FROM risk_decisions`.execute(db)).rows[0]!.n);
}

/**
 * A blacklist CSV of `size` distinct entries: 30% devices, 20% IPv4 and 5% IPv6 addresses, 15% IPv4 networks (/20,
 * /24, /28, /32 in 10.0.0.0/8), 10% IPv6 networks (/48, /56, /64 in 2001:db8::/32), 20% phone blind indexes (one of
 * them `listedPhoneHash`). None of it covers the addresses, devices and phones the timed calls use.
 */
function blacklistCsv(size: number, listedPhoneHash: string): { csv: string; composition: string } {
  const counts = { DEVICE: Math.round(size * 0.3), IPv4: Math.round(size * 0.2), IPv6: Math.round(size * 0.05), 'CIDR v4': Math.round(size * 0.15), 'CIDR v6': Math.round(size * 0.1), PHONE_HASH: 0 };
  counts.PHONE_HASH = size - counts.DEVICE - counts.IPv4 - counts.IPv6 - counts['CIDR v4'] - counts['CIDR v6'];
  const dotted = (bits: number) => [24, 16, 8, 0].map((shift) => (bits >>> shift) & 255).join('.');
  const lines = ['kind,value,reason'];
  for (let i = 0; i < counts.DEVICE; i++) lines.push(`DEVICE,dev-black-${i},bench`);
  for (let i = 0; i < counts.IPv4; i++) lines.push(`IP,${dotted(((198 << 24) | (18 << 16)) + i)},bench`);
  for (let i = 0; i < counts.IPv6; i++) lines.push(`IP,2001:db8:ffff::${i.toString(16)},bench`);
  const v4Lengths = [20, 24, 28, 32];
  for (let i = 0; i < counts['CIDR v4']; i++) {
    const length = v4Lengths[i % 4]!;
    lines.push(`CIDR,${dotted((10 << 24) + Math.floor(i / 4) * 2 ** (32 - length))}/${length},bench`);
  }
  for (let i = 0; i < counts['CIDR v6']; i++) {
    const k = Math.floor(i / 3);
    lines.push(`CIDR,${[`2001:db8:${(k + 16).toString(16)}::/48`, `2001:db8:${(0x1000 + k).toString(16)}:ab00::/56`, `2001:db8:2:${k.toString(16)}::/64`][i % 3]},bench`);
  }
  lines.push(`PHONE_HASH,${listedPhoneHash},bench`);
  for (let i = 1; i < counts.PHONE_HASH; i++) lines.push(`PHONE_HASH,${randomBytes(32).toString('hex')},bench`);
  return { csv: lines.join('\n'), composition: Object.entries(counts).map(([k, n]) => `${n.toLocaleString('en')} ${k}`).join(', ') };
}

/** Deletes the keys under this run's prefix (windows, nonces, rate counters); returns how many. */
async function deleteKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let removed = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length > 0) removed += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}
