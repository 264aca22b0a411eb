/**
 * Fault drill (issue #17): the roles on PostgreSQL 15 and Redis 7 of the drill's own, tills at a steady rate, one
 * fault mid-load, then every invariant checked from the database. Run with `npm run drill:faults`; see
 * docs/runbook.md "Fault drill" for what each fault does, what is checked and the figures measured.
 *
 * Per fault, from nothing: an own PostgreSQL cluster (test/support/own-postgres.ts) with a LossyProxy in front of
 * it for the processes, an own redis-server, two `--role api` processes, a worker and a scheduler (each with a
 * fresh DATA_DIR), fixtures made through the modules' services (a merchant with its cashier credential, gift cards,
 * single-use coupons), tills sending signed consumes and refunds with an Idempotency-Key each, retried with the
 * same key on network errors, 5xx, 429 and 409 IDEMPOTENCY_KEY_IN_FLIGHT (honouring Retry-After; bounded).
 *
 * Environment (all optional):
 *   DRILL_FAULTS       comma-separated subset of pg-restart,pg-stop,lost-reply,redis-restart,worker-kill,api-kill
 *                      (the default: all six), or pg-kill (SIGKILL of the postmaster, then crash recovery)
 *   DRILL_LOAD_MS      load before and around the fault, in all (default 20000)
 *   DRILL_FAULT_AT_MS  when the fault is injected after the load starts (default 5000)
 *   DRILL_AFTER_MS     load kept up after the fault has ended, at least (default 6000)
 *   DRILL_PG_STOP_MS   how long pg-stop keeps PostgreSQL down (default 10000)
 *   DRILL_REDIS_DOWN_MS how long redis-restart keeps Redis down (default 3000)
 *   DRILL_TILLS        concurrent tills (default 16), DRILL_TILL_PAUSE_MS pause between a till's sales (default 250)
 *   DRILL_GIFT_CARDS   gift cards (default 20), DRILL_COUPONS single-use coupons (default 400)
 *   DRILL_RETRY_BUDGET_MS / DRILL_MAX_ATTEMPTS  a request's retries: until this long after its first attempt or
 *                      this many attempts (default 25000 ms, 20)
 *   DRILL_DRAIN_MS     how long to wait for the outbox to drain (default 90000)
 *   DRILL_STACK        `shared`: every fault one after the other on one stack (each with fixtures of its own)
 *   DRILL_JSON         a file to write the results to, as JSON
 *   DRILL_LOGS_DIR     where a violated fault's process logs, requests and PostgreSQL log are kept (default: tmp)
 * Exit status: 0 when every invariant of every fault held, 1 on any violation, 2 when the drill itself failed.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { MODULES } from '../src/app/modules.js';
import { buildPlatform } from '../src/app/build-platform.js';
import { couponsOf } from '../src/modules/coupons/index.js';
import { identityOf } from '../src/modules/identity/index.js';
import { merchantsOf } from '../src/modules/merchants/index.js';
import { settlementOf } from '../src/modules/settlement/index.js';
import { signRequest } from '../src/modules/merchants/signature.js';
import { generateEd25519NoteKey } from '../src/modules/audit/domain/signed-note.js';
import { loadConfig } from '../src/platform/config/config.js';
import { formatMoney, parseMoney } from '../src/platform/money/money.js';
import { LossyProxy } from '../test/support/lossy-proxy.js';
import { OwnPostgres } from '../test/support/own-postgres.js';
import { OwnRedis } from '../test/support/own-redis.js';
import { spawnTs, waitReady, type Spawned } from '../test/support/spawn.js';

/** The faults of issue #17, run by default; `pg-kill` (SIGKILL of the postmaster, crash recovery) on request. */
export const FAULTS = ['pg-restart', 'pg-stop', 'lost-reply', 'redis-restart', 'worker-kill', 'api-kill'] as const;
const EXTRA_FAULTS = ['pg-kill'] as const;
export type Fault = (typeof FAULTS)[number] | (typeof EXTRA_FAULTS)[number];
const ALL_FAULTS: readonly Fault[] = [...FAULTS, ...EXTRA_FAULTS];

const env = process.env;
const num = (name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
};

const settings = {
  loadMs: num('DRILL_LOAD_MS', 20_000),
  faultAtMs: num('DRILL_FAULT_AT_MS', 5_000),
  afterMs: num('DRILL_AFTER_MS', 6_000),
  pgStopMs: num('DRILL_PG_STOP_MS', 10_000),
  redisDownMs: num('DRILL_REDIS_DOWN_MS', 3_000),
  tills: num('DRILL_TILLS', 16),
  tillPauseMs: num('DRILL_TILL_PAUSE_MS', 250),
  giftCards: num('DRILL_GIFT_CARDS', 20),
  coupons: num('DRILL_COUPONS', 400),
  retryBudgetMs: num('DRILL_RETRY_BUDGET_MS', 25_000),
  maxAttempts: num('DRILL_MAX_ATTEMPTS', 20),
  drainMs: num('DRILL_DRAIN_MS', 90_000),
  requestTimeoutMs: 8_000,
};

const GIFT_CARD_BALANCE_FEN = 500_00n;
const COUPON_AMOUNT = '5.00';
const ROOT = path.resolve(import.meta.dirname, '..');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------------------------
// Everything started is stopped, also when the drill fails or is interrupted.

const cleanups: (() => Promise<unknown>)[] = [];
const children = new Set<Spawned>();
process.on('exit', () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`fault drill: ${signal}, stopping what it started\n`);
    void runCleanups().finally(() => process.exit(130));
  });
}
async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// The stack of one fault run.

interface Role {
  readonly name: string;
  readonly role: 'api' | 'worker' | 'scheduler';
  spawned: Spawned;
  base: string;
  /** Killed on purpose by the fault (and replaced). */
  killedByDrill: boolean;
}

interface Stack {
  readonly pg: OwnPostgres;
  readonly directUrl: string;
  readonly proxy: LossyProxy;
  readonly redis: OwnRedis;
  readonly dir: string;
  readonly roles: Role[];
  readonly apis: (Role | undefined)[];
  readonly processEnv: Record<string, string>;
  readonly secretsFile: string;
}

let roleSeq = 0;

async function spawnRole(stack: Stack, role: Role['role'], name: string): Promise<Role> {
  const dataDir = path.join(stack.dir, `data-${name}-${++roleSeq}`);
  fs.mkdirSync(dataDir, { recursive: true });
  // Every process of an install shares its secrets (the merchant's secret is encrypted with them): production
  // brings them from the environment, development keeps them in DATA_DIR, so each fresh DATA_DIR gets a copy.
  fs.copyFileSync(stack.secretsFile, path.join(dataDir, 'secrets.json'));
  const spawned = spawnTs('src/cli.ts', ['start', '--role', role], { ...stack.processEnv, DATA_DIR: dataDir });
  children.add(spawned);
  const base = await Promise.race([
    spawned.url,
    sleep(90_000).then(() => {
      throw new Error(`${name} did not start within 90 s: ${spawned.stderr().slice(-2000)}`);
    }),
  ]);
  await waitReady(base, 60_000);
  const started: Role = { name, role, spawned, base, killedByDrill: false };
  stack.roles.push(started);
  return started;
}

async function startStack(): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-drill-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const pgCluster = await OwnPostgres.start({ maxConnections: 200 });
  cleanups.push(() => pgCluster.destroy());
  const directUrl = await pgCluster.createDatabase('quanyi');
  const proxy = await LossyProxy.start({ host: '127.0.0.1', port: pgCluster.port });
  cleanups.push(() => proxy.close());
  const redis = await OwnRedis.start();
  cleanups.push(() => redis.kill());
  const webDir = path.join(dir, 'web');
  fs.mkdirSync(webDir);
  // The API serves the built web app; the drill needs none of it (and must not build it into the checkout).
  fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>drill</title>\n');
  const secretsFile = path.join(dir, 'secrets.json');
  const processEnv: Record<string, string> = {
    DATABASE_URL: proxy.urlFor(directUrl),
    REDIS_URL: redis.url,
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    WEB_DIR: webDir,
    DATABASE_POOL_SIZE: '8',
    // A worker killed mid-delivery loses its leases after this (production default 30 s; shorter keeps the drill short).
    OUTBOX_LEASE_MS: '5000',
    // One merchant's tills are the whole load: the per-actor ceiling (600 a minute) is not what this drill tests.
    RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
    // One log key for the install, as production requires (development would make one per DATA_DIR).
    QUANYI_TLOG_SIGNING_KEY: generateEd25519NoteKey('quanyi.localhost/transparency-log').signerKey,
  };
  const stack: Stack = { pg: pgCluster, directUrl, proxy, redis, dir, roles: [], apis: [], processEnv, secretsFile };
  await prepareDatabase(stack);
  cleanups.push(async () => {
    for (const r of stack.roles) {
      const c = r.spawned.child;
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGTERM');
        await Promise.race([r.spawned.exited, sleep(10_000)]);
        if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      }
      children.delete(r.spawned);
    }
  });
  return stack;
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures, made through the modules' public services on the direct connection (as demo-data.ts does).

interface Fixtures {
  readonly merchantId: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly giftCards: { code: string; couponId: string }[];
  readonly coupons: { code: string; couponId: string }[];
}

/** The drill's own platform on the direct connection: migrates the database and makes the install's secrets. */
function fixturePlatform(stack: Stack) {
  const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: path.join(stack.dir, 'data-fixtures'), DATABASE_URL: stack.directUrl, LOG_LEVEL: 'warn', DEMO_DATA: 'off' });
  return buildPlatform(config, {});
}

/** Migrates the database before any process starts, and keeps the secrets every process gets a copy of. */
async function prepareDatabase(stack: Stack): Promise<void> {
  const built = await fixturePlatform(stack);
  await built.close();
  fs.copyFileSync(path.join(stack.dir, 'data-fixtures', 'secrets.json'), stack.secretsFile);
}

let fixtureSeq = 0;

async function makeFixtures(stack: Stack): Promise<Fixtures> {
  const built = await fixturePlatform(stack);
  try {
    const { platform } = built;
    // Publishing needs to know every subscriber (as in each process), so the fixtures' events reach them.
    for (const module of MODULES) module.init?.(platform);
    for (const module of MODULES) for (const subscriber of module.subscribers?.(platform) ?? []) platform.outbox.subscribe(subscriber);
    const { db } = platform.database;
    const coupons = couponsOf(platform);
    const settlement = settlementOf(platform);
    const creator = 'fault-drill';
    const merchant = await db.transaction().execute((trx) => merchantsOf(platform).create(trx, `演练便利店 Drill Store ${++fixtureSeq}`, creator));
    const consumerId = await identityOf(platform).service.ensureUser(db, '13900009999');
    const templates = await db.transaction().execute(async (trx) => ({
      card: await coupons.service.createTemplate(trx, { name: '演练礼品卡', type: 'GIFT_CARD', params: { balance: formatMoney(GIFT_CARD_BALANCE_FEN) }, valid_days: 30, merchant_ids: [merchant.merchant_id] }, creator),
      cash: await coupons.service.createTemplate(trx, { name: '演练立减5元', type: 'CASH', params: { amount: COUPON_AMOUNT }, valid_days: 30, merchant_ids: [merchant.merchant_id] }, creator),
    }));
    const claim = async (templateId: string, n: number) => {
      const held: { code: string; couponId: string }[] = [];
      for (let i = 0; i < n; i++) {
        const c = await db.transaction().execute((trx) => coupons.claims.claim(trx, templateId, consumerId, creator));
        held.push({ code: c.coupon_code, couponId: c.coupon_id });
      }
      return held;
    };
    const giftCards = await claim(templates.card.template_id, settings.giftCards);
    const singleUse = await claim(templates.cash.template_id, settings.coupons);
    await db.transaction().execute(async (trx) => {
      // The marketing budget funds the coupons; each gift card was sold at its face value.
      await settlement.funding.topUp(trx, { source: 'PLATFORM' }, 1_000_000_00n, 'fault drill budget');
      for (const card of giftCards) await settlement.funding.giftCardSold(trx, { couponId: card.couponId, code: card.code, type: 'GIFT_CARD' }, GIFT_CARD_BALANCE_FEN);
    });
    return { merchantId: merchant.merchant_id, apiKey: merchant.api_key, apiSecret: merchant.api_secret, giftCards, coupons: singleUse };
  } finally {
    await built.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tills.

interface Attempt {
  readonly start: number;
  readonly end: number;
  readonly api: string;
  /** HTTP status, or 0 for a network error or timeout. */
  readonly status: number;
  readonly code: string | undefined;
}

type Final =
  | { kind: 'ok'; data: Record<string, unknown>; replayed: boolean }
  | { kind: 'refused'; status: number; code: string }
  | { kind: 'exhausted'; last: string };

interface TillRequest {
  readonly op: 'consume' | 'refund';
  readonly key: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** The coupon the consume spends, or the transaction the refund is for. */
  readonly target: string;
  readonly attempts: Attempt[];
  final?: Final;
}

interface Refundable {
  readonly transactionId: string;
  readonly kind: 'card' | 'coupon';
  readonly amountFen: bigint;
}

class Tills {
  readonly requests: TillRequest[] = [];
  /** Attempts under way per API base URL. */
  readonly inFlight = new Map<string, number>();
  private readonly refundable: Refundable[] = [];
  private readonly usedCoupons = new Set<string>();
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly fixtures: Fixtures,
    private readonly apis: () => (string | undefined)[],
  ) {}

  start(count: number): void {
    this.loops = Array.from({ length: count }, (_, i) => this.till(i));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async till(index: number): Promise<void> {
    await sleep(randomInt(0, Math.max(1, settings.tillPauseMs)));
    while (!this.stopped) {
      await this.send(index, this.nextRequest());
      await sleep(settings.tillPauseMs);
    }
  }

  private nextRequest(): TillRequest {
    const roll = randomInt(0, 100);
    if (roll < 15 && this.refundable.length > 0) {
      const sale = this.refundable.splice(randomInt(0, this.refundable.length), 1)[0]!;
      // Gift cards: part of what was paid, or all of it; coupons: the whole transaction.
      const amountFen = sale.kind === 'card' && randomInt(0, 2) === 0 ? BigInt(randomInt(1, Number(sale.amountFen) + 1)) : undefined;
      const body = amountFen === undefined ? { transaction_id: sale.transactionId } : { transaction_id: sale.transactionId, amount: formatMoney(amountFen) };
      return { op: 'refund', key: randomUUID(), path: '/api/v1/coupon/refund', body, target: sale.transactionId, attempts: [] };
    }
    const orderId = `drill-${randomBytes(8).toString('hex')}`;
    if (roll < 60) {
      const card = this.fixtures.giftCards[randomInt(0, this.fixtures.giftCards.length)]!;
      // 1.00 to 40.00: with 500.00 a card, the busiest cards run dry during the drill and later sales are refused.
      const amount = formatMoney(BigInt(randomInt(100, 4_001)));
      return { op: 'consume', key: randomUUID(), path: '/api/v1/coupon/consume', body: { coupon_code: card.code, merchant_id: this.fixtures.merchantId, amount, order_id: orderId }, target: card.code, attempts: [] };
    }
    // Mostly a fresh coupon; one in ten a coupon already sold (refused: COUPON_ALREADY_USED or similar).
    const pool = this.fixtures.coupons;
    const fresh = pool.filter((c) => !this.usedCoupons.has(c.code));
    const coupon = fresh.length > 0 && randomInt(0, 10) > 0 ? fresh[randomInt(0, fresh.length)]! : pool[randomInt(0, pool.length)]!;
    this.usedCoupons.add(coupon.code);
    const amount = formatMoney(BigInt(randomInt(1_000, 10_001)));
    return { op: 'consume', key: randomUUID(), path: '/api/v1/coupon/consume', body: { coupon_code: coupon.code, merchant_id: this.fixtures.merchantId, amount, order_id: orderId }, target: coupon.code, attempts: [] };
  }

  /** One sale or refund: the same key and body on every attempt, a new nonce and signature each time. */
  private async send(index: number, request: TillRequest): Promise<void> {
    this.requests.push(request);
    const raw = JSON.stringify(request.body);
    const first = now();
    let home = index % 2;
    let lastProblem = '';
    for (let attempt = 1; ; attempt++) {
      const apis = this.apis();
      const base = apis[home] ?? apis[1 - home];
      const start = now();
      let status = 0;
      let code: string | undefined;
      let retryAfterMs: number | undefined;
      let json: { data?: Record<string, unknown>; error?: string } | undefined;
      let replayed = false;
      if (base) {
        const timestamp = String(Math.floor(Date.now() / 1000));
        const nonce = randomBytes(12).toString('hex');
        this.inFlight.set(base, (this.inFlight.get(base) ?? 0) + 1);
        try {
          const res = await fetch(`${base}${request.path}`, {
            method: 'POST',
            body: raw,
            headers: {
              'content-type': 'application/json',
              'idempotency-key': request.key,
              'x-api-key': this.fixtures.apiKey,
              'x-timestamp': timestamp,
              'x-nonce': nonce,
              'x-signature': signRequest(this.fixtures.apiSecret, 'POST', request.path, timestamp, nonce, raw),
            },
            signal: AbortSignal.timeout(settings.requestTimeoutMs),
          });
          status = res.status;
          replayed = res.headers.get('idempotent-replayed') === 'true';
          const header = res.headers.get('retry-after');
          if (header && /^\d+$/.test(header)) retryAfterMs = Number(header) * 1000;
          const text = await res.text();
          try {
            json = JSON.parse(text) as typeof json;
          } catch {
            json = undefined;
          }
          code = json?.error;
        } catch (error) {
          status = 0;
          code = error instanceof Error ? (error.name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK') : 'NETWORK';
        } finally {
          this.inFlight.set(base, this.inFlight.get(base)! - 1);
        }
      } else {
        code = 'NO_API';
      }
      request.attempts.push({ start, end: now(), api: base ?? '', status, code });
      if (status === 200 && json?.data) {
        request.final = { kind: 'ok', data: json.data, replayed };
        this.remember(request, json.data);
        return;
      }
      const retryable = status === 0 || status >= 500 || status === 429 || (status === 409 && code === 'IDEMPOTENCY_KEY_IN_FLIGHT');
      if (!retryable) {
        request.final = { kind: 'refused', status, code: code ?? `HTTP_${status}` };
        return;
      }
      lastProblem = `${status || 'network'} ${code ?? ''}`.trim();
      if (status === 0) home = 1 - home; // a load balancer sends the retry to the other API process
      const backoff = Math.min(2_000, 100 * 2 ** (attempt - 1)) / 2 + randomInt(0, Math.min(2_000, 100 * 2 ** (attempt - 1)) / 2 + 1);
      const wait = Math.min(retryAfterMs ?? backoff, 5_000);
      if (attempt >= settings.maxAttempts || now() + wait - first > settings.retryBudgetMs) {
        request.final = { kind: 'exhausted', last: lastProblem };
        return;
      }
      await sleep(wait);
    }
  }

  private remember(request: TillRequest, data: Record<string, unknown>): void {
    if (request.op !== 'consume') return;
    const lines = (data.lines as { type: string; amount: string }[] | undefined) ?? [];
    const amountFen = lines.reduce((sum, l) => sum + parseMoney(l.amount), 0n);
    this.refundable.push({ transactionId: String(data.transaction_id), kind: lines[0]?.type === 'GIFT_CARD' ? 'card' : 'coupon', amountFen });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Faults.

interface FaultTimes {
  injectedAt: number;
  endedAt: number;
  note: string;
}

async function inject(fault: Fault, stack: Stack, tills: Tills): Promise<FaultTimes> {
  let injectedAt = now();
  let note = '';
  switch (fault) {
    case 'pg-restart':
      await stack.pg.restart();
      note = 'PostgreSQL fast shutdown and start';
      break;
    case 'pg-stop':
      await stack.pg.stopFor(settings.pgStopMs);
      note = `PostgreSQL stopped for ${settings.pgStopMs} ms`;
      break;
    case 'pg-kill':
      await stack.pg.kill();
      await stack.pg.startServer();
      note = 'PostgreSQL postmaster SIGKILLed, started again (crash recovery from the WAL)';
      break;
    case 'lost-reply': {
      // The answers to the next commits of consumes (the batch statement) and refunds are lost after commit.
      stack.proxy.dropCommitAfter('coupon_redeem_batch', 3);
      stack.proxy.dropCommitAfter('UPDATE coupon_redemptions SET refunded_fen', 2);
      const deadline = now() + 8_000;
      while (stack.proxy.dropped < 5 && now() < deadline) await sleep(50);
      note = `${stack.proxy.dropped} commit answer(s) dropped by the proxy (3 consume batches, 2 refunds armed)`;
      stack.proxy.disarm();
      break;
    }
    case 'redis-restart':
      await stack.redis.kill();
      await sleep(settings.redisDownMs);
      await stack.redis.restart();
      note = `Redis SIGKILLed, down ${settings.redisDownMs} ms, restarted empty`;
      break;
    case 'worker-kill': {
      const worker = stack.roles.find((r) => r.role === 'worker' && !r.killedByDrill)!;
      worker.killedByDrill = true;
      worker.spawned.child.kill('SIGKILL');
      await worker.spawned.exited;
      const replacement = await spawnRole(stack, 'worker', 'worker');
      note = `worker SIGKILLed; replacement ready after ${Math.round(now() - injectedAt)} ms (${replacement.base})`;
      break;
    }
    case 'api-kill': {
      const api = stack.apis[0]!;
      // The worst moment: requests under way on it (waits up to 3 s for two at once).
      const deadline = now() + 3_000;
      while ((tills.inFlight.get(api.base) ?? 0) < 2 && now() < deadline) await sleep(2);
      const caught = tills.inFlight.get(api.base) ?? 0;
      injectedAt = now();
      api.killedByDrill = true;
      stack.apis[0] = undefined;
      api.spawned.child.kill('SIGKILL');
      await api.spawned.exited;
      const replacement = await spawnRole(stack, 'api', 'api-1');
      stack.apis[0] = replacement;
      note = `api-1 SIGKILLed with ${caught} request(s) under way (its tills fail over to api-2); replacement ready after ${Math.round(now() - injectedAt)} ms`;
      break;
    }
  }
  return { injectedAt, endedAt: now(), note };
}

// ---------------------------------------------------------------------------------------------------------------
// Checks, from the database (directly, not through the proxy).

interface FaultResult {
  fault: Fault;
  note: string;
  requests: number;
  consumes: number;
  refunds: number;
  ok: number;
  replayed: number;
  refusals: Record<string, number>;
  exhausted: number;
  exhaustedWithEffect: number;
  failedAttempts: number;
  failedByKind: Record<string, number>;
  errorWindowMs: number | null;
  errorWindowFromInjectionMs: [number, number] | null;
  recoveryMs: number | null;
  recoveredAfterFailureMs: number | null;
  steadyAfterMs: number | null;
  drainMs: number | null;
  /** Outbox deliveries attempted more than once (a worker killed mid-delivery, a database gone mid-delivery). */
  redeliveries: number;
  invariants: { name: string; ok: boolean; details: string[] }[];
}

async function check(stack: Stack, fixtures: Fixtures, tills: Tills, times: FaultTimes, fault: Fault, drainMs: number | null): Promise<FaultResult> {
  const client = new pg.Client({ connectionString: stack.directUrl });
  await client.connect();
  try {
    const invariants: FaultResult['invariants'] = [];
    const add = (name: string, details: string[]) => invariants.push({ name, ok: details.length === 0, details: details.slice(0, 20).concat(details.length > 20 ? [`… and ${details.length - 20} more`] : []) });

    const { rows: redemptions } = await client.query<{ redemption_id: string; transaction_id: string; coupon_id: string; order_id: string; amount_fen: string; refunded_fen: string }>(
      'SELECT redemption_id::text, transaction_id, coupon_id::text, order_id, amount_fen::text, refunded_fen::text FROM coupon_redemptions WHERE merchant_id = $1',
      [fixtures.merchantId],
    );
    const byOrder = new Map<string, typeof redemptions>();
    const byTx = new Map<string, typeof redemptions>();
    for (const r of redemptions) {
      byOrder.set(r.order_id, [...(byOrder.get(r.order_id) ?? []), r]);
      byTx.set(r.transaction_id, [...(byTx.get(r.transaction_id) ?? []), r]);
    }
    const { rows: refundEvents } = await client.query<{ reason: string; coupon_id: string; amount_fen: string }>(
      "SELECT reason, coupon_id::text, amount_fen::text FROM coupon_events WHERE action = 'refund'",
    );
    const refundEventsOf = new Map<string, number>();
    for (const e of refundEvents) refundEventsOf.set(e.reason, (refundEventsOf.get(e.reason) ?? 0) + 1);

    // Consumes: a 200 applied exactly once (its transaction, nothing else for its order), a refusal never.
    const consumeProblems: string[] = [];
    const exhaustedNotes: string[] = [];
    let exhaustedWithEffect = 0;
    const knownOrders = new Set<string>();
    for (const req of tills.requests.filter((r) => r.op === 'consume')) {
      const orderId = String(req.body.order_id);
      knownOrders.add(orderId);
      const rows = byOrder.get(orderId) ?? [];
      const txs = [...new Set(rows.map((r) => r.transaction_id))];
      const f = req.final!;
      if (f.kind === 'ok') {
        const answeredFen = ((f.data.lines as { amount: string }[]) ?? []).reduce((s, l) => s + parseMoney(l.amount), 0n);
        const appliedFen = rows.reduce((s, r) => s + BigInt(r.amount_fen), 0n);
        if (txs.length !== 1 || txs[0] !== f.data.transaction_id || appliedFen !== answeredFen) {
          consumeProblems.push(`order ${orderId} (${req.target}) answered 200 ${String(f.data.transaction_id)} ${formatMoney(answeredFen)} after ${req.attempts.length} attempt(s) [${req.attempts.map((a) => a.code ?? a.status).join(', ')}], applied ${txs.length}× (${txs.join(', ') || 'none'}) ${formatMoney(appliedFen)}`);
        }
      } else if (f.kind === 'refused') {
        if (rows.length > 0) consumeProblems.push(`order ${orderId} (${req.target}) refused ${f.status} ${f.code} after ${req.attempts.length} attempt(s) [${req.attempts.map((a) => a.code ?? a.status).join(', ')}], yet applied ${txs.length}× (${txs.join(', ')})`);
      } else {
        if (txs.length > 0) exhaustedWithEffect++;
        if (txs.length > 1) consumeProblems.push(`order ${orderId} (${req.target}) gave up (${f.last}) and was applied ${txs.length}×`);
        exhaustedNotes.push(`order ${orderId} gave up after ${req.attempts.length} attempts (${f.last}); applied ${txs.length}×`);
      }
    }
    for (const [orderId, rows] of byOrder) if (!knownOrders.has(orderId)) consumeProblems.push(`order ${orderId}: ${rows.length} redemption(s) no till sent`);
    add('consumes: every 200 applied exactly once, every refusal never', consumeProblems);

    // Refunds: one refund request per transaction, so what the transaction shows refunded is that request's effect.
    const refundProblems: string[] = [];
    const refundedByCard = new Map<string, bigint>();
    for (const req of tills.requests.filter((r) => r.op === 'refund')) {
      const tx = req.target;
      const rows = byTx.get(tx) ?? [];
      const refundedFen = rows.reduce((s, r) => s + BigInt(r.refunded_fen), 0n);
      const events = refundEventsOf.get(`refund ${tx}`) ?? 0;
      const f = req.final!;
      if (f.kind === 'ok') {
        const lines = (f.data.lines as { coupon_code: string; amount: string }[]) ?? [];
        const answeredFen = lines.reduce((s, l) => s + parseMoney(l.amount), 0n);
        for (const l of lines) refundedByCard.set(l.coupon_code, (refundedByCard.get(l.coupon_code) ?? 0n) + parseMoney(l.amount));
        if (refundedFen !== answeredFen || events !== lines.length) {
          refundProblems.push(`refund of ${tx} answered 200 ${formatMoney(answeredFen)} after ${req.attempts.length} attempt(s) [${req.attempts.map((a) => a.code ?? a.status).join(', ')}]; the transaction shows ${formatMoney(refundedFen)} refunded in ${events} refund event(s)`);
        }
      } else if (f.kind === 'refused') {
        if (refundedFen !== 0n || events !== 0) refundProblems.push(`refund of ${tx} refused ${f.status} ${f.code} after ${req.attempts.length} attempt(s) [${req.attempts.map((a) => a.code ?? a.status).join(', ')}], yet ${formatMoney(refundedFen)} refunded in ${events} event(s)`);
      } else {
        if (refundedFen > 0n) exhaustedWithEffect++;
        exhaustedNotes.push(`refund of ${tx} gave up after ${req.attempts.length} attempts (${f.last}); ${formatMoney(refundedFen)} refunded`);
      }
    }
    const refundedTxs = new Set(tills.requests.filter((r) => r.op === 'refund').map((r) => r.target));
    for (const [tx, rows] of byTx) {
      if (!refundedTxs.has(tx) && rows.some((r) => r.refunded_fen !== '0')) refundProblems.push(`transaction ${tx} refunded, but no till asked`);
    }
    add('refunds: every 200 applied exactly once, every refusal never', refundProblems);

    // Gift cards: balance = initial − consumed + refunded, exactly, both as the tills were told and as the rows say.
    const cardProblems: string[] = [];
    const { rows: cards } = await client.query<{ code: string; coupon_id: string; balance_fen: string; initial_balance_fen: string; held_fen: string; status: string }>(
      'SELECT code, coupon_id::text, balance_fen::text, initial_balance_fen::text, held_fen::text, status FROM coupon_info WHERE coupon_id = ANY($1::bigint[])',
      [fixtures.giftCards.map((c) => c.couponId)],
    );
    const answeredConsumed = new Map<string, bigint>();
    const exhaustedEffect = new Map<string, bigint>();
    for (const req of tills.requests) {
      if (req.op === 'consume' && req.final?.kind === 'ok') {
        for (const l of (req.final.data.lines as { coupon_code: string; amount: string }[]) ?? []) answeredConsumed.set(l.coupon_code, (answeredConsumed.get(l.coupon_code) ?? 0n) + parseMoney(l.amount));
      }
      if (req.final?.kind === 'exhausted') {
        // Effects of requests whose final answer the till never got: counted, reported separately.
        const rows = req.op === 'consume' ? (byOrder.get(String(req.body.order_id)) ?? []) : (byTx.get(req.target) ?? []);
        for (const r of rows) {
          const code = cards.find((c) => c.coupon_id === r.coupon_id)?.code;
          if (code) exhaustedEffect.set(code, (exhaustedEffect.get(code) ?? 0n) + (req.op === 'consume' ? -BigInt(r.amount_fen) : BigInt(r.refunded_fen)));
        }
      }
    }
    const rowsOfCoupon = new Map<string, typeof redemptions>();
    for (const r of redemptions) rowsOfCoupon.set(r.coupon_id, [...(rowsOfCoupon.get(r.coupon_id) ?? []), r]);
    for (const card of cards) {
      const initial = BigInt(card.initial_balance_fen);
      const balance = BigInt(card.balance_fen);
      const rows = rowsOfCoupon.get(card.coupon_id) ?? [];
      const fromRows = initial - rows.reduce((s, r) => s + BigInt(r.amount_fen), 0n) + rows.reduce((s, r) => s + BigInt(r.refunded_fen), 0n);
      const fromAnswers = initial - (answeredConsumed.get(card.code) ?? 0n) + (refundedByCard.get(card.code) ?? 0n) + (exhaustedEffect.get(card.code) ?? 0n);
      if (balance !== fromRows || balance !== fromAnswers || card.held_fen !== '0') {
        cardProblems.push(`${card.code}: balance ${formatMoney(balance)}, rows say ${formatMoney(fromRows)}, answers say ${formatMoney(fromAnswers)}, held ${formatMoney(BigInt(card.held_fen))}`);
      }
    }
    // Single-use coupons: USED after a 200 sale, REFUNDED after a 200 refund, untouched otherwise.
    const { rows: couponRows } = await client.query<{ code: string; coupon_id: string; status: string }>('SELECT code, coupon_id::text, status FROM coupon_info WHERE coupon_id = ANY($1::bigint[])', [fixtures.coupons.map((c) => c.couponId)]);
    const expectedStatus = new Map<string, string>();
    const txOfCoupon = new Map<string, string>();
    for (const req of tills.requests) {
      if (req.op === 'consume' && req.final?.kind === 'ok' && ((req.final.data.lines as { type: string }[]) ?? [])[0]?.type !== 'GIFT_CARD') {
        expectedStatus.set(req.target, 'USED');
        txOfCoupon.set(String(req.final.data.transaction_id), req.target);
      }
    }
    for (const req of tills.requests) {
      if (req.op === 'refund' && req.final?.kind === 'ok' && txOfCoupon.has(req.target)) expectedStatus.set(txOfCoupon.get(req.target)!, 'REFUNDED');
    }
    const exhaustedTargets = new Set(tills.requests.filter((r) => r.final?.kind === 'exhausted').map((r) => (r.op === 'consume' ? r.target : (txOfCoupon.get(r.target) ?? ''))));
    for (const c of couponRows) {
      const expected = expectedStatus.get(c.code) ?? 'ACTIVATED';
      if (c.status !== expected && !exhaustedTargets.has(c.code)) cardProblems.push(`coupon ${c.code}: ${c.status}, the tills' answers say ${expected}`);
    }
    add('gift-card balances and coupon states exact (integer fen)', cardProblems);

    // The ledger: one split per redemption (coupon.consumed handled exactly once), refunds carried over, balanced.
    const ledgerProblems: string[] = [];
    const { rows: splits } = await client.query<{ redemption_id: string; amount_fen: string; refunded_fen: string }>('SELECT redemption_id::text, amount_fen::text, refunded_fen::text FROM settlement_splits WHERE merchant_id = $1', [fixtures.merchantId]);
    const splitOf = new Map(splits.map((s) => [s.redemption_id, s]));
    for (const r of redemptions) {
      const s = splitOf.get(r.redemption_id);
      if (!s) ledgerProblems.push(`redemption ${r.redemption_id} (${r.transaction_id}) has no settlement split`);
      else if (s.amount_fen !== r.amount_fen || s.refunded_fen !== r.refunded_fen) ledgerProblems.push(`redemption ${r.redemption_id}: split ${s.amount_fen}/${s.refunded_fen} refunded, redemption ${r.amount_fen}/${r.refunded_fen}`);
    }
    const redemptionIds = new Set(redemptions.map((r) => r.redemption_id));
    for (const s of splits) if (!redemptionIds.has(s.redemption_id)) ledgerProblems.push(`split for unknown redemption ${s.redemption_id}`);
    const { rows: funding } = await client.query<{ n: string; refs: string }>(
      "SELECT count(*)::text AS n, count(DISTINCT ref)::text AS refs FROM ledger_transfers WHERE code = 'REDEMPTION_FUNDING' AND ref = ANY($1::text[])",
      [redemptions.map((r) => r.redemption_id)],
    );
    if (Number(funding[0]!.n) !== redemptions.length || Number(funding[0]!.refs) !== redemptions.length) ledgerProblems.push(`${funding[0]!.n} REDEMPTION_FUNDING transfers (${funding[0]!.refs} distinct) for ${redemptions.length} redemptions`);
    const { rows: trial } = await client.query<{ d: string; c: string; dp: string; cp: string }>(
      'SELECT coalesce(sum(debits_posted), 0)::text AS d, coalesce(sum(credits_posted), 0)::text AS c, coalesce(sum(debits_pending), 0)::text AS dp, coalesce(sum(credits_pending), 0)::text AS cp FROM ledger_accounts',
    );
    if (trial[0]!.d !== trial[0]!.c || trial[0]!.dp !== trial[0]!.cp) ledgerProblems.push(`trial balance off: posted D ${trial[0]!.d} C ${trial[0]!.c}, pending D ${trial[0]!.dp} C ${trial[0]!.cp}`);
    const { rows: entries } = await client.query<{ transfer_id: string; d: string; c: string }>(
      "SELECT transfer_id, sum(CASE WHEN side = 'D' THEN amount_fen ELSE 0 END)::text AS d, sum(CASE WHEN side = 'C' THEN amount_fen ELSE 0 END)::text AS c FROM ledger_entries GROUP BY transfer_id HAVING sum(CASE WHEN side = 'D' THEN amount_fen ELSE -amount_fen END) <> 0",
    );
    for (const e of entries) ledgerProblems.push(`transfer ${e.transfer_id} unbalanced: D ${e.d} C ${e.c}`);
    add('ledger: splits posted exactly once per redemption, refunds carried, balanced', ledgerProblems);

    // The outbox drained: nothing pending, nothing dead.
    const { rows: outbox } = await client.query<{ subscriber: string; status: string; n: string; last_error: string | null }>(
      "SELECT subscriber, status, count(*)::text AS n, max(last_error) AS last_error FROM outbox_deliveries WHERE status <> 'delivered' GROUP BY subscriber, status",
    );
    add('outbox drained (no pending, no dead deliveries)', outbox.map((o) => `${o.n} ${o.status} for ${o.subscriber}${o.last_error ? ` (last error: ${o.last_error.slice(0, 200)})` : ''}`));

    const { rows: redelivered } = await client.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id WHERE d.attempts > 1 AND e.created_at >= to_timestamp($1 / 1000.0)',
      [Math.floor(times.injectedAt - settings.faultAtMs - 1_000)],
    );

    // Every process still running, except the one the fault killed on purpose.
    add(
      'no process crashed',
      stack.roles
        .filter((r) => !r.killedByDrill && (r.spawned.child.exitCode !== null || r.spawned.child.signalCode !== null))
        .map((r) => `${r.name} (${r.role}) exited ${r.spawned.child.exitCode ?? r.spawned.child.signalCode}: ${r.spawned.stderr().slice(-600)}`),
    );

    // The tills were never stopped: every request got its final answer within its retries.
    add('tills kept going: no request gave up after its bounded retries', exhaustedNotes);

    // Figures.
    const all = tills.requests;
    const failed = all.flatMap((r) => r.attempts.filter((a) => a.status !== 200 && !(r.final?.kind === 'refused' && a === r.attempts[r.attempts.length - 1])));
    const failedByKind: Record<string, number> = {};
    for (const a of failed) {
      const kind = `${a.status || 'network'} ${a.code ?? ''}`.trim();
      failedByKind[kind] = (failedByKind[kind] ?? 0) + 1;
    }
    const refusals: Record<string, number> = {};
    for (const r of all) if (r.final?.kind === 'refused') refusals[`${r.final.status} ${r.final.code}`] = (refusals[`${r.final.status} ${r.final.code}`] ?? 0) + 1;
    const firstFail = failed.length ? Math.min(...failed.map((a) => a.start)) : null;
    const lastFail = failed.length ? Math.max(...failed.map((a) => a.end)) : null;
    const successes = all.flatMap((r) => r.attempts.filter((a) => a.status === 200));
    const firstSuccessAfter = successes.filter((a) => a.end > times.injectedAt).map((a) => a.end);
    const failedSince = failed.filter((a) => a.end >= times.injectedAt).map((a) => a.end);
    const firstFailureSince = failedSince.length ? Math.min(...failedSince) : null;
    const successAfterFailure = firstFailureSince === null ? [] : successes.filter((a) => a.end > firstFailureSince).map((a) => a.end);
    return {
      fault,
      note: times.note,
      requests: all.length,
      consumes: all.filter((r) => r.op === 'consume').length,
      refunds: all.filter((r) => r.op === 'refund').length,
      ok: all.filter((r) => r.final?.kind === 'ok').length,
      replayed: all.filter((r) => r.final?.kind === 'ok' && r.final.replayed).length,
      refusals,
      exhausted: all.filter((r) => r.final?.kind === 'exhausted').length,
      exhaustedWithEffect,
      failedAttempts: failed.length,
      failedByKind,
      errorWindowMs: firstFail !== null && lastFail !== null ? Math.round(lastFail - firstFail) : null,
      errorWindowFromInjectionMs: firstFail !== null && lastFail !== null ? [Math.round(firstFail - times.injectedAt), Math.round(lastFail - times.injectedAt)] : null,
      recoveryMs: firstSuccessAfter.length ? Math.round(Math.min(...firstSuccessAfter) - times.injectedAt) : null,
      recoveredAfterFailureMs: successAfterFailure.length ? Math.round(Math.min(...successAfterFailure) - times.injectedAt) : null,
      steadyAfterMs: lastFail !== null ? Math.max(0, Math.round(lastFail - times.injectedAt)) : 0,
      drainMs,
      redeliveries: Number(redelivered[0]!.n),
      invariants,
    };
  } finally {
    await client.end();
  }
}

/** Waits until no delivery is pending (dead ones are reported by the check) and every redemption is split. */
async function drain(stack: Stack): Promise<number | null> {
  const client = new pg.Client({ connectionString: stack.directUrl });
  await client.connect();
  const started = now();
  try {
    while (now() - started < settings.drainMs) {
      const { rows } = await client.query<{ pending: string; unsplit: string; unrefunded: string }>(`
        SELECT (SELECT count(*) FROM outbox_deliveries WHERE status = 'pending')::text AS pending,
               (SELECT count(*) FROM coupon_redemptions r WHERE NOT EXISTS (SELECT 1 FROM settlement_splits s WHERE s.redemption_id = r.redemption_id))::text AS unsplit,
               (SELECT count(*) FROM coupon_redemptions r JOIN settlement_splits s USING (redemption_id) WHERE s.refunded_fen <> r.refunded_fen)::text AS unrefunded`);
      if (rows[0]!.pending === '0' && rows[0]!.unsplit === '0' && rows[0]!.unrefunded === '0') return Math.round(now() - started);
      await sleep(250);
    }
    return null;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** Starts the two API processes, the worker and the scheduler, at once. */
async function startRoles(stack: Stack, log: (line: string) => void): Promise<void> {
  const [api1, api2] = await Promise.all([spawnRole(stack, 'api', 'api-1'), spawnRole(stack, 'api', 'api-2'), spawnRole(stack, 'worker', 'worker'), spawnRole(stack, 'scheduler', 'scheduler')]);
  stack.apis.push(api1, api2);
  log(`roles ready: api ${api1.base} and ${api2.base}, worker, scheduler`);
}

/** One fault on a running stack: its own fixtures (merchant, cards, coupons), load, the fault, drain, checks. */
async function runPhase(stack: Stack, fault: Fault, log: (line: string) => void): Promise<FaultResult> {
  const fixtures = await makeFixtures(stack);
  log(`fixtures: merchant ${fixtures.merchantId}, ${fixtures.giftCards.length} gift cards of ${formatMoney(GIFT_CARD_BALANCE_FEN)}, ${fixtures.coupons.length} coupons`);
  const tills = new Tills(fixtures, () => stack.apis.map((a) => a?.base));
  const loadStart = now();
  tills.start(settings.tills);
  await sleep(settings.faultAtMs);
  log(`injecting ${fault} after ${tills.requests.length} requests`);
  const times = await inject(fault, stack, tills);
  log(`fault over after ${Math.round(times.endedAt - times.injectedAt)} ms: ${times.note}`);
  const until = Math.max(loadStart + settings.loadMs, times.endedAt + settings.afterMs);
  await sleep(Math.max(0, until - now()));
  await tills.stop();
  log(`load stopped: ${tills.requests.length} requests`);
  const drainMs = await drain(stack);
  log(drainMs === null ? `outbox not drained within ${settings.drainMs} ms` : `outbox drained in ${drainMs} ms`);
  const result = await check(stack, fixtures, tills, times, fault, drainMs);
  if (result.invariants.some((i) => !i.ok)) {
    const logs = path.join(env.DRILL_LOGS_DIR || os.tmpdir(), `quanyi-drill-${fault}-${Date.now()}`);
    fs.mkdirSync(logs, { recursive: true });
    for (const r of stack.roles) fs.writeFileSync(path.join(logs, `${r.name}-${r.spawned.child.pid}.log`), `${r.spawned.stdout()}\n--- stderr\n${r.spawned.stderr()}`);
    fs.writeFileSync(path.join(logs, 'requests.json'), JSON.stringify(tills.requests, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 1));
    fs.writeFileSync(path.join(logs, 'postgres.log'), stack.pg.log());
    result.note += `; logs kept in ${logs}`;
  }
  return result;
}

function logger(label: string): (line: string) => void {
  const t0 = now();
  return (line: string) => process.stdout.write(`[${label} +${((now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
}

/** Each fault on a stack of its own (the default), or all of them one after the other on one stack (DRILL_STACK=shared). */
async function runFaults(chosen: readonly Fault[], shared: boolean, onResult: (result: FaultResult) => void): Promise<void> {
  const withStack = async (label: string, work: (stack: Stack, log: (line: string) => void) => Promise<void>) => {
    const mark = cleanups.length;
    const log = logger(label);
    try {
      const stack = await startStack();
      log(`PostgreSQL 15 on ${stack.pg.port} (proxy ${stack.proxy.port}), Redis on ${stack.redis.port}`);
      await startRoles(stack, log);
      await work(stack, log);
    } finally {
      while (cleanups.length > mark) await cleanups.pop()!().catch(() => undefined);
    }
  };
  if (shared) {
    await withStack('shared stack', async (stack) => {
      for (const fault of chosen) onResult(await runPhase(stack, fault, logger(fault)));
    });
  } else {
    for (const fault of chosen) await withStack(fault, async (stack, log) => onResult(await runPhase(stack, fault, log)));
  }
}

function print(result: FaultResult): void {
  const lines = [
    `== ${result.fault}: ${result.invariants.every((i) => i.ok) ? 'OK' : 'VIOLATED'}`,
    `   fault: ${result.note}`,
    `   requests ${result.requests} (${result.consumes} consumes, ${result.refunds} refunds): 200 ${result.ok} (${result.replayed} replayed), gave up ${result.exhausted} (${result.exhaustedWithEffect} with an effect)`,
    `   refusals: ${Object.entries(result.refusals).map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'}`,
    `   failed attempts ${result.failedAttempts}: ${Object.entries(result.failedByKind).map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'}`,
    `   error window: ${result.errorWindowMs === null ? 'none' : `${result.errorWindowMs} ms (from ${result.errorWindowFromInjectionMs![0]} to ${result.errorWindowFromInjectionMs![1]} ms after injection)`}`,
    `   recovery: first success ${result.recoveryMs ?? '—'} ms after injection${result.recoveredAfterFailureMs === null ? '' : `, first success after the first failure ${result.recoveredAfterFailureMs} ms after injection`}; no failure after ${result.steadyAfterMs ?? '—'} ms; outbox drained ${result.drainMs === null ? 'NOT within the limit' : `${result.drainMs} ms after the load`} (${result.redeliveries} deliveries attempted more than once)`,
    ...result.invariants.map((i) => `   ${i.ok ? 'OK      ' : 'VIOLATED'} ${i.name}${i.ok ? '' : `\n            ${i.details.join('\n            ')}`}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<number> {
  const chosen = (env.DRILL_FAULTS?.trim() ? env.DRILL_FAULTS.split(',').map((f) => f.trim()) : [...FAULTS]) as Fault[];
  for (const f of chosen) if (!ALL_FAULTS.includes(f)) throw new Error(`DRILL_FAULTS: unknown fault "${f}"; one of ${ALL_FAULTS.join(', ')}`);
  process.stdout.write(`fault drill: ${chosen.join(', ')}; ${settings.tills} tills, load ${settings.loadMs} ms, fault at ${settings.faultAtMs} ms ${env.DRILL_STACK === 'shared' ? 'one shared stack' : 'a fresh stack per fault'} (${ROOT})\n`);
  const results: FaultResult[] = [];
  await runFaults(chosen, env.DRILL_STACK === 'shared', (result) => {
    print(result);
    results.push(result);
    // Written as each fault ends, so a caller sees what finished even if a later fault breaks the drill.
    if (env.DRILL_JSON) fs.writeFileSync(env.DRILL_JSON, JSON.stringify(results, null, 2));
  });
  const violated = results.filter((r) => r.invariants.some((i) => !i.ok));
  process.stdout.write(`\nfault drill: ${results.length - violated.length} of ${results.length} fault(s) held every invariant${violated.length ? `; VIOLATED: ${violated.map((r) => r.fault).join(', ')}` : ''}\n`);
  return violated.length ? 1 : 0;
}

main().then(
  async (code) => {
    await runCleanups();
    process.exit(code);
  },
  async (error: unknown) => {
    process.stderr.write(`fault drill failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await runCleanups();
    process.exit(2);
  },
);
