import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODULES } from '../src/app/modules.js';
import { signRequest } from '../src/modules/merchants/signature.js';
import { ERROR_CODES } from '../src/platform/errors/error-codes.js';
import { backendPairs } from './support/backends.js';
import { requestsFor, type FuzzRequest } from './support/fuzz/arbitraries.js';
import { databaseDigest } from './support/fuzz/database-digest.js';
import { operationsOf, type FuzzOperation } from './support/fuzz/openapi-operations.js';
import { http } from './support/http.js';
import { bearer, sessionFor } from './support/identity.js';
import type { MerchantCredentialsForTest } from './support/merchant.js';
import { useTestServer } from './support/test-platform.js';

/**
 * Every operation of the app's own OpenAPI document, sent generated malformed, boundary and hostile input by
 * every kind of caller. Whatever comes in: never a 5xx, every refusal in the error envelope with a registered
 * code, and an operation whose calls were all refused changed nothing in the database.
 *
 * CI runs a fixed seed; `FUZZ_SEED=<n> FUZZ_RUNS=<n> npx vitest run test/fuzz-openapi.test.ts` runs longer or
 * elsewhere. A failure prints fast-check's shrunk counterexample and the seed to replay it.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

/** Routes whose success is a side effect the fuzzer cannot undo for the rest of the run, or that wait on time. */
const SKIPPED = new Set<string>([]);

describe.each(backendPairs())('every operation fuzzed on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: MODULES });

  it('never answers 5xx, always answers refusals in the envelope, and a refused call changes nothing', { timeout: 600_000 }, async () => {
    const document = (await http(`${server.base}/openapi.json`)).json as unknown as Parameters<typeof operationsOf>[0];
    const operations = operationsOf(document).filter((op) => !SKIPPED.has(`${op.method} ${op.path}`));
    expect(operations.length).toBeGreaterThan(50);
    const operator = await sessionFor(server.platform, 'operator');
    const merchant = (await http(`${server.base}/api/v1/merchants`, { body: { name: `fuzz-${randomBytes(3).toString('hex')}` }, headers: bearer(operator.access_token) })).json
      .data as unknown as MerchantCredentialsForTest;
    expect(merchant?.api_key).toBeTruthy();

    const failures: string[] = [];
    for (const [index, operation] of operations.entries()) {
      // Fresh sessions per operation: some routes (sign-out, erasure) end the caller's sessions for good.
      const tokens = { consumer: (await sessionFor(server.platform)).access_token, operator: (await sessionFor(server.platform, 'operator')).access_token };
      const before = await databaseDigest(server.platform.database.db, server.platform.database.schema);
      let allRefused = true;
      const result = await fc.check(
        fc.asyncProperty(requestsFor(operation), async (request) => {
          const res = await send(server.base, operation, request, tokens, merchant);
          if (res.status < 400) {
            allRefused = false;
            return true;
          }
          return isEnvelopedRefusal(res);
        }),
        { seed: SEED + index, numRuns: RUNS, endOnFailure: true },
      );
      if (result.failed) {
        const example = result.counterexample?.[0] as FuzzRequest | undefined;
        failures.push(`${operation.method} ${operation.path} (seed ${SEED + index}): ${describeRequest(example)} → ${String(result.errorInstance ?? 'false')}`);
        continue;
      }
      if (allRefused) {
        const after = await databaseDigest(server.platform.database.db, server.platform.database.schema);
        const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
        if (changed.length > 0) failures.push(`${operation.method} ${operation.path}: only refusals, yet changed ${changed.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly json: Record<string, unknown> | undefined;
}

async function send(base: string, operation: FuzzOperation, request: FuzzRequest, tokens: { consumer: string; operator: string }, merchant: MerchantCredentialsForTest): Promise<Answer> {
  const headers: Record<string, string> = { 'idempotency-key': randomUUID() };
  if (request.contentType) headers['content-type'] = request.contentType;
  if (request.caller === 'consumer' || request.caller === 'operator') Object.assign(headers, bearer(tokens[request.caller]));
  if (request.caller === 'merchant') {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(12).toString('hex');
    const raw = request.body?.toString('latin1') ?? '';
    Object.assign(headers, {
      'x-api-key': merchant.api_key,
      'x-timestamp': timestamp,
      'x-nonce': nonce,
      'x-signature': signRequest(merchant.api_secret, operation.method, request.path, timestamp, nonce, raw),
    });
  }
  const response = await fetch(`${base}${request.path}`, { method: operation.method, headers, body: request.body });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  if (response.status >= 500) throw new Error(`${response.status} ${text.slice(0, 300)}`);
  return { status: response.status, text, json };
}

function isEnvelopedRefusal(res: Answer): boolean {
  const body = res.json;
  if (!body) throw new Error(`${res.status} not JSON: ${res.text.slice(0, 200)}`);
  const code = body.error;
  if (typeof code !== 'string' || !(code in ERROR_CODES)) throw new Error(`${res.status} without a registered code: ${res.text.slice(0, 200)}`);
  if (body.code !== res.status || typeof body.message !== 'string' || typeof body.request_id !== 'string') {
    throw new Error(`${res.status} not in the envelope: ${res.text.slice(0, 200)}`);
  }
  return true;
}

function describeRequest(request: FuzzRequest | undefined): string {
  if (!request) return '(no counterexample)';
  const body = request.body ? request.body.toString('utf8').slice(0, 200) : '';
  return `${request.caller} ${request.path.slice(0, 200)} [${request.contentType ?? 'no content type'}] ${body}`;
}
