import { createHash } from 'node:crypto';

/**
 * Transfers as the ledger takes them (TigerBeetle's model), and the pure
 * arithmetic of applying them to account totals.
 *
 * - `posted`: legs that move money now.
 * - `pending`: a reservation with exactly one debit and one credit leg; it counts against the accounts' pending
 *   totals until a later transfer resolves it:
 *   - `post` moves all of it, or less (the rest is released), into the posted totals;
 *   - `void` (someone cancels it) and `expire` (its timeout passed) release it.
 */
export type Side = 'D' | 'C';

export interface Leg {
  /** Account code (accounts.ts). */
  readonly account: string;
  readonly side: Side;
  readonly amountFen: bigint;
}

interface Common {
  /** Chosen by the caller, so a retry is recognised: the same id with the same content is applied once. */
  readonly id: string;
  /** What the transfer is for (SPLIT, SETTLE, REFUND, PAYOUT, TOP_UP, GIFT_CARD_SALE …). */
  readonly code: string;
  /** The business object it belongs to (a redemption id, a statement id …), for lookups and statements. */
  readonly ref?: string;
  readonly memo?: string;
}

export type TransferSpec =
  | (Common & { readonly kind: 'posted'; readonly legs: readonly Leg[] })
  | (Common & { readonly kind: 'pending'; readonly legs: readonly Leg[]; readonly timeoutAt?: Date })
  | (Common & { readonly kind: 'post'; readonly pendingId: string; readonly amountFen?: bigint })
  | (Common & { readonly kind: 'void' | 'expire'; readonly pendingId: string });

/** A two-legged posted transfer: `amountFen` from `debit` to `credit`. */
export function move(id: string, code: string, debit: string, credit: string, amountFen: bigint, extra: { ref?: string; memo?: string } = {}): TransferSpec {
  return { id, code, kind: 'posted', legs: [{ account: debit, side: 'D', amountFen }, { account: credit, side: 'C', amountFen }], ...extra };
}

/** A reservation of `amountFen` from `debit` to `credit`, resolved later by `post`, `void` or `expire`. */
export function reserve(id: string, code: string, debit: string, credit: string, amountFen: bigint, extra: { ref?: string; memo?: string; timeoutAt?: Date } = {}): TransferSpec {
  return { id, code, kind: 'pending', legs: [{ account: debit, side: 'D', amountFen }, { account: credit, side: 'C', amountFen }], ...extra };
}

export class TransferError extends Error {
  constructor(
    readonly transferId: string,
    readonly reason: string,
  ) {
    super(`ledger transfer ${transferId}: ${reason}`);
    this.name = 'TransferError';
  }
}

/** Refuses a transfer whose shape is wrong, before anything is written. */
export function validateTransfer(spec: TransferSpec): void {
  if (!/^[\x21-\x7e]{1,160}$/.test(spec.id)) throw new TransferError(spec.id, 'an id is 1–160 printable ASCII characters');
  if (spec.kind === 'posted' || spec.kind === 'pending') {
    if (spec.legs.length < 2) throw new TransferError(spec.id, 'a transfer has at least two legs');
    let net = 0n;
    for (const leg of spec.legs) {
      if (leg.amountFen <= 0n) throw new TransferError(spec.id, 'every leg moves a positive amount');
      net += leg.side === 'D' ? leg.amountFen : -leg.amountFen;
    }
    if (net !== 0n) throw new TransferError(spec.id, `debits and credits differ by ${net} fen`);
    if (spec.kind === 'pending' && (spec.legs.length !== 2 || spec.legs[0]!.side === spec.legs[1]!.side)) {
      throw new TransferError(spec.id, 'a pending transfer has one debit leg and one credit leg');
    }
  } else if (spec.kind === 'post' && spec.amountFen !== undefined && spec.amountFen <= 0n) {
    throw new TransferError(spec.id, 'a post moves a positive amount; void the reservation instead');
  }
}

/** The legs of a pending transfer that a resolution acts on. */
export type PendingLegs = readonly Leg[];

/** The legs a resolution writes: a post writes the reservation's legs with the posted amount; void and expire none. */
export function resolutionLegs(spec: TransferSpec & { pendingId: string }, pending: PendingLegs): Leg[] {
  if (spec.kind !== 'post') return [];
  const reserved = pending[0]!.amountFen;
  const amount = spec.amountFen ?? reserved;
  if (amount > reserved) throw new TransferError(spec.id, `posts ${amount} fen of a reservation of ${reserved}`);
  return pending.map((leg) => ({ ...leg, amountFen: amount }));
}

export interface AccountDelta {
  debitsPending: bigint;
  creditsPending: bigint;
  debitsPosted: bigint;
  creditsPosted: bigint;
}

/**
 * What a set of transfers does to each account's totals, summed per account — so a batch touching a hot account
 * a thousand times updates its row once.
 */
export function accountDeltas(transfers: readonly { spec: TransferSpec; legs: readonly Leg[]; released: PendingLegs }[]): Map<string, AccountDelta> {
  const deltas = new Map<string, AccountDelta>();
  const add = (account: string, field: keyof AccountDelta, amount: bigint) => {
    let delta = deltas.get(account);
    if (!delta) deltas.set(account, (delta = { debitsPending: 0n, creditsPending: 0n, debitsPosted: 0n, creditsPosted: 0n }));
    delta[field] += amount;
  };
  for (const { spec, legs, released } of transfers) {
    const pending = spec.kind === 'pending';
    for (const leg of legs) add(leg.account, leg.side === 'D' ? (pending ? 'debitsPending' : 'debitsPosted') : pending ? 'creditsPending' : 'creditsPosted', leg.amountFen);
    for (const leg of released) add(leg.account, leg.side === 'D' ? 'debitsPending' : 'creditsPending', -leg.amountFen);
  }
  return deltas;
}

/** A digest of what a transfer does, stored with it: a retry must match it, a reuse of the id must not. */
export function fingerprintOf(spec: TransferSpec, legs: readonly Leg[]): string {
  const content = {
    kind: spec.kind,
    code: spec.code,
    ref: spec.ref ?? null,
    pending: 'pendingId' in spec ? spec.pendingId : null,
    timeout: spec.kind === 'pending' ? (spec.timeoutAt?.toISOString() ?? null) : null,
    legs: legs.map((l) => [l.account, l.side, l.amountFen.toString()]),
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url');
}
