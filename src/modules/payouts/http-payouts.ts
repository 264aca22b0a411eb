import { formatMoney } from '../../platform/money/money.js';
import { PayoutUnavailableError, type PayoutPort, type PayoutRequest, type PayoutResult } from './port.js';

export interface HttpPayoutsOptions {
  /** Where the bank (or the sandbox) answers `POST /payouts`, e.g. http://127.0.0.1:3000/sandbox/payouts. */
  readonly baseUrl: string | (() => string);
  /** Connection to end of body. Default 5 s. */
  readonly timeoutMs?: number;
}

/** Answers that mean "not now" rather than "no": the request may succeed unchanged later. */
const RETRYABLE_CLIENT_STATUSES = new Set([401, 403, 404, 408, 425, 429]);

/**
 * The bank's payout API over HTTP (the sandbox's contract, the platform envelope `{code, message, data}`):
 * `POST {base}/payouts` with `{payout_id, amount, payee_name, bank_card, memo}` and the payout id as the
 * `Idempotency-Key`. One attempt per call: the caller owns retries (with backoff, and the same payout id).
 *
 * - 200 with `{status: 'PAID', reference}` or `{status: 'FAILED', reason}` → that result.
 * - 400, 409, 422 (the bank refuses this request as such) → FAILED with the bank's error code.
 * - Network errors, timeouts, 5xx, 401/403/404 (misconfigured, fixable), 408/429 and unreadable bodies →
 *   PayoutUnavailableError: the outcome is unknown, and asking again with the same id is safe.
 */
export class HttpPayouts implements PayoutPort {
  private readonly baseUrl: () => string;
  private readonly timeoutMs: number;

  constructor(options: HttpPayoutsOptions) {
    const base = options.baseUrl;
    this.baseUrl = typeof base === 'string' ? () => base.replace(/\/+$/, '') : () => base().replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  async pay(request: PayoutRequest): Promise<PayoutResult> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl()}/payouts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': request.payout_id },
        body: JSON.stringify({
          payout_id: request.payout_id,
          amount: formatMoney(request.amount_fen),
          payee_name: request.payee.name,
          bank_card: request.payee.bank_card,
          memo: request.memo,
        }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `timed out after ${this.timeoutMs} ms` : 'unreachable';
      throw new PayoutUnavailableError(`payout bank ${reason}`, { cause: error });
    }
    const body = parseJson(text);
    if (response.status >= 500 || RETRYABLE_CLIENT_STATUSES.has(response.status)) {
      throw new PayoutUnavailableError(`payout bank answered HTTP ${response.status}${errorCodeOf(body, ' ')}`);
    }
    if (!response.ok) {
      // The bank refused the request itself (malformed, or the id reused for another transfer): it paid nothing.
      return { status: 'FAILED', reason: errorCodeOf(body, '') || `HTTP_${response.status}` };
    }
    const data = isRecord(body) && isRecord(body.data) ? body.data : undefined;
    if (data?.status === 'PAID' && typeof data.reference === 'string' && data.reference) return { status: 'PAID', reference: data.reference };
    if (data?.status === 'FAILED' && typeof data.reason === 'string' && data.reason) return { status: 'FAILED', reason: data.reason };
    throw new PayoutUnavailableError('payout bank answered a malformed body');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorCodeOf(body: unknown, prefix: string): string {
  return isRecord(body) && typeof body.error === 'string' ? `${prefix}${body.error}` : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
