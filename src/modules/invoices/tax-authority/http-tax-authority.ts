import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cache } from '../../../platform/cache/cache.js';
import { formatMoney, parseMoney, type Fen } from '../../../platform/money/money.js';
import { CircuitBreaker, type CircuitBreakerSnapshot, type CircuitState } from './circuit-breaker.js';
import {
  TAX_STATUSES,
  TaxAuthorityUnavailableError,
  TaxQueryLimitError,
  TaxQueryRefusedError,
  type TaxAuthority,
  type TaxStatus,
  type TaxStatusAnswer,
  type TaxStatusQuery,
} from './port.js';

export interface HttpTaxAuthorityOptions {
  /** Where the authority (or the sandbox) answers `/status` and `/public-key`, e.g. http://127.0.0.1:3000/sandbox/tax. */
  readonly baseUrl: string | (() => string);
  readonly cache: Cache;
  /** Per attempt, connection to end of body. Default 2 s. */
  readonly timeoutMs?: number;
  /** Extra attempts after a network error, a timeout or a 5xx. Default 2. */
  readonly retries?: number;
  /** Backoff before retry n (1-based) is drawn from [d·2ⁿ⁻¹/2, d·2ⁿ⁻¹] with d = this. Default 100 ms. */
  readonly retryDelayMs?: number;
  /** Consecutive failed calls (after their retries) that open the breaker, and how long it stays open. */
  readonly breaker?: { readonly failureThreshold?: number; readonly cooldownMs?: number; readonly onStateChange?: (from: CircuitState, to: CircuitState) => void };
  /** How long VOID, RED_FLUSHED, OUT_OF_CONTROL and ABNORMAL answers are cached. Default 30 days. */
  readonly finalStatusTtlMs?: number;
  /** How long NORMAL and PARTIALLY_RED_FLUSHED answers are cached. Default 60 s. NOT_FOUND is never cached. */
  readonly normalStatusTtlMs?: number;
  /** Clock for the breaker, in ms. Default Date.now. */
  readonly now?: () => number;
}

export interface HttpTaxAuthorityStats {
  readonly cacheHits: number;
  readonly cacheMisses: number;
  /** HTTP requests sent, retries included. */
  readonly requests: number;
  readonly breaker: CircuitBreakerSnapshot;
}

const FINAL_STATUSES: ReadonlySet<TaxStatus> = new Set(['VOID', 'RED_FLUSHED', 'OUT_OF_CONTROL', 'ABNORMAL']);
const SM2_PUBLIC_KEY = /^04[0-9a-fA-F]{128}$/;
const DAY_MS = 86_400_000;

/**
 * The tax authority over HTTP (the sandbox's contract, the platform envelope `{code, message, data}`):
 * `GET {base}/status?number&date&amount` (数电), `GET {base}/status?code&number&date&check_code` (legacy 普票: the
 * 校验码's last 6 digits) or `…&amount` (legacy 专票: the pre-tax amount), and `GET {base}/public-key`.
 *
 * - 429 TAX_QUERY_LIMIT_REACHED → TaxQueryLimitError: not retried, and the breaker counts it as an answer.
 * - Network errors, timeouts and 5xx are retried with jittered backoff; when the retries run out, and for malformed
 *   bodies (not retried), → TaxAuthorityUnavailableError, one failure for the breaker.
 * - Any other 4xx → TaxQueryRefusedError with the authority's reason: the authority is up and refused this query,
 *   so it is not an outage (never 503), not retried and not a breaker failure.
 * - While the breaker is open → TaxAuthorityUnavailableError without a request.
 * - Answers are cached per number+date+amount+code+check code: final statuses long, NORMAL and PARTIALLY_RED_FLUSHED
 *   briefly, NOT_FOUND never (a same-day invoice appears later). A cached answer spends none of the 5 daily checks,
 *   and is served even while the breaker is open. The cache only accelerates: when it fails, the authority is asked.
 */
export class HttpTaxAuthority implements TaxAuthority {
  /** A function when the base is known only later (the in-process sandbox, once the server listens). */
  private readonly baseUrl: () => string;
  private readonly inFlight = new Map<string, Promise<TaxStatusAnswer>>();
  private readonly cache: Cache;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly finalStatusTtlMs: number;
  private readonly normalStatusTtlMs: number;
  private readonly breaker: CircuitBreaker;
  private publicKey: Promise<string> | undefined;
  private caCertificatesFetched: Promise<Uint8Array[]> | undefined;
  private readonly counters = { cacheHits: 0, cacheMisses: 0, requests: 0 };

  constructor(options: HttpTaxAuthorityOptions) {
    const base = options.baseUrl;
    this.baseUrl = typeof base === 'string' ? () => base.replace(/\/+$/, '') : () => base().replace(/\/+$/, '');
    this.cache = options.cache;
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.finalStatusTtlMs = options.finalStatusTtlMs ?? 30 * DAY_MS;
    this.normalStatusTtlMs = options.normalStatusTtlMs ?? 60_000;
    this.breaker = new CircuitBreaker({
      failureThreshold: options.breaker?.failureThreshold ?? 5,
      cooldownMs: options.breaker?.cooldownMs ?? 30_000,
      onStateChange: options.breaker?.onStateChange,
      now: options.now ?? Date.now,
      isFailure: (error) => !(error instanceof TaxQueryLimitError || error instanceof TaxQueryRefusedError),
      openError: () => new TaxAuthorityUnavailableError('tax authority circuit open: failing fast'),
    });
  }

  /**
   * Identical queries already in flight share one request: many submissions of one invoice at once (a group
   * claiming the same receipt) must not spend its 5 daily checks.
   */
  queryStatus(query: TaxStatusQuery): Promise<TaxStatusAnswer> {
    const key = cacheKey(query);
    const running = this.inFlight.get(key);
    if (running) return running;
    const answer = this.queryOnce(key, query).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, answer);
    return answer;
  }

  private async queryOnce(key: string, query: TaxStatusQuery): Promise<TaxStatusAnswer> {
    const cached = await this.cached(key);
    if (cached) {
      this.counters.cacheHits += 1;
      return cached;
    }
    this.counters.cacheMisses += 1;

    const answer = await this.call(`/status?${statusParams(query)}`, parseAnswer);

    const ttl = answer.status === 'NOT_FOUND' ? 0 : FINAL_STATUSES.has(answer.status) ? this.finalStatusTtlMs : this.normalStatusTtlMs;
    if (ttl > 0) {
      try {
        await this.cache.set(key, JSON.stringify(toWire(answer)), ttl);
      } catch {
        // The answer stands; the next query asks the authority again.
      }
    }
    return answer;
  }

  /** Fetched once and kept; a failed fetch is forgotten so the next call tries again. */
  signingPublicKey(): Promise<string> {
    this.publicKey ??= this.call('/public-key', parsePublicKey).catch((error: unknown) => {
      this.publicKey = undefined;
      throw error;
    });
    return this.publicKey;
  }

  /**
   * The sandbox's tax bureau CA certificates (`GET {base}/ca-certificates`), fetched once. Only outside production,
   * where the authority is the sandbox: production's trust anchors come from TAX_BUREAU_CA_CERTS, never the wire.
   */
  caCertificates(): Promise<Uint8Array[]> {
    this.caCertificatesFetched ??= this.call('/ca-certificates', parseCaCertificates).catch((error: unknown) => {
      this.caCertificatesFetched = undefined;
      throw error;
    });
    return this.caCertificatesFetched;
  }

  stats(): HttpTaxAuthorityStats {
    return { ...this.counters, breaker: this.breaker.snapshot() };
  }

  private async cached(key: string): Promise<TaxStatusAnswer | null> {
    try {
      const text = await this.cache.get(key);
      return text === null ? null : parseAnswer(JSON.parse(text));
    } catch {
      return null; // cache down or an unreadable entry: ask the authority
    }
  }

  /** One logical call: the breaker around the retries around single attempts. */
  private call<T>(path: string, parse: (data: Record<string, unknown>) => T): Promise<T> {
    return this.breaker.execute(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return parse(await this.attempt(path));
        } catch (error) {
          if (!(error instanceof TransientError)) throw error;
          if (attempt >= this.retries) {
            throw new TaxAuthorityUnavailableError(`${error.message} (${attempt + 1} attempts)`, { cause: error });
          }
          const ceiling = this.retryDelayMs * 2 ** attempt;
          await sleep(randomInt(Math.floor(ceiling / 2), Math.floor(ceiling) + 1));
        }
      }
    });
  }

  /** One HTTP request; returns the envelope's `data`. */
  private async attempt(path: string): Promise<Record<string, unknown>> {
    this.counters.requests += 1;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl()}${path}`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `timed out after ${this.timeoutMs} ms` : 'unreachable';
      throw new TransientError(`tax authority ${reason}`, { cause: error });
    }
    if (response.status >= 500) throw new TransientError(`tax authority answered HTTP ${response.status}`);

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (response.status === 429 && isRecord(body) && body.error === 'TAX_QUERY_LIMIT_REACHED') throw new TaxQueryLimitError();
    if (!response.ok) {
      const code = isRecord(body) && typeof body.error === 'string' ? body.error : undefined;
      const message = isRecord(body) && typeof body.message === 'string' && body.message !== '' ? body.message : `HTTP ${response.status}`;
      throw new TaxQueryRefusedError(code, message.slice(0, 300), response.status);
    }
    if (!isRecord(body) || !isRecord(body.data)) throw new TaxAuthorityUnavailableError('tax authority answered a malformed body');
    return body.data;
  }
}

/** Worth another attempt: network error, timeout, 5xx. */
class TransientError extends TaxAuthorityUnavailableError {}

/** What the authority checks each kind by (port.ts): 数电 number + date + 价税合计; legacy 代码 + 号码 + date + 校验码 last 6 or pre-tax amount. */
function statusParams(query: TaxStatusQuery): URLSearchParams {
  if (query.code === undefined) return new URLSearchParams({ number: query.number, date: query.issueDate, amount: formatMoney(query.totalAmountFen) });
  const params = new URLSearchParams({ code: query.code, number: query.number, date: query.issueDate });
  if (query.checkCode !== undefined) params.set('check_code', query.checkCode.slice(-6));
  else params.set('amount', formatMoney(query.totalAmountFen));
  return params;
}

function cacheKey(query: TaxStatusQuery): string {
  return `tax-status:v1:${[query.number, query.issueDate, formatMoney(query.totalAmountFen), query.code ?? '', query.checkCode ?? ''].join('|')}`;
}

function parseAnswer(data: unknown): TaxStatusAnswer {
  if (!isRecord(data)) throw malformed('status answer is not an object');
  const status = data.status;
  if (typeof status !== 'string' || !(TAX_STATUSES as readonly string[]).includes(status)) throw malformed(`unknown status ${JSON.stringify(status)}`);
  const answer: { -readonly [K in keyof TaxStatusAnswer]: TaxStatusAnswer[K] } = { status: status as TaxStatus };
  const sellerTaxId = optionalString(data, 'seller_tax_id');
  if (sellerTaxId !== undefined) answer.sellerTaxId = sellerTaxId;
  const sellerName = optionalString(data, 'seller_name');
  if (sellerName !== undefined) answer.sellerName = sellerName;
  if (data.seller_registered !== undefined && data.seller_registered !== null) {
    if (typeof data.seller_registered !== 'boolean') throw malformed('seller_registered is not a boolean');
    answer.sellerRegistered = data.seller_registered;
  }
  const buyerName = optionalString(data, 'buyer_name');
  if (buyerName !== undefined) answer.buyerName = buyerName;
  const buyerTaxId = optionalString(data, 'buyer_tax_id');
  if (buyerTaxId !== undefined) answer.buyerTaxId = buyerTaxId;
  // A red-letter invoice carries a negative total; what remains of an invoice never goes below zero.
  const total = optionalMoney(data, 'total_amount', true);
  if (total !== undefined) answer.totalAmountFen = total;
  const withTax = optionalMoney(data, 'amount_with_tax', true);
  if (withTax !== undefined) answer.amountWithTaxFen = withTax;
  const remaining = optionalMoney(data, 'remaining_amount', false);
  if (remaining !== undefined) answer.remainingAmountFen = remaining;
  return answer;
}

/** The answer in the authority's own shape, for the cache (bigint does not go through JSON). */
function toWire(answer: TaxStatusAnswer): Record<string, unknown> {
  return {
    status: answer.status,
    seller_tax_id: answer.sellerTaxId,
    seller_name: answer.sellerName,
    seller_registered: answer.sellerRegistered,
    buyer_name: answer.buyerName,
    buyer_tax_id: answer.buyerTaxId,
    total_amount: answer.totalAmountFen === undefined ? undefined : formatMoney(answer.totalAmountFen),
    amount_with_tax: answer.amountWithTaxFen === undefined ? undefined : formatMoney(answer.amountWithTaxFen),
    remaining_amount: answer.remainingAmountFen === undefined ? undefined : formatMoney(answer.remainingAmountFen),
  };
}

function parsePublicKey(data: Record<string, unknown>): string {
  if (data.algorithm !== 'SM2') throw malformed(`unexpected key algorithm ${JSON.stringify(data.algorithm)}`);
  if (typeof data.public_key !== 'string' || !SM2_PUBLIC_KEY.test(data.public_key)) {
    throw malformed('public_key is not an uncompressed SM2 point in hex');
  }
  return data.public_key;
}

function parseCaCertificates(data: Record<string, unknown>): Uint8Array[] {
  const list = data.certificates;
  if (!Array.isArray(list) || list.some((c) => typeof c !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(c))) {
    throw malformed('certificates is not a list of base64 DER certificates');
  }
  return (list as string[]).map((c) => new Uint8Array(Buffer.from(c, 'base64')));
}

function optionalString(data: Record<string, unknown>, field: string): string | undefined {
  const value = data[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw malformed(`${field} is not a string`);
  return value;
}

function optionalMoney(data: Record<string, unknown>, field: string, allowNegative: boolean): Fen | undefined {
  const value = data[field];
  if (value === undefined || value === null) return undefined;
  try {
    return parseMoney(value, { allowNegative });
  } catch (error) {
    throw new TaxAuthorityUnavailableError(`tax authority answered a malformed body: ${field}`, { cause: error });
  }
}

function malformed(reason: string): TaxAuthorityUnavailableError {
  return new TaxAuthorityUnavailableError(`tax authority answered a malformed body: ${reason}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
