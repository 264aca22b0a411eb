// npm run bench:uploads — does a hostile upload still hold the API's event loop? A running `quanyi start --role api`
// on the local PostgreSQL and Redis; one verified consumer keeps BENCH_UPLOADS (4) of issue #16's files in flight
// (a 9.6 MB XML of 1.2 million elements, a blank 6000×6600 PNG), while /healthz is probed back to back. The header
// checks are raised so the files reach the parsers and decoders in the worker pool (the worst case; with the
// default limits they are refused from their headers in milliseconds). Prints /healthz p50/p99 idle and under
// that load, and their ratio.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { idNumberCheckChar } from '../src/modules/identity/domain/id-number.js';
import { identityOf } from '../src/modules/identity/index.js';
import { buildPlatform } from '../src/app/build-platform.js';
import { loadConfig } from '../src/platform/config/config.js';
import { blankHugePng, hostileXml } from '../test/support/hostile-files.js';
import { spawnTs, waitReady } from '../test/support/spawn.js';
import { benchEnvironment, positiveSetting } from './support/env.js';

const seconds = positiveSetting('BENCH_SECONDS', 20, 600);
const inFlight = positiveSetting('BENCH_UPLOADS', 4, 64);
const env = {
  ...benchEnvironment(),
  // The files reach the parsers: pixels and elements below these pass the header checks.
  INVOICE_FILE_MAX_PIXELS: '40000000',
  INVOICE_XML_MAX_ELEMENTS: '10000000',
  // One consumer posting for the whole run: the quota would otherwise end the load after 20 files.
  INVOICE_UPLOADS_PER_HOUR: '0',
  INVOICE_UPLOADS_PER_DAY: '0',
  INVOICE_UPLOAD_BYTES_PER_HOUR: '0',
  INVOICE_UPLOAD_BYTES_PER_DAY: '0',
};

const built = await buildPlatform(loadConfig({ ...env, NODE_ENV: 'development' }), { ...env, NODE_ENV: 'development' });
const identity = identityOf(built.platform);
const userId = await identity.service.ensureUser(built.platform.database.db, '13700009999');
await identity.privacy.grantConsent(userId, 'real_name_verification', 'v1', 'bench');
const first17 = '11010519800101999';
await identity.privacy.verifyRealName(userId, { name: '张三', id_number: `${first17}${idNumberCheckChar(first17)}`, bank_card: '6222600260001072444', bank_phone: '13800001234' });
const token = (await built.platform.database.db.transaction().execute((trx) => identity.service.sessions.open(trx, userId))).access_token;
await built.close();

const files = [
  { bytes: hostileXml(), type: 'application/xml' },
  { bytes: blankHugePng(), type: 'image/png' },
];

/** /healthz answered back to back (10 ms apart) for `ms`; the latencies in ms. */
async function probe(url: string, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const started = performance.now();
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return latencies;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const api = spawnTs('src/cli.ts', ['start', '--role', 'api'], { ...env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development', DEMO_DATA: 'off' });
try {
  const url = await api.url;
  await waitReady(url);
  const idle = await probe(url, Math.min(seconds, 10) * 1000);

  const answers = new Map<string, number>();
  let stop = false;
  let sent = 0;
  const uploader = async () => {
    while (!stop) {
      const file = files[sent++ % files.length]!;
      const res = await fetch(`${url}/api/v1/invoices`, { method: 'POST', body: file.bytes, headers: { authorization: `Bearer ${token}`, 'content-type': file.type } });
      const body = (await res.json()) as { error?: string };
      const key = `${res.status} ${body.error ?? 'OK'}`;
      answers.set(key, (answers.get(key) ?? 0) + 1);
    }
  };
  const uploaders = Array.from({ length: inFlight }, uploader);
  const loaded = await probe(url, seconds * 1000);
  stop = true;
  await Promise.all(uploaders);

  const row = (name: string, latencies: number[]) =>
    `${name.padEnd(40)} ${String(latencies.length).padStart(7)} ${percentile(latencies, 50).toFixed(1).padStart(9)} ${percentile(latencies, 99).toFixed(1).padStart(9)} ${Math.max(...latencies).toFixed(1).padStart(9)}`;
  console.log(`${'/healthz'.padEnd(40)} ${'probes'.padStart(7)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'max ms'.padStart(9)}`);
  console.log(row('idle', idle));
  console.log(row(`${inFlight} hostile uploads in flight, ${seconds} s`, loaded));
  console.log(`ratio under load / idle: p50 ${(percentile(loaded, 50) / percentile(idle, 50)).toFixed(1)}×, p99 ${(percentile(loaded, 99) / percentile(idle, 99)).toFixed(1)}×`);
  console.log(`uploads answered: ${[...answers].map(([key, n]) => `${key} ×${n}`).join(', ')}`);
} finally {
  api.child.kill('SIGTERM');
  await api.exited;
  const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 }) }) });
  await sql`DROP SCHEMA ${sql.id(env.DATABASE_SCHEMA)} CASCADE`.execute(admin);
  await admin.destroy();
}
