import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryCache } from '../../../platform/cache/memory-cache.js';
import { HttpTaxAuthority, type HttpTaxAuthorityOptions } from './http-tax-authority.js';
import { TAX_STATUSES, TaxAuthorityUnavailableError, TaxQueryLimitError, TaxQueryRefusedError, type TaxStatus, type TaxStatusQuery } from './port.js';

// A stand-in tax authority on 127.0.0.1, scripted per test (unit test of the adapter: the authority is external).
type Handler = (url: URL, res: ServerResponse, req: IncomingMessage) => void;
let handler: Handler;
let requests: URL[] = [];
const authority: Server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://authority');
  requests.push(url);
  handler(url, res, req);
});
let baseUrl = '';

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
const ok = (data: unknown): Handler => (_url, res) => send(res, 200, { code: 200, message: 'OK', data });
const error = (status: number, code: string): Handler => (_url, res) => send(res, status, { code: status, error: code, message: code });
const statusPaths = () => requests.filter((u) => u.pathname.endsWith('/status'));

beforeAll(async () => {
  await new Promise<void>((resolve) => authority.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(authority.address() as AddressInfo).port}/sandbox/tax/`;
});
afterAll(async () => {
  authority.closeAllConnections();
  await new Promise<void>((resolve) => authority.close(() => resolve()));
});

let now = 1_800_000_000_000;
let cache: MemoryCache;
beforeEach(() => {
  requests = [];
  now = 1_800_000_000_000;
  cache = new MemoryCache(() => now);
  handler = ok({ status: 'NORMAL' });
});
afterEach(() => cache.close());

function client(options: Partial<HttpTaxAuthorityOptions> = {}): HttpTaxAuthority {
  return new HttpTaxAuthority({ baseUrl, cache, now: () => now, retryDelayMs: 1, ...options });
}

const query: TaxStatusQuery = { number: '24112000000000000001', issueDate: '2026-11-20', totalAmountFen: 65_500n };
const full = {
  seller_tax_id: '91310000MA1FL0001X',
  seller_name: '上海权益餐饮有限公司',
  seller_registered: true,
  buyer_name: '张三',
  buyer_tax_id: '91110000MA0000000Y',
  total_amount: '655.00',
};

describe('HttpTaxAuthority.queryStatus', () => {
  it('sends number, date and amount for 数电; code, number, date and the 校验码 last 6 (普票) or the pre-tax amount (专票) for legacy', async () => {
    await client().queryStatus(query);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.pathname).toBe('/sandbox/tax/status');
    expect(Object.fromEntries(requests[0]!.searchParams)).toEqual({ number: '24112000000000000001', date: '2026-11-20', amount: '655.00' });

    await client().queryStatus({ number: '12345678', issueDate: '2019-03-01', totalAmountFen: 5n, code: '031001900111', checkCode: '12345678901234567890' });
    expect(Object.fromEntries(requests[1]!.searchParams)).toEqual({ number: '12345678', date: '2019-03-01', code: '031001900111', check_code: '567890' });

    await client().queryStatus({ number: '12345678', issueDate: '2019-03-01', totalAmountFen: 123_456n, code: '3100191130' });
    expect(Object.fromEntries(requests[2]!.searchParams)).toEqual({ number: '12345678', date: '2019-03-01', code: '3100191130', amount: '1234.56' });
  });

  it.each(TAX_STATUSES.filter((s) => s !== 'NOT_FOUND'))('parses %s with the seller and buyer', async (status) => {
    handler = ok({ status, ...full });
    await expect(client().queryStatus(query)).resolves.toEqual({
      status,
      sellerTaxId: '91310000MA1FL0001X',
      sellerName: '上海权益餐饮有限公司',
      sellerRegistered: true,
      buyerName: '张三',
      buyerTaxId: '91110000MA0000000Y',
      totalAmountFen: 65_500n,
    });
  });

  it('parses NOT_FOUND without any other field', async () => {
    handler = ok({ status: 'NOT_FOUND' });
    await expect(client().queryStatus(query)).resolves.toEqual({ status: 'NOT_FOUND' });
  });

  it('parses amounts exactly, as bigint fen', async () => {
    handler = ok({ status: 'PARTIALLY_RED_FLUSHED', ...full, total_amount: '123456789012.34', remaining_amount: '100.01', seller_registered: false });
    const answer = await client().queryStatus({ ...query, totalAmountFen: 12_345_678_901_234n });
    expect(answer.totalAmountFen).toBe(12_345_678_901_234n);
    expect(answer.remainingAmountFen).toBe(10_001n);
    expect(answer.sellerRegistered).toBe(false);
    expect(requests[0]!.searchParams.get('amount')).toBe('123456789012.34');
  });

  it('caches a final status: the second query costs no request, for 30 days', async () => {
    handler = ok({ status: 'VOID', ...full, remaining_amount: '0.00' });
    const tax = client();
    const first = await tax.queryStatus(query);
    now += 29 * 86_400_000;
    await expect(tax.queryStatus(query)).resolves.toEqual(first);
    expect(first.remainingAmountFen).toBe(0n);
    expect(statusPaths()).toHaveLength(1);
    // Another client sharing the cache (another process with Redis) gets it too.
    await expect(client().queryStatus(query)).resolves.toEqual(first);
    expect(statusPaths()).toHaveLength(1);
    now += 2 * 86_400_000;
    await tax.queryStatus(query);
    expect(statusPaths()).toHaveLength(2);
    expect(tax.stats()).toMatchObject({ cacheHits: 1, cacheMisses: 2, requests: 2 });
  });

  it.each(['RED_FLUSHED', 'OUT_OF_CONTROL', 'ABNORMAL'] satisfies TaxStatus[])('caches %s for the final TTL', async (status) => {
    handler = ok({ status });
    const tax = client({ finalStatusTtlMs: 5_000, normalStatusTtlMs: 1_000 });
    await tax.queryStatus(query);
    now += 4_999;
    await tax.queryStatus(query);
    expect(statusPaths()).toHaveLength(1);
  });

  it('caches NORMAL and PARTIALLY_RED_FLUSHED only for the short TTL', async () => {
    const tax = client();
    await tax.queryStatus(query);
    now += 59_000;
    await expect(tax.queryStatus(query)).resolves.toEqual({ status: 'NORMAL' });
    expect(statusPaths()).toHaveLength(1);
    now += 1_000;
    handler = ok({ status: 'PARTIALLY_RED_FLUSHED', remaining_amount: '100.00' });
    await expect(tax.queryStatus(query)).resolves.toEqual({ status: 'PARTIALLY_RED_FLUSHED', remainingAmountFen: 10_000n });
    expect(statusPaths()).toHaveLength(2);
    now += 30_000;
    await expect(tax.queryStatus(query)).resolves.toEqual({ status: 'PARTIALLY_RED_FLUSHED', remainingAmountFen: 10_000n });
    expect(statusPaths()).toHaveLength(2);
  });

  it('keys the cache by number, date, amount and code', async () => {
    handler = ok({ status: 'VOID' });
    const tax = client();
    await tax.queryStatus(query);
    await tax.queryStatus({ ...query, totalAmountFen: 65_501n });
    await tax.queryStatus({ ...query, issueDate: '2026-11-21' });
    await tax.queryStatus({ ...query, number: '24112000000000000002' });
    await tax.queryStatus({ ...query, code: '031001900111' });
    expect(statusPaths()).toHaveLength(5);
    await tax.queryStatus({ ...query, code: '031001900111' });
    expect(statusPaths()).toHaveLength(5);
  });

  it('never caches NOT_FOUND: the invoice may appear later the same day', async () => {
    handler = ok({ status: 'NOT_FOUND' });
    const tax = client();
    await tax.queryStatus(query);
    handler = ok({ status: 'NORMAL', ...full });
    await expect(tax.queryStatus(query)).resolves.toMatchObject({ status: 'NORMAL', totalAmountFen: 65_500n });
    expect(statusPaths()).toHaveLength(2);
  });

  it('maps 429 TAX_QUERY_LIMIT_REACHED to TaxQueryLimitError, without retrying or tripping the breaker', async () => {
    handler = error(429, 'TAX_QUERY_LIMIT_REACHED');
    const tax = client({ breaker: { failureThreshold: 2 } });
    for (let i = 0; i < 4; i++) await expect(tax.queryStatus(query)).rejects.toBeInstanceOf(TaxQueryLimitError);
    expect(statusPaths()).toHaveLength(4);
    expect(tax.stats().breaker.state).toBe('closed');
  });

  it('maps another 4xx to a refusal with its reason (not an outage), without retrying or tripping the breaker', async () => {
    handler = (_url, res) => send(res, 400, { code: 400, error: 'VALIDATION_FAILED', message: 'querystring/number must match pattern' });
    const tax = client({ breaker: { failureThreshold: 2 } });
    for (let i = 0; i < 3; i++) {
      const failure = await tax.queryStatus(query).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TaxQueryRefusedError);
      expect(failure).not.toBeInstanceOf(TaxAuthorityUnavailableError);
      expect(failure).toMatchObject({ authorityCode: 'VALIDATION_FAILED', reason: 'querystring/number must match pattern', httpStatus: 400 });
    }
    expect(statusPaths()).toHaveLength(3);
    expect(tax.stats().breaker.state).toBe('closed');
  });

  it('retries a 5xx twice, then gives up with TaxAuthorityUnavailableError', async () => {
    handler = error(500, 'INTERNAL');
    const failure = await client().queryStatus(query).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TaxAuthorityUnavailableError);
    expect((failure as Error).message).toMatch(/HTTP 500.*3 attempts/);
    expect(statusPaths()).toHaveLength(3);
  });

  it('recovers when a retry succeeds', async () => {
    let n = 0;
    handler = (url, res, req) => (++n < 3 ? error(503, 'BUSY') : ok({ status: 'VOID' }))(url, res, req);
    await expect(client().queryStatus(query)).resolves.toEqual({ status: 'VOID' });
    expect(statusPaths()).toHaveLength(3);
  });

  it('times out a server that never answers, quickly, as unavailable', async () => {
    handler = () => {};
    const started = performance.now();
    const failure = await client({ timeoutMs: 100, retries: 1 }).queryStatus(query).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TaxAuthorityUnavailableError);
    expect((failure as Error).message).toMatch(/timed out after 100 ms/);
    expect(performance.now() - started).toBeLessThan(10_000); // a server that never answers would hang forever
    expect(statusPaths()).toHaveLength(2);
  });

  it('treats a malformed body as unavailable, without retrying', async () => {
    for (const body of ['<html>gateway</html>', { code: 200, message: 'OK' }, { code: 200, data: { status: 'MAYBE' } }, { code: 200, data: { status: 'NORMAL', total_amount: '6.555' } }]) {
      handler = (_url, res) => send(res, 200, body);
      await expect(client().queryStatus(query)).rejects.toBeInstanceOf(TaxAuthorityUnavailableError);
    }
    expect(statusPaths()).toHaveLength(4);
  });

  it('treats a refused connection as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const tax = client({ baseUrl: `http://127.0.0.1:${port}` });
    await expect(tax.queryStatus(query)).rejects.toThrow(TaxAuthorityUnavailableError);
    expect(tax.stats()).toMatchObject({ requests: 3, breaker: { state: 'closed', consecutiveFailures: 1 } });
  });
});

describe('HttpTaxAuthority circuit breaker', () => {
  it('opens after N failed queries and then fails fast without touching the server', async () => {
    handler = error(500, 'INTERNAL');
    const tax = client({ retries: 0, breaker: { failureThreshold: 3, cooldownMs: 10_000 } });
    for (let i = 0; i < 3; i++) await expect(tax.queryStatus(query)).rejects.toThrow(/HTTP 500/);
    expect(statusPaths()).toHaveLength(3);
    expect(tax.stats().breaker.state).toBe('open');

    await expect(tax.queryStatus(query)).rejects.toThrow(/circuit open/);
    await expect(tax.queryStatus(query)).rejects.toBeInstanceOf(TaxAuthorityUnavailableError);
    await expect(tax.signingPublicKey()).rejects.toThrow(/circuit open/);
    expect(requests).toHaveLength(3);
  });

  it('counts a query, not each attempt, as one failure', async () => {
    handler = error(502, 'BAD_GATEWAY');
    const tax = client({ retries: 2, breaker: { failureThreshold: 2 } });
    await expect(tax.queryStatus(query)).rejects.toThrow();
    expect(tax.stats().breaker).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
    await expect(tax.queryStatus(query)).rejects.toThrow();
    expect(tax.stats().breaker.state).toBe('open');
    expect(statusPaths()).toHaveLength(6);
  });

  it('lets one trial through after the cool-down; success closes it', async () => {
    handler = error(500, 'INTERNAL');
    const tax = client({ retries: 0, breaker: { failureThreshold: 2, cooldownMs: 10_000 } });
    for (let i = 0; i < 2; i++) await expect(tax.queryStatus(query)).rejects.toThrow();
    handler = ok({ status: 'NORMAL' });
    now += 9_999;
    await expect(tax.queryStatus(query)).rejects.toThrow(/circuit open/);
    expect(statusPaths()).toHaveLength(2);

    now += 1;
    expect(tax.stats().breaker.state).toBe('half-open');
    await expect(tax.queryStatus({ ...query, number: '24112000000000000002' })).resolves.toEqual({ status: 'NORMAL' });
    expect(tax.stats().breaker.state).toBe('closed');
    await expect(tax.queryStatus(query)).resolves.toEqual({ status: 'NORMAL' });
    expect(statusPaths()).toHaveLength(4);
  });

  it('reopens when the trial fails', async () => {
    handler = error(500, 'INTERNAL');
    const tax = client({ retries: 0, breaker: { failureThreshold: 1, cooldownMs: 10_000 } });
    await expect(tax.queryStatus(query)).rejects.toThrow(/HTTP 500/);
    now += 10_000;
    await expect(tax.queryStatus(query)).rejects.toThrow(/HTTP 500/);
    expect(tax.stats().breaker.state).toBe('open');
    await expect(tax.queryStatus(query)).rejects.toThrow(/circuit open/);
    expect(statusPaths()).toHaveLength(2);
  });

  it('still serves cached answers while open', async () => {
    handler = ok({ status: 'OUT_OF_CONTROL' });
    const tax = client({ retries: 0, breaker: { failureThreshold: 1 } });
    await tax.queryStatus(query);
    handler = error(500, 'INTERNAL');
    await expect(tax.queryStatus({ ...query, number: '24112000000000000002' })).rejects.toThrow(/HTTP 500/);
    expect(tax.stats().breaker.state).toBe('open');
    await expect(tax.queryStatus(query)).resolves.toEqual({ status: 'OUT_OF_CONTROL' });
  });
});

describe('HttpTaxAuthority.signingPublicKey', () => {
  const key = `04${'ab'.repeat(64)}`;

  it('fetches GET {base}/public-key once and keeps it', async () => {
    handler = ok({ algorithm: 'SM2', public_key: key });
    const tax = client();
    const [a, b] = await Promise.all([tax.signingPublicKey(), tax.signingPublicKey()]);
    await expect(tax.signingPublicKey()).resolves.toBe(key);
    expect([a, b]).toEqual([key, key]);
    expect(requests.map((u) => u.pathname)).toEqual(['/sandbox/tax/public-key']);
  });

  it('forgets a failed fetch and tries again on the next call', async () => {
    handler = error(500, 'INTERNAL');
    const tax = client({ retries: 0 });
    await expect(tax.signingPublicKey()).rejects.toBeInstanceOf(TaxAuthorityUnavailableError);
    handler = ok({ algorithm: 'SM2', public_key: key });
    await expect(tax.signingPublicKey()).resolves.toBe(key);
    await expect(tax.signingPublicKey()).resolves.toBe(key);
    expect(requests).toHaveLength(2);
  });

  it('rejects a key that is not SM2 or not an uncompressed point', async () => {
    for (const data of [{ algorithm: 'RSA', public_key: key }, { algorithm: 'SM2', public_key: `02${'ab'.repeat(32)}` }, { algorithm: 'SM2' }]) {
      handler = ok(data);
      await expect(client().signingPublicKey()).rejects.toThrow(/malformed/);
    }
  });
});

describe('HttpTaxAuthority.caCertificates', () => {
  it('fetches GET {base}/ca-certificates once, as DER, and forgets a failed fetch', async () => {
    handler = error(500, 'INTERNAL');
    const tax = client({ retries: 0 });
    await expect(tax.caCertificates()).rejects.toBeInstanceOf(TaxAuthorityUnavailableError);
    handler = ok({ certificates: ['AQID', 'BAUG'] });
    const [a, b] = await Promise.all([tax.caCertificates(), tax.caCertificates()]);
    expect(a.map((der) => Buffer.from(der).toString('hex'))).toEqual(['010203', '040506']);
    expect(b).toBe(a);
    expect(requests.map((u) => u.pathname)).toEqual(['/sandbox/tax/ca-certificates', '/sandbox/tax/ca-certificates']);
  });

  it('rejects an answer that is not a list of base64 certificates', async () => {
    for (const data of [{}, { certificates: 'AQID' }, { certificates: [1] }, { certificates: ['not base64!'] }]) {
      handler = ok(data);
      await expect(client().caCertificates()).rejects.toThrow(/malformed/);
    }
  });
});
