import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { backendPairs } from './support/backends.js';
import { http } from './support/http.js';
import { probeModule } from './support/probe-module.js';
import { useTestServer } from './support/test-platform.js';

const [embedded] = backendPairs();

describe('HTTP kernel: envelope, errors, OpenAPI, metrics', () => {
  const server = useTestServer({
    db: embedded!.db,
    cache: embedded!.cache,
    env: { BODY_LIMIT_BYTES: '2048' },
    modules: [probeModule()],
    probeTable: true,
  });

  it('answers success in the envelope', async () => {
    const res = await http(`${server.base}/test/probe/env/add`, { body: { amount: 1 } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ code: 200, message: 'OK', data: { value: '1' } });
  });

  it('readyz names the backends', async () => {
    const res = await http(`${server.base}/readyz`);
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({ status: 'ready', db: server.platform.database.kind, cache: server.platform.cache.kind });
  });

  it('malformed JSON: 400 BAD_REQUEST in the envelope with a request id', async () => {
    const res = await http(`${server.base}/test/probe/x/add`, { rawBody: '{"amount": 1', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 400, error: 'BAD_REQUEST', message: '请求格式错误' });
    expect(res.json.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('unknown route: 404 NOT_FOUND; English on Accept-Language: en', async () => {
    const zh = await http(`${server.base}/api/v1/nothing-here`);
    expect(zh.status).toBe(404);
    expect(zh.json).toMatchObject({ code: 404, error: 'NOT_FOUND', message: '请求的资源不存在' });
    const en = await http(`${server.base}/api/v1/nothing-here`, { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.json.message).toBe('The requested resource does not exist');
  });

  it('body over the limit: 413 PAYLOAD_TOO_LARGE, not a 500', async () => {
    const res = await http(`${server.base}/test/probe/x/add`, { rawBody: JSON.stringify({ amount: 1, pad: 'x'.repeat(5000) }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ code: 413, error: 'PAYLOAD_TOO_LARGE' });
    expect(res.json.request_id).toEqual(expect.any(String));
  });

  it('schema violations: 400 VALIDATION_FAILED naming the fields', async () => {
    const res = await http(`${server.base}/test/probe/x/add`, { body: { amount: 'lots', extra: true } });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('VALIDATION_FAILED');
    const fields = (res.json.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.amount']));
    // Each field's problem in the reader's language, for forms to show in place.
    const zh = (res.json.details as { message: string }[]).map((d) => d.message).join(' ');
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    const en = await http(`${server.base}/test/probe/x/add`, { body: { amount: 'lots', extra: true }, headers: { 'accept-language': 'en' } });
    expect((en.json.details as { message: string }[]).map((d) => d.message).join(' ')).toMatch(/^[\x20-\x7e]+$/);
  });

  it('wrong content type: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await http(`${server.base}/test/probe/x/add`, { rawBody: 'amount=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expect(res.json.error).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('keeps a sane caller request id and makes one otherwise', async () => {
    const kept = await http(`${server.base}/healthz`, { headers: { 'x-request-id': 'till-42-abcdef' } });
    expect(kept.headers.get('x-request-id')).toBe('till-42-abcdef');
    const replaced = await http(`${server.base}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers', async () => {
    const res = await http(`${server.base}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('serves a valid OpenAPI 3.1 document and the docs UI', async () => {
    const res = await http(`${server.base}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(res.json as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(res.json.paths as object)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/test/probe/{name}/add']));
    const docs = await fetch(`${server.base}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('exposes Prometheus metrics: request durations by route and status, pool use, outbox lag', async () => {
    await http(`${server.base}/test/probe/metrics/add`, { body: { amount: 1 } });
    const res = await http(`${server.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/test\/probe\/:name\/add"[^}]*status_code="200"/);
    expect(res.text).toContain('db_pool_connections{state="total"}');
    expect(res.text).toMatch(/outbox_lag_seconds \d/);
    expect(res.text).toMatch(/outbox_pending_deliveries \d/);
  });
});

describe('rate limits', () => {
  const server = useTestServer({
    db: embedded!.db,
    cache: embedded!.cache,
    env: { RATE_LIMIT_GLOBAL_PER_SECOND: '0', RATE_LIMIT_PER_IP_PER_MINUTE: '20' },
  });

  it('answers 429 RATE_LIMITED with Retry-After past the per-IP ceiling; probes stay exempt', async () => {
    const answers = await Promise.all(Array.from({ length: 25 }, () => http(`${server.base}/api/v1/anything`)));
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 404)).toHaveLength(20);
    expect(limited).toHaveLength(5);
    expect(limited[0]!.json).toMatchObject({ code: 429, error: 'RATE_LIMITED' });
    const retryAfter = Number(limited[0]!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await http(`${server.base}/readyz`)).status).toBe(200);
  });
});

describe('global rate limit', () => {
  const server = useTestServer({ db: embedded!.db, cache: embedded!.cache, env: { RATE_LIMIT_GLOBAL_PER_SECOND: '10' } });

  it('caps the whole service per second, then lets requests through again in the next window', async () => {
    const burst = await Promise.all(Array.from({ length: 15 }, () => http(`${server.base}/api/v1/anything`)));
    expect(burst.filter((a) => a.status === 404)).toHaveLength(10);
    const limited = burst.filter((a) => a.status === 429);
    expect(limited).toHaveLength(5);
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await http(`${server.base}/api/v1/anything`)).status).toBe(404);
  });
});
