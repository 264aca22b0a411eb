// npm run bench:lottery — the lottery's figures for issue #6 (targets: each under 60 s on this 2-core machine).
//
// 1. Weekly draw time for BENCH_WEEKLY_SIZES entries (default 1,000,000 and 10,000,000), in-process on the pure
//    functions: build the entry set (3 chances per invoice, random 32-byte commitments), sort it, hash its leaves,
//    take the Merkle root, derive the seed and draw the winners (tiers 1 / 10 / 1,000); then what a verifier does
//    with the bundle's N leaf strings: parse them, check they are strictly ordered, recompute the leaf hashes and
//    root, the seed and the winners, and compare. Each size runs in its own child process started with
//    `--max-old-space-size=16384 --expose-gc` (10^7 entries need several GiB of heap), so its peak RSS is its own.
// 2. Instant draws per second over HTTP against a running `quanyi start --role api` on the local PostgreSQL and
//    Redis (DATABASE_URL / REDIS_URL), read against a bare Fastify /hello measured in the same run: 50 consumers,
//    each with one invoice holding 1,000 chances in one campaign, drawing from its 200,000-ticket pool. After the
//    run, the number of draws recorded must equal the pool's next position (nothing drawn twice, nothing lost).
//
// Prints figures; asserts nothing. BENCH_ONLY=weekly or BENCH_ONLY=instant runs one part.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { buildPlatform } from '../src/app/build-platform.js';
import { LeafHashTree, MerkleAccumulator, leafHash, rootOf } from '../src/modules/audit/domain/merkle.js';
import { identityOf } from '../src/modules/identity/index.js';
import type { CampaignInput } from '../src/modules/lottery/domain/campaign-rules.js';
import { compareWeeklyEntries, drawWeeklyWinners, parseWeeklyLeaf, weeklyLeafText, weeklySeed, type WeeklyEntry } from '../src/modules/lottery/domain/weekly-draw.js';
import { lotteryOf } from '../src/modules/lottery/index.js';
import { loadConfig } from '../src/platform/config/config.js';
import { businessDate } from '../src/platform/time/clock.js';
import { spawnTs, waitReady } from '../test/support/spawn.js';
import { measureCpu, processes } from './support/cpu.js';
import { benchEnvironment } from './support/env.js';
import { load, printTable, type LoadResult } from './support/load.js';

const only = process.env.BENCH_ONLY?.split(',');
/** Set by this script for the child process that runs one weekly size. */
const weeklyChildSize = process.env.BENCH_LOTTERY_WEEKLY_CHILD;

// ---------------------------------------------------------------------------------------------------------------
// Weekly draw
// ---------------------------------------------------------------------------------------------------------------

const TIERS = [
  { tier: 'FIRST', count: 1 },
  { tier: 'SECOND', count: 10 },
  { tier: 'THIRD', count: 1000 },
] as const;
const CHANCES_PER_INVOICE = 3;

interface WeeklyFigures {
  readonly size: number;
  /** Seconds per phase, in the order printed. */
  readonly phases: Record<string, number>;
  readonly drawSeconds: number;
  readonly verifySeconds: number;
  readonly peakRssMiB: number;
  readonly verified: boolean;
  readonly winners: number;
}

/** The rows of the weekly table: [key, label, counted in the draw total / verification total / neither]. */
const PHASES: readonly (readonly [string, string, 'draw' | 'verify' | 'aside'])[] = [
  ['build', 'build entries (N/3 invoices × 3 chances)', 'draw'],
  ['sort', 'sort (compareWeeklyEntries)', 'draw'],
  ['leaves', 'leaf hashes (leafHash of weeklyLeafText)', 'draw'],
  ['root', 'root (rootOf over the leaf-hash array)', 'draw'],
  ['select', 'seed + winners (weeklySeed, drawWeeklyWinners)', 'draw'],
  ['rootAccumulator', '  aside: root by MerkleAccumulator, same hashes', 'aside'],
  ['rootTree', '  aside: root by LeafHashTree (kept for proofs)', 'aside'],
  ['verifyParse', 'verify: parse N leaves + strict order', 'verify'],
  ['verifyRoot', 'verify: leaf hashes + streaming root', 'verify'],
  ['verifySelect', 'verify: seed + winners, compare', 'verify'],
];

async function weeklyPart(): Promise<void> {
  const sizes = (process.env.BENCH_WEEKLY_SIZES ?? '1000000,10000000').split(',').map(Number);
  const figures: WeeklyFigures[] = [];
  for (const size of sizes) {
    const child = spawnTs('bench/lottery.ts', [], { BENCH_LOTTERY_WEEKLY_CHILD: String(size) }, ['--max-old-space-size=16384', '--expose-gc']);
    const code = await child.exited;
    const line = child.stdout().trim().split('\n').pop() ?? '';
    if (code !== 0 || !line.startsWith('{')) {
      console.log(`weekly draw of ${size} entries failed (exit ${code}):\n${child.stderr()}`);
      continue;
    }
    figures.push(JSON.parse(line) as WeeklyFigures);
  }
  if (figures.length === 0) return;
  console.log(`weekly draw, in-process on the pure functions (one child process per size, --max-old-space-size=16384); ${os.cpus().length} cores`);
  const cell = (s: string) => s.padStart(18);
  console.log(['phase'.padEnd(50), ...figures.map((f) => cell(`N = ${f.size.toLocaleString('en-US')}`))].join(''));
  const seconds = (s: number | undefined) => cell(s === undefined ? '' : `${s.toFixed(2)} s`);
  for (const [key, label] of PHASES) console.log([label.padEnd(50), ...figures.map((f) => seconds(f.phases[key]))].join(''));
  console.log(['DRAW total (build … winners)'.padEnd(50), ...figures.map((f) => seconds(f.drawSeconds))].join(''));
  console.log(['VERIFY total (from the N leaf strings)'.padEnd(50), ...figures.map((f) => seconds(f.verifySeconds))].join(''));
  console.log(['peak RSS'.padEnd(50), ...figures.map((f) => cell(`${f.peakRssMiB} MiB`))].join(''));
  console.log(['winners drawn / verifier agrees'.padEnd(50), ...figures.map((f) => cell(`${f.winners} / ${f.verified ? 'yes' : 'NO'}`))].join(''));
  console.log('');
}

/** One weekly size, timed phase by phase (runs in the child). */
function weeklyDraw(size: number): WeeklyFigures {
  const phases: Record<string, number> = {};
  let peakRss = process.memoryUsage().rss;
  const timed = <T>(key: string, work: () => T): T => {
    const t0 = performance.now();
    const result = work();
    phases[key] = (performance.now() - t0) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return result;
  };
  const collect = () => (globalThis as { gc?: () => void }).gc?.();

  // ---- the draw ----
  let entries: WeeklyEntry[] | null = timed('build', () => {
    const invoices = Math.ceil(size / CHANCES_PER_INVOICE);
    const commitments = randomBytes(invoices * 32);
    const list = new Array<WeeklyEntry>(size);
    let i = 0;
    for (let k = 0; i < size; k++) {
      // Entries of one invoice share its commitment string, as a draw loaded from the database would.
      const invoiceCommit = commitments.toString('hex', k * 32, k * 32 + 32);
      for (let chance = 1; chance <= CHANCES_PER_INVOICE && i < size; chance++) list[i++] = { invoiceCommit, chance };
    }
    return list;
  });
  timed('sort', () => entries!.sort(compareWeeklyEntries));
  let hashes: Uint8Array[] | null = timed('leaves', () => {
    const list = new Array<Uint8Array>(size);
    for (let i = 0; i < size; i++) list[i] = leafHash(Buffer.from(weeklyLeafText(entries![i]!), 'utf8'));
    return list;
  });
  const root = timed('root', () => rootOf(hashes!));
  const beacon = { beaconId: 'bench-beacon', round: 1, randomness: randomBytes(32) };
  const winners = timed('select', () => drawWeeklyWinners(weeklySeed({ ...beacon, entriesRoot: root, entryCount: size, drawId: 'weekly-bench' }), entries!, TIERS));
  const drawSeconds = ['build', 'sort', 'leaves', 'root', 'select'].reduce((sum, key) => sum + phases[key]!, 0);

  // ---- asides, outside the total: the other two ways to the same root ----
  const rootByAccumulator = timed('rootAccumulator', () => {
    const accumulator = new MerkleAccumulator();
    for (const hash of hashes!) accumulator.append(hash);
    return accumulator.root();
  });
  const rootByTree = timed('rootTree', () => {
    const tree = new LeafHashTree();
    for (const hash of hashes!) tree.append(hash);
    return tree.root();
  });
  const rootsAgree = Buffer.from(root).equals(rootByAccumulator) && Buffer.from(root).equals(rootByTree);

  // ---- the bundle's content, then nothing else of the draw is kept ----
  let leaves: string[] | null = entries.map(weeklyLeafText);
  entries = null;
  hashes = null;
  collect();

  // ---- the verifier, from the leaf strings, the logged root and size, the beacon and the logged winners ----
  const parsed = timed('verifyParse', () => {
    const list = new Array<WeeklyEntry>(size);
    for (let i = 0; i < size; i++) {
      const entry = parseWeeklyLeaf(leaves![i]!);
      if (i > 0 && compareWeeklyEntries(list[i - 1]!, entry) >= 0) throw new Error(`leaf ${i} is out of order or repeated`);
      list[i] = entry;
    }
    return list;
  });
  const recomputedRoot = timed('verifyRoot', () => {
    // A verifier needs only the root: the O(log n) accumulator, no array of N hashes.
    const accumulator = new MerkleAccumulator();
    for (let i = 0; i < size; i++) accumulator.append(leafHash(Buffer.from(leaves![i]!, 'utf8')));
    return accumulator.root();
  });
  leaves = null;
  const recomputedWinners = timed('verifySelect', () =>
    drawWeeklyWinners(weeklySeed({ ...beacon, entriesRoot: recomputedRoot, entryCount: parsed.length, drawId: 'weekly-bench' }), parsed, TIERS),
  );
  const verifySeconds = ['verifyParse', 'verifyRoot', 'verifySelect'].reduce((sum, key) => sum + phases[key]!, 0);
  const verified = rootsAgree && Buffer.from(recomputedRoot).equals(root) && JSON.stringify(recomputedWinners) === JSON.stringify(winners);

  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  return { size, phases, drawSeconds, verifySeconds, peakRssMiB: Math.round(peakRss / 2 ** 20), verified, winners: winners.length };
}

// ---------------------------------------------------------------------------------------------------------------
// Instant draws over HTTP
// ---------------------------------------------------------------------------------------------------------------

async function instantPart(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
  const consumerCount = Number(process.env.BENCH_CONSUMERS ?? 50);
  const env = benchEnvironment();

  // ---- fixtures, written through the services on the same database the server will use ----
  const built = await buildPlatform(loadConfig({ ...env, NODE_ENV: 'development' }), { ...env, NODE_ENV: 'development' });
  const { platform } = built;
  const { db } = platform.database;
  const identity = identityOf(platform);
  const lottery = lotteryOf(platform);
  const now = Date.now();
  const input: CampaignInput = {
    name: '压测有奖发票',
    starts_at: new Date(now - 60_000).toISOString(),
    ends_at: new Date(now + 86_400_000).toISOString(),
    chances: { mode: 'PER_AMOUNT_STEP', step: '1.00', max_per_invoice: 1000 },
    instant: { tickets: 200_000, prizes: [{ name: '一等奖', kind: 'CASH', amount: '8.80', count: 2000 }] },
  };
  const campaign = await db.transaction().execute((trx) => lottery.service.createCampaign(trx, input, null));
  const campaignId = String(campaign.campaign_id);
  const holders: { token: string; invoiceId: string }[] = [];
  const today = businessDate(new Date());
  for (let i = 0; i < consumerCount; i++) {
    const userId = await identity.service.ensureUser(db, `1360000${String(i).padStart(4, '0')}`);
    const invoiceId = platform.ids.next();
    await db.transaction().execute((trx) =>
      lottery.service.grantChances(trx, { invoice_id: invoiceId, user_id: userId, kind: 'DIGITAL', invoice_number: `2632000000000${String(i).padStart(7, '0')}`, issue_date: today, total_amount: '1000.00' }, new Date()),
    );
    const { access_token } = await db.transaction().execute((trx) => identity.service.sessions.open(trx, userId));
    holders.push({ token: access_token, invoiceId });
  }
  const granted = await db.selectFrom('lottery_chances').select((eb) => [eb.fn.countAll<string>().as('invoices'), eb.fn.sum<string>('granted').as('chances')]).where('campaign_id', '=', campaignId).executeTakeFirstOrThrow();
  if (Number(granted.invoices) !== consumerCount || Number(granted.chances) !== consumerCount * 1000) {
    throw new Error(`fixtures: ${granted.invoices} invoices with ${granted.chances} chances, expected ${consumerCount} × 1000`);
  }
  await built.close();

  // ---- the servers ----
  const bare = spawnTs('bench/support/bare-hello.ts', [], { PORT: '0' });
  const api = spawnTs('src/cli.ts', ['start', '--role', 'api'], { ...env, PORT: '0', HOST: '127.0.0.1' });
  try {
    const [bareUrl, apiUrl] = await Promise.all([bare.url, api.url]);
    await waitReady(apiUrl);
    console.log(
      `instant draws over HTTP: PostgreSQL ${env.DATABASE_URL.replace(/\/\/[^@]*@/, '//')} + Redis; ${connections} connections × ${seconds} s; ` +
        `${consumerCount} consumers × 1,000 chances, pool of 200,000 tickets; ${os.cpus().length} cores`,
    );
    const options = { connections, durationSeconds: seconds };
    const baseline = await load('bare fastify GET /hello', { ...options, url: `${bareUrl}/hello` });
    const watched = { server: processes.pid(api.child.pid), postgres: processes.named('postgres'), redis: processes.named('redis-server'), loadgen: processes.self };
    // Consumers in turn, as bench:coupons does: with as many consumers as connections, each request in flight is
    // (almost always) a different consumer's, so what contends is the campaign's pool row, as in production.
    let n = 0;
    const draws = await measureCpu(watched, () =>
      load('POST /api/v1/lottery/instant-draw', {
        ...options,
        url: apiUrl,
        setupRequest: (req) => {
          const holder = holders[n++ % holders.length]!;
          return {
            ...req,
            method: 'POST',
            path: '/api/v1/lottery/instant-draw',
            body: JSON.stringify({ invoice_id: holder.invoiceId, campaign_id: campaignId }),
            headers: { 'content-type': 'application/json', authorization: `Bearer ${holder.token}` },
          };
        },
      }),
    );
    const rows: LoadResult[] = [baseline, { ...draws.result, cpu: draws.cpu }];
    printTable(rows, baseline);
  } finally {
    for (const p of [bare, api]) p.child.kill('SIGTERM');
    await Promise.all([bare.exited, api.exited]);
    // With the server stopped, one snapshot: every position the pool handed out has exactly one recorded draw.
    const admin = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 }) }) });
    const schema = sql.id(env.DATABASE_SCHEMA);
    const check = await sql<{ next_position: number; draws: string; positions: string; used: string; prizes: string }>`
      SELECT c.next_position,
             (SELECT count(*) FROM ${schema}.lottery_instant_draws d WHERE d.campaign_id = c.campaign_id) AS draws,
             (SELECT count(DISTINCT position) FROM ${schema}.lottery_instant_draws d WHERE d.campaign_id = c.campaign_id) AS positions,
             (SELECT coalesce(sum(used), 0) FROM ${schema}.lottery_chances h WHERE h.campaign_id = c.campaign_id) AS used,
             (SELECT count(*) FROM ${schema}.lottery_prizes p WHERE p.campaign_id = c.campaign_id) AS prizes
      FROM ${schema}.lottery_campaigns c
    `.execute(admin);
    for (const row of check.rows) {
      const consistent = Number(row.draws) === row.next_position && Number(row.positions) === row.next_position && Number(row.used) === row.next_position;
      console.log(
        `instant pool: next_position ${row.next_position}, draws recorded ${row.draws} (distinct positions ${row.positions}), chances used ${row.used}, prizes ${row.prizes} ` +
          `(oversold or lost: ${consistent ? 'no' : 'YES'})`,
      );
    }
    await sql`DROP SCHEMA ${schema} CASCADE`.execute(admin);
    await admin.destroy();
  }
}

// Last, so that every constant above is initialised when the parts run.
if (weeklyChildSize) {
  process.stdout.write(`${JSON.stringify(weeklyDraw(Number(weeklyChildSize)))}\n`);
} else {
  const started = Date.now();
  if (!only || only.includes('weekly')) await weeklyPart();
  if (!only || only.includes('instant')) await instantPart();
  console.log(`bench:lottery ran ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
