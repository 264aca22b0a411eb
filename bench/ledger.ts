// npm run bench:ledger — ledger write throughput on the local PostgreSQL, in a fresh schema (dropped at the end).
//
// 1. Distinct accounts, one transfer per transaction: C clients, each transfer moves money between two accounts
//    no other transfer touches (payable:merchant:<2i> → payable:merchant:<2i+1>; these may go negative).
// 2. The same, group-committed: the transfers go through a GroupCommit (maxBatch 500) whose batch is ONE
//    `ledger.write(trx, allSpecs)`.
// 3. Hot account, one transfer per transaction: every transfer credits revenue:platform from its own
//    payable:merchant:<i>, so every transaction updates (and holds the lock on) the same row until it commits.
// 4. The same, group-committed.
// 5. Redemption splits through the production path: settlementOf(platform).splits.record for distinct redemption
//    ids of one merchant with a channel (1 posted transfer + 3 pending legs each; amounts 1–99,999 fen, so a few
//    tiny ones have fewer legs), template '1' (unknown: platform funding). Then the trial balance over every account.
//
// Every scenario is a closed loop of BENCH_CONCURRENCY clients (default 50), each waiting for its transfer before
// sending the next, and stops after BENCH_TRANSFERS transfers (default 20,000; scenario 5: BENCH_REDEMPTIONS,
// default 5,000) or BENCH_SECONDS (default 30), whichever comes first. The accounts of scenarios 1–4 are opened
// before the clock starts (their first lookup by the Ledger is still timed). The platform's pool has
// DATABASE_POOL_SIZE connections (default 8). BENCH_ONLY=2,4 runs only the scenarios listed. Prints figures;
// asserts nothing.
//
// Hot rows and dead versions: thousands of one-row transactions on revenue:platform (scenario 3) leave dead
// versions of that row. Once its page is full, every later lookup of it — the UPDATE and each ledger_entries
// foreign-key check, 50 per batch of 50 — walks them (0.05 ms → 1.5 ms per lookup), which made scenario 4 run 5×
// slower after scenario 3 than alone. ledger_accounts is therefore created with fillfactor 50 (migration 0023):
// updates stay on the row's page (HOT) and no index entry points at a dead version. The bench measures that, as
// production runs it; BENCH_VACUUM=1 vacuums ledger_accounts before each scenario (untimed) for comparison. The
// "first → last quarter" column shows a scenario slowing as it runs. Only ledger_accounts is ever vacuumed: a
// VACUUM of the still-empty ledger_transfers / ledger_entries records them as empty, and the plans the pooled
// sessions then cache (triggers, foreign-key checks) are sequential scans that get slower as the tables grow.
import { randomInt, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { buildPlatform } from '../src/app/build-platform.js';
import { merchantsOf } from '../src/modules/merchants/index.js';
import { accountDefinition, merchantPayable, PLATFORM_REVENUE } from '../src/modules/settlement/domain/accounts.js';
import { move, type TransferSpec } from '../src/modules/settlement/domain/transfers.js';
import { settlementOf } from '../src/modules/settlement/index.js';
import { loadConfig } from '../src/platform/config/config.js';
import { GroupCommit, type Outcome } from '../src/platform/db/group-commit.js';
import { measureCpu, processes, type CpuShare } from './support/cpu.js';
import { positiveSetting as positive } from './support/env.js';

const concurrency = positive('BENCH_CONCURRENCY', 50, 1000);
const transfers = positive('BENCH_TRANSFERS', 20_000, 1_000_000);
const redemptions = positive('BENCH_REDEMPTIONS', 5_000, 1_000_000);
const capSeconds = positive('BENCH_SECONDS', 30, 600);
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map(Number)) : undefined;
const wanted = (scenario: number) => !only || only.has(scenario);
const vacuum = process.env.BENCH_VACUUM === '1';
const MAX_BATCH = 500;

const env = {
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  DATABASE_SCHEMA: `bench_${randomUUID().slice(0, 8)}`,
  DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '8',
  DATA_DIR: path.join(os.tmpdir(), `quanyi-bench-${randomUUID()}`),
  LOG_LEVEL: 'warn',
};
const host = new URL(env.DATABASE_URL).hostname;
if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`bench:ledger runs against the local PostgreSQL only, not ${host}`);

interface Run {
  readonly done: number;
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly seconds: number;
  readonly capped: boolean;
  readonly latenciesMs: number[];
  /** Operations per second over the first and the last quarter of the run. */
  readonly firstQuarter: number;
  readonly lastQuarter: number;
}

interface Row {
  readonly name: string;
  readonly run: Run;
  /** Ledger transfers written per operation (4 for a redemption split with a channel). */
  readonly transfersPerOp: number;
  readonly unit: 'transfer' | 'redemption';
  readonly meanBatch?: number;
  readonly cpu: CpuShare;
}

/**
 * CPU seconds of every postgres process now, by pid. Summed per pid and not per group (as measureCpu does), so a
 * backend that exits during a scenario (the pool closes idle connections) does not take its past CPU time with
 * it: the share is that of the processes alive at the end (a backend that exited mid-scenario is missed).
 */
function postgresCpuSeconds(): Map<number, number> {
  const seconds = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return seconds;
  }
  for (const entry of entries) {
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      seconds.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime, USER_HZ = 100
    } catch {
      // the process ended between listing and reading
    }
  }
  return seconds;
}

/** measureCpu for the machine and this process, plus the postgres processes sampled per pid. */
async function cpuOf<T>(work: () => Promise<T>): Promise<{ result: T; cpu: CpuShare }> {
  const before = postgresCpuSeconds();
  const started = process.hrtime.bigint();
  const { result, cpu } = await measureCpu({ node: processes.self }, work);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let used = 0;
  for (const [pid, after] of postgresCpuSeconds()) used += after - (before.get(pid) ?? 0);
  return { result, cpu: { ...cpu, postgres: Math.round((used / seconds) * 100) } };
}

/** `count` operations by `clients` closed-loop clients, stopped early at the time cap. */
async function closedLoop(count: number, clients: number, op: (i: number) => Promise<unknown>): Promise<Run> {
  const latenciesMs: number[] = [];
  const finishedS: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  let capped = false;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + capSeconds * 1000;
  const client = async () => {
    while (next < count) {
      if (Date.now() >= deadline) {
        capped = true;
        return;
      }
      const i = next++;
      const t0 = process.hrtime.bigint();
      try {
        await op(i);
        const now = process.hrtime.bigint();
        latenciesMs.push(Number(now - t0) / 1e6);
        finishedS.push(Number(now - started) / 1e9);
      } catch (error) {
        errors++;
        firstError ??= describe(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, count) }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const quarter = seconds / 4;
  const firstQuarter = finishedS.filter((t) => t < quarter).length / quarter;
  const lastQuarter = finishedS.filter((t) => t >= seconds - quarter).length / quarter;
  return { done: latenciesMs.length, errors, firstError, seconds, capped, latenciesMs, firstQuarter, lastQuarter };
}

function describe(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; details?: unknown };
  return [e.code, e.message, e.details === undefined ? undefined : JSON.stringify(e.details)].filter((x) => x !== undefined && x !== '').join(' ');
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Scenario k's i-th account: its own range of merchant ids, so no account is shared between scenarios. */
const account = (scenario: number, i: number) => merchantPayable(String(scenario * 10_000_000 + i));

const built = await buildPlatform(loadConfig(env), env);
const rows: Row[] = [];
try {
  const { platform } = built;
  const { db } = platform.database;
  const settlement = settlementOf(platform);
  const { ledger } = settlement;
  const server = await sql<{ version: string; sync: string }>`SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS sync`.execute(db);

  console.log('bench:ledger settings');
  console.log(`  PostgreSQL ${server.rows[0]!.version} at ${host}, schema ${env.DATABASE_SCHEMA}, synchronous_commit=${server.rows[0]!.sync}`);
  console.log(`  pool size ${platform.config.databasePoolSize} (DATABASE_POOL_SIZE), concurrency ${concurrency} closed-loop clients (BENCH_CONCURRENCY)`);
  console.log(`  transfers per scenario 1–4: ${transfers} (BENCH_TRANSFERS); redemptions in scenario 5: ${redemptions} (BENCH_REDEMPTIONS)`);
  console.log(`  time cap ${capSeconds} s per scenario (BENCH_SECONDS); GroupCommit maxBatch ${MAX_BATCH}; ${os.cpus().length} CPUs`);
  console.log(`  ledger_accounts vacuumed before each scenario (untimed): ${vacuum ? 'yes (BENCH_VACUUM=1)' : 'no'}`);

  // Open scenarios 1–4's accounts before any clock starts, as the ledger would (definitions from the codes).
  const codes = [PLATFORM_REVENUE];
  for (const scenario of [1, 2]) for (let i = 0; i < 2 * transfers; i++) codes.push(account(scenario, i));
  for (const scenario of [3, 4]) for (let i = 0; i < transfers; i++) codes.push(account(scenario, i));
  for (let start = 0; start < codes.length; start += 10_000) {
    const definitions = codes.slice(start, start + 10_000).map((code) => accountDefinition(code)!);
    await sql`
      INSERT INTO ledger_accounts (account_id, code, kind, owner_kind, owner_id, normal_side, may_go_negative)
      SELECT * FROM unnest(${definitions.map(() => platform.ids.next())}::bigint[], ${definitions.map((d) => d.code)}::text[], ${definitions.map((d) => d.kind)}::text[],
                           ${definitions.map((d) => d.ownerKind)}::text[], ${definitions.map((d) => d.ownerId)}::text[], ${definitions.map((d) => d.normalSide)}::text[],
                           ${definitions.map((d) => d.mayGoNegative)}::boolean[])
    `.execute(db);
  }
  console.log(`  ${codes.length} accounts opened before timing`);

  const amount = () => BigInt(randomInt(1, 100_000));
  const batched = (name: string) =>
    new GroupCommit<TransferSpec, boolean>(db, {
      name,
      maxBatch: MAX_BATCH,
      run: async (trx, specs): Promise<Outcome<boolean>[]> => {
        const written = await ledger.write(trx, specs);
        return specs.map((s) => ({ ok: true as const, value: written.created.has(s.id) }));
      },
    });
  const meanBatchOf = (queue: GroupCommit<TransferSpec, boolean>) => {
    const { batches, commands } = queue.stats();
    return batches === 0 ? 0 : commands / batches;
  };
  const scenario = async (index: number, name: string, unit: Row['unit'], transfersPerOp: number, count: number, op: (i: number) => Promise<unknown>, meanBatch?: () => number | Promise<number>) => {
    if (!wanted(index)) return undefined;
    if (vacuum) await sql`VACUUM (ANALYZE) ledger_accounts`.execute(db);
    process.stdout.write(`  running: ${name} …`);
    const { result: run, cpu } = await cpuOf(() => closedLoop(count, concurrency, op));
    const row: Row = { name, run, transfersPerOp, unit, cpu, ...(meanBatch ? { meanBatch: await meanBatch() } : {}) };
    rows.push(row);
    process.stdout.write(` ${run.done} in ${run.seconds.toFixed(1)} s${run.errors > 0 ? `, ${run.errors} errors (first: ${run.firstError})` : ''}\n`);
    return row;
  };

  // 1 and 2: distinct accounts.
  await scenario(1, '1 distinct accounts, 1 per txn', 'transfer', 1, transfers, (i) =>
    db.transaction().execute((trx) => ledger.write(trx, [move(`bench:1:${i}`, 'BENCH', account(1, 2 * i), account(1, 2 * i + 1), amount())])),
  );
  const distinct = batched('bench.distinct');
  await scenario(2, '2 distinct accounts, group commit', 'transfer', 1, transfers, (i) => distinct.submit(move(`bench:2:${i}`, 'BENCH', account(2, 2 * i), account(2, 2 * i + 1), amount())), () => meanBatchOf(distinct));

  // 3 and 4: every transfer credits the one hot account.
  await scenario(3, '3 hot account, 1 per txn', 'transfer', 1, transfers, (i) =>
    db.transaction().execute((trx) => ledger.write(trx, [move(`bench:3:${i}`, 'BENCH', account(3, i), PLATFORM_REVENUE, amount())])),
  );
  const hot = batched('bench.hot');
  await scenario(4, '4 hot account, group commit', 'transfer', 1, transfers, (i) => hot.submit(move(`bench:4:${i}`, 'BENCH', account(4, i), PLATFORM_REVENUE, amount())), () => meanBatchOf(hot));

  // 5: redemption splits, the production path (one merchant with a channel, so three legs per split).
  const merchants = merchantsOf(platform);
  const merchant = await db.transaction().execute(async (trx) => {
    const channel = await merchants.createChannel(trx, `bench channel ${randomUUID().slice(0, 8)}`, 'bench');
    return merchants.create(trx, 'bench merchant', 'bench', channel.channel_id);
  });
  const splitBatches = async () => {
    const metric = await platform.metrics.groupCommit.batchSize.get();
    const of = (suffix: string) => metric.values.find((v) => v.metricName === `group_commit_batch_size_${suffix}` && v.labels.name === 'settlement.splits')?.value ?? 0;
    return of('count') === 0 ? 0 : of('sum') / of('count');
  };
  const splitIds = Array.from({ length: redemptions }, () => platform.ids.next());
  const splitRow = await scenario(5, '5 redemption splits (Splits.record)', 'redemption', 0, redemptions, (i) =>
    settlement.splits.record({
      redemptionId: splitIds[i]!,
      transactionId: `bench-tx-${i}`,
      merchantId: merchant.merchant_id,
      templateId: '1',
      amountFen: amount(),
      redeemedAt: new Date(),
    }),
    splitBatches,
  );
  const written = await sql<{ transfers: string; splits: string; legs: string }>`
    SELECT (SELECT count(*) FROM ledger_transfers WHERE transfer_id LIKE 'split:%' OR transfer_id LIKE 'leg:%') AS transfers,
           (SELECT count(*) FROM settlement_splits) AS splits,
           (SELECT count(*) FROM settlement_legs) AS legs
  `.execute(db);
  const w = written.rows[0]!;
  if (splitRow) rows[rows.indexOf(splitRow)] = { ...splitRow, transfersPerOp: Number(w.splits) === 0 ? 0 : Number(w.transfers) / Number(w.splits) };

  printRows(rows);
  if (splitRow) console.log(`  scenario 5 wrote ${w.splits} splits, ${w.legs} settlement legs, ${w.transfers} ledger transfers (merchant ${merchant.merchant_id}, channel ${merchant.channel_id})`);

  const balance = await sql<{ accounts: string; debits: string; credits: string; dp: string; cp: string }>`
    SELECT count(*) AS accounts, coalesce(sum(debits_posted), 0) AS debits, coalesce(sum(credits_posted), 0) AS credits,
           coalesce(sum(debits_pending), 0) AS dp, coalesce(sum(credits_pending), 0) AS cp
    FROM ledger_accounts
  `.execute(db);
  const b = balance.rows[0]!;
  console.log('trial balance over ledger_accounts');
  console.log(`  ${b.accounts} accounts: debits_posted ${b.debits}, credits_posted ${b.credits}, difference ${BigInt(b.debits) - BigInt(b.credits)}`);
  console.log(`  debits_pending ${b.dp}, credits_pending ${b.cp}, difference ${BigInt(b.dp) - BigInt(b.cp)}`);
  const mismatches = await ledger.totalsMismatches(db);
  console.log(`  accounts whose stored totals differ from their entries: ${mismatches.length}${mismatches.length > 0 ? ` (first: ${JSON.stringify(mismatches[0])})` : ''}`);
} finally {
  await built.close();
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 }) }) });
  await sql`DROP SCHEMA IF EXISTS ${sql.id(env.DATABASE_SCHEMA)} CASCADE`.execute(admin);
  await admin.destroy();
  rmSync(env.DATA_DIR, { recursive: true, force: true });
}

function printRows(all: readonly Row[]): void {
  const header = ['scenario', 'done', 'errors', 'seconds', 'redemptions/s', 'transfers/s', 'first → last quarter', 'p50 ms', 'p99 ms', 'mean batch', 'machine CPU%', 'node CPU%', 'postgres CPU%'];
  const table = all.map((r) => {
    const perSecond = r.run.done / r.run.seconds;
    const perOp = r.unit === 'redemption' ? r.transfersPerOp : 1;
    return [
      r.name,
      `${r.run.done}${r.run.capped ? ' (cap)' : ''}`,
      String(r.run.errors),
      r.run.seconds.toFixed(1),
      r.unit === 'redemption' ? Math.round(perSecond).toString() : '',
      Math.round(perSecond * perOp).toString(),
      `${Math.round(r.run.firstQuarter * perOp)} → ${Math.round(r.run.lastQuarter * perOp)}`,
      percentile(r.run.latenciesMs, 50).toFixed(1),
      percentile(r.run.latenciesMs, 99).toFixed(1),
      r.meanBatch === undefined ? '' : r.meanBatch.toFixed(1),
      String(r.cpu.machine ?? ''),
      String(r.cpu.node ?? ''),
      String(r.cpu.postgres ?? ''),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log('');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table) console.log(line(row));
  console.log(`(CPU% is percent of one core: ${os.cpus().length * 100}% = every core of this machine busy. Transfers/s of scenario 5 counts the ledger transfers it wrote;`);
  console.log(' "first → last quarter" is transfers/s over the first and the last quarter of the scenario\'s time.)');
}
