/** One transfer to a person's bank card. `payout_id` is the idempotency key: the same id never pays twice. */
export interface PayoutRequest {
  readonly payout_id: string;
  readonly amount_fen: number;
  readonly payee: { readonly name: string; readonly bank_card: string };
  /** Shown on the payee's statement. */
  readonly memo: string;
}

/** The bank's decision. FAILED is final for this payout id (a frozen account, a closed card …). */
export type PayoutResult = { readonly status: 'PAID'; readonly reference: string } | { readonly status: 'FAILED'; readonly reason: string };

/**
 * The bank's payout (代付) API. An answer is final; a transport problem (timeout, 5xx, connection refused, an
 * unreadable answer) throws PayoutUnavailableError and leaves the outcome unknown — so the caller retries with
 * the same payout id, which the bank answers with the first outcome instead of paying again.
 */
export interface PayoutPort {
  pay(request: PayoutRequest): Promise<PayoutResult>;
}

/** The bank could not be asked or did not answer: retry later with the same payout id. */
export class PayoutUnavailableError extends Error {
  override readonly name = 'PayoutUnavailableError';
}
