// npm run bench:invoices — typed-entry validations per second, end to end: a running `quanyi start --role api` on
// the local PostgreSQL and Redis, asking the tax-authority sandbox it mounts over HTTP. Two passes over the same
// invoices: status cache cold (every submission is a new invoice: one status check each), then warm (the same
// invoices again within the cache's 60 s: no status check, and each is refused as a duplicate). Prints figures.
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { buildPlatform } from '../src/app/build-platform.js';
import { idNumberCheckChar } from '../src/modules/identity/domain/id-number.js';
import { identityOf } from '../src/modules/identity/index.js';
import { invoicesOf } from '../src/modules/invoices/index.js';
import { loadConfig } from '../src/platform/config/config.js';
import { parseMoney } from '../src/platform/money/money.js';
import { spawnTs, waitReady } from '../test/support/spawn.js';
import { measureCpu, processes } from './support/cpu.js';
import { benchEnvironment } from './support/env.js';
import { load, printTable, type LoadResult } from './support/load.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const invoiceCount = Number(process.env.BENCH_INVOICES ?? 4_000);
const env = benchEnvironment();

// ---- fixtures: verified consumers (through the identity services) and invoices issued by the sandbox ----
const built = await buildPlatform(loadConfig({ ...env, NODE_ENV: 'development' }), { ...env, NODE_ENV: 'development' });
const { platform } = built;
const identity = identityOf(platform);
const tokens: string[] = [];
for (let i = 0; i < 50; i++) {
  const userId = await identity.service.ensureUser(platform.database.db, `1370000${String(i).padStart(4, '0')}`);
  await identity.privacy.grantConsent(userId, 'real_name_verification', 'v1', 'bench');
  const first17 = `11010519800101${String(i).padStart(3, '0')}`;
  await identity.privacy.verifyRealName(userId, { name: '张三', id_number: `${first17}${idNumberCheckChar(first17)}`, bank_card: '6222600260001072444', bank_phone: '13800001234' });
  tokens.push((await platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId))).access_token);
}
const sandbox = invoicesOf(platform).sandbox;
const started = Date.now();
const invoices: { invoice_number: string; issue_date: string; total_amount: string }[] = [];
for (let i = 0; i < invoiceCount; i++) {
  const issued = await sandbox.issue({ totalAmountFen: parseMoney(`${20 + (i % 500)}.00`) });
  invoices.push({ invoice_number: issued.invoice_number, issue_date: issued.issue_date, total_amount: issued.total_amount });
}
console.log(`issued ${invoiceCount} signed sandbox invoices in ${((Date.now() - started) / 1000).toFixed(1)} s`);
await built.close();

/** BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the API server there. */
const cpuProfileDir = process.env.BENCH_CPU_PROF;
const api = spawnTs(
  'src/cli.ts',
  ['start', '--role', 'api'],
  { ...env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development', DEMO_DATA: 'off' },
  cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProfileDir)}`] : [],
);
try {
  const apiUrl = await api.url;
  await waitReady(apiUrl);
  console.log(`PostgreSQL + Redis; ${connections} connections × ${seconds} s per pass; ${os.cpus().length} cores`);
  let submitted = 0;
  const pass = (name: string, pick: (i: number) => number) => {
    let i = 0;
    return load(name, {
      url: apiUrl,
      connections,
      durationSeconds: seconds,
      setupRequest: (req) => {
        const n = i++;
        const invoice = invoices[pick(n)]!;
        return { ...req, method: 'POST', path: '/api/v1/invoices', body: JSON.stringify(invoice), headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[n % tokens.length]}` } };
      },
    });
  };
  const watched = { server: processes.pid(api.child.pid), postgres: processes.named('postgres'), redis: processes.named('redis-server'), loadgen: processes.self };
  const rows: LoadResult[] = [];
  const cold = await measureCpu(watched, () =>
    pass('typed entry, status cache cold (new invoices: accepted)', (n) => {
      submitted = Math.max(submitted, n + 1);
      return n % invoices.length;
    }),
  );
  rows.push({ ...cold.result, cpu: cold.cpu });
  const seen = Math.min(submitted, invoices.length);
  const warm = await measureCpu(watched, () => pass('typed entry, status cache warm (same invoices: duplicates)', (n) => n % seen));
  rows.push({ ...warm.result, cpu: warm.cpu });
  printTable(rows);
  if (submitted > invoices.length) console.log(`note: the cold pass ran out of fresh invoices after ${invoices.length}; raise BENCH_INVOICES`);
} finally {
  api.child.kill('SIGTERM');
  await api.exited;
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 }) }) });
  const outcome = await sql<{ status: string; n: string }>`SELECT status, count(*) AS n FROM ${sql.id(env.DATABASE_SCHEMA)}.invoices GROUP BY status ORDER BY status`.execute(admin);
  console.log(`invoices recorded: ${outcome.rows.map((r) => `${r.status} ${r.n}`).join(', ')}`);
  await sql`DROP SCHEMA ${sql.id(env.DATABASE_SCHEMA)} CASCADE`.execute(admin);
  await admin.destroy();
}
