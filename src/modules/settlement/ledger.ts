import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { accountDefinition, balanceOf } from './domain/accounts.js';
import { accountDeltas, fingerprintOf, resolutionLegs, TransferError, validateTransfer, type Leg, type TransferSpec } from './domain/transfers.js';
import './schema.js';

export interface WriteResult {
  /** Transfers this call applied. */
  readonly created: ReadonlySet<string>;
  /** Transfers that were already in the ledger with the same content (a retry): applied before, not again. */
  readonly existing: ReadonlySet<string>;
}

export interface AccountBalance {
  readonly code: string;
  readonly kind: string;
  readonly normalSide: 'debit' | 'credit';
  readonly mayGoNegative: boolean;
  readonly debitsPending: bigint;
  readonly creditsPending: bigint;
  readonly debitsPosted: bigint;
  readonly creditsPosted: bigint;
  /** On the normal side: posted, and posted minus what pending transfers reserve. */
  readonly posted: bigint;
  readonly available: bigint;
}

const CHECK_VIOLATION = '23514';

/**
 * The ledger's only writer and reader (docs/design/settlement.md). `write` applies transfers in
 * the caller's transaction:
 *
 * 1. reads the legs of the reservations being resolved;
 * 2. inserts the transfers — a retried id with the same content is skipped, a reused id with different content
 *    or a second resolution of one reservation is refused;
 * 3. inserts the legs of the new transfers (the deferred trigger checks each balances at commit);
 * 4. adds the summed change to each account in one call of `ledger_apply_deltas`, which locks the accounts in
 *    id order (so concurrent writers never deadlock) and lets the balance `CHECK` refuse an overdraft.
 *
 * Hot accounts are handled by step 4: callers that batch many transfers into one write (group commit) update a
 * hot account's row once per batch, not once per transfer.
 */
export class Ledger {
  private readonly accountIds = new Map<string, string>();

  constructor(private readonly ids: IdGenerator) {}

  async write(trx: Transaction<Database>, specs: readonly TransferSpec[]): Promise<WriteResult> {
    if (specs.length === 0) return { created: new Set(), existing: new Set() };
    const seen = new Set<string>();
    for (const spec of specs) {
      try {
        validateTransfer(spec);
      } catch (error) {
        throw invalid(error);
      }
      if (seen.has(spec.id)) throw new AppError('LEDGER_TRANSFER_INVALID', { transfer_id: spec.id, reason: 'the same id twice in one write' });
      seen.add(spec.id);
    }
    const pendingLegs = await this.pendingLegs(trx, specs.flatMap((s) => ('pendingId' in s ? [s.pendingId] : [])));
    const shaped = specs.map((spec) => {
      if (!('pendingId' in spec)) return { spec, legs: spec.legs, released: [] as Leg[] };
      const pending = pendingLegs.get(spec.pendingId) ?? specs.find((s): s is TransferSpec & { kind: 'pending' } => s.id === spec.pendingId && s.kind === 'pending')?.legs;
      if (!pending) throw new AppError('LEDGER_PENDING_NOT_FOUND', { transfer_id: spec.id, pending_id: spec.pendingId });
      try {
        return { spec, legs: resolutionLegs(spec, pending), released: pending };
      } catch (error) {
        throw invalid(error);
      }
    });
    const accountIds = await this.accountIdsFor(trx, shaped.flatMap((s) => [...s.legs, ...s.released].map((l) => l.account)));

    const fingerprints = shaped.map((s) => fingerprintOf(s.spec, s.legs));
    const inserted = await sql<{ transfer_id: string }>`
      INSERT INTO ledger_transfers (transfer_id, kind, pending_id, code, ref, memo, timeout_at, fingerprint)
      SELECT * FROM unnest(${shaped.map((s) => s.spec.id)}::text[], ${shaped.map((s) => s.spec.kind)}::text[],
                           ${shaped.map((s) => ('pendingId' in s.spec ? s.spec.pendingId : null))}::text[], ${shaped.map((s) => s.spec.code)}::text[],
                           ${shaped.map((s) => s.spec.ref ?? null)}::text[], ${shaped.map((s) => s.spec.memo ?? null)}::text[],
                           ${shaped.map((s) => (s.spec.kind === 'pending' ? (s.spec.timeoutAt?.toISOString() ?? null) : null))}::timestamptz[],
                           ${fingerprints}::text[])
      ON CONFLICT DO NOTHING
      RETURNING transfer_id
    `.execute(trx);
    const created = new Set(inserted.rows.map((r) => r.transfer_id));
    const existing = new Set<string>();
    if (created.size < shaped.length) {
      const skipped = shaped.map((s, i) => ({ id: s.spec.id, fingerprint: fingerprints[i]! })).filter((s) => !created.has(s.id));
      const found = new Map(
        (await trx.selectFrom('ledger_transfers').select(['transfer_id', 'fingerprint']).where('transfer_id', 'in', skipped.map((s) => s.id)).execute()).map((r) => [r.transfer_id, r.fingerprint]),
      );
      for (const s of skipped) {
        const fingerprint = found.get(s.id);
        if (fingerprint === undefined) {
          const spec = shaped.find((x) => x.spec.id === s.id)!.spec as TransferSpec & { pendingId: string };
          throw new AppError('LEDGER_PENDING_RESOLVED', { transfer_id: s.id, pending_id: spec.pendingId });
        }
        if (fingerprint !== s.fingerprint) throw new AppError('LEDGER_TRANSFER_CONFLICT', { transfer_id: s.id });
        existing.add(s.id);
      }
    }
    const fresh = shaped.filter((s) => created.has(s.spec.id));
    // A resolution whose reservation was itself skipped as a retry must not release it twice: both are retries.
    const legs = fresh.flatMap((s) => s.legs.map((leg, i) => ({ transferId: s.spec.id, leg: i, account: accountIds.get(leg.account)!, side: leg.side, amount: leg.amountFen })));
    if (legs.length > 0) {
      await sql`
        INSERT INTO ledger_entries (transfer_id, leg, account_id, side, amount_fen)
        SELECT * FROM unnest(${legs.map((l) => l.transferId)}::text[], ${legs.map((l) => l.leg)}::smallint[], ${legs.map((l) => l.account)}::bigint[],
                             ${legs.map((l) => l.side)}::text[], ${legs.map((l) => l.amount.toString())}::bigint[])
      `.execute(trx);
    }
    await this.applyDeltas(trx, fresh, accountIds);
    return { created, existing };
  }

  /** Balances of the named accounts (absent codes: never used, so zero). */
  async balances(db: Kysely<Database>, codes: readonly string[]): Promise<Map<string, AccountBalance>> {
    if (codes.length === 0) return new Map();
    const rows = await db.selectFrom('ledger_accounts').selectAll().where('code', 'in', [...codes]).execute();
    return new Map(rows.map((r) => [r.code, toBalance(r)]));
  }

  /** Every account with its totals, in code order (reports; small: one row per party and house account). */
  async allAccounts(db: Kysely<Database>): Promise<AccountBalance[]> {
    const rows = await db.selectFrom('ledger_accounts').selectAll().orderBy('code').execute();
    return rows.map(toBalance);
  }

  /**
   * Accounts whose stored totals differ from the sum of their entries and unresolved reservations: the
   * balances are a cache of the entries, and this proves it (the reconciliation report).
   */
  async totalsMismatches(db: Kysely<Database>): Promise<{ code: string; stored: Record<string, string>; derived: Record<string, string> }[]> {
    const rows = await sql<{ code: string; dp: string; cp: string; dpo: string; cpo: string; xdp: string; xcp: string; xdpo: string; xcpo: string }>`
      WITH derived AS (
        SELECT e.account_id,
               sum(e.amount_fen) FILTER (WHERE t.kind = 'pending' AND r.transfer_id IS NULL AND e.side = 'D') AS dp,
               sum(e.amount_fen) FILTER (WHERE t.kind = 'pending' AND r.transfer_id IS NULL AND e.side = 'C') AS cp,
               sum(e.amount_fen) FILTER (WHERE t.kind <> 'pending' AND e.side = 'D') AS dpo,
               sum(e.amount_fen) FILTER (WHERE t.kind <> 'pending' AND e.side = 'C') AS cpo
        FROM ledger_entries e
        JOIN ledger_transfers t ON t.transfer_id = e.transfer_id
        LEFT JOIN ledger_transfers r ON r.pending_id = t.transfer_id
        GROUP BY e.account_id
      )
      SELECT a.code, a.debits_pending AS dp, a.credits_pending AS cp, a.debits_posted AS dpo, a.credits_posted AS cpo,
             coalesce(d.dp, 0) AS xdp, coalesce(d.cp, 0) AS xcp, coalesce(d.dpo, 0) AS xdpo, coalesce(d.cpo, 0) AS xcpo
      FROM ledger_accounts a LEFT JOIN derived d ON d.account_id = a.account_id
      WHERE a.debits_pending <> coalesce(d.dp, 0) OR a.credits_pending <> coalesce(d.cp, 0)
         OR a.debits_posted <> coalesce(d.dpo, 0) OR a.credits_posted <> coalesce(d.cpo, 0)
    `.execute(db);
    return rows.rows.map((r) => ({
      code: r.code,
      stored: { debits_pending: r.dp, credits_pending: r.cp, debits_posted: r.dpo, credits_posted: r.cpo },
      derived: { debits_pending: String(r.xdp), credits_pending: String(r.xcp), debits_posted: String(r.xdpo), credits_posted: String(r.xcpo) },
    }));
  }

  /** Resolves reservations whose timeout has passed with `expire` transfers; returns how many. */
  async expireDue(db: Kysely<Database>, now: Date, limit = 500): Promise<number> {
    const due = await this.timedOut(db, now, limit);
    if (due.length === 0) return 0;
    return db.transaction().execute(async (trx) => {
      const result = await this.write(trx, due.map((pendingId) => ({ id: `expire:${pendingId}`, code: 'EXPIRED', kind: 'expire' as const, pendingId })));
      return result.created.size;
    });
  }

  /** Reservations whose timeout has passed, oldest first (the expiry sweep resolves them with `expire`). */
  async timedOut(db: Kysely<Database>, now: Date, limit: number): Promise<string[]> {
    const rows = await sql<{ transfer_id: string }>`
      SELECT t.transfer_id FROM ledger_transfers t
      WHERE t.timeout_at IS NOT NULL AND t.timeout_at <= ${now}
        AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.transfer_id)
      ORDER BY t.timeout_at LIMIT ${limit}
    `.execute(db);
    return rows.rows.map((r) => r.transfer_id);
  }

  /**
   * The ids of the accounts named, opening those that do not exist yet (their definitions follow from their
   * codes). Only ids of accounts committed by an earlier transaction are cached: an account opened in this
   * transaction disappears if it rolls back.
   */
  private async accountIdsFor(trx: Transaction<Database>, codes: readonly string[]): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    const missing: string[] = [];
    for (const code of new Set(codes)) {
      const cached = this.accountIds.get(code);
      if (cached) ids.set(code, cached);
      else missing.push(code);
    }
    if (missing.length === 0) return ids;
    const read = () =>
      sql<{ code: string; account_id: string; committed: boolean }>`
        SELECT code, account_id, created_at < now() AS committed FROM ledger_accounts WHERE code = ANY(${missing}::text[])
      `.execute(trx);
    let rows = (await read()).rows;
    if (rows.length < missing.length) {
      const found = new Set(rows.map((r) => r.code));
      const definitions = missing.filter((code) => !found.has(code)).map((code) => {
        const definition = accountDefinition(code);
        if (!definition) throw new AppError('LEDGER_TRANSFER_INVALID', { account: code, reason: 'no such account in the chart' });
        return definition;
      });
      await trx
        .insertInto('ledger_accounts')
        .values(definitions.map((d) => ({ account_id: this.ids.next(), code: d.code, kind: d.kind, owner_kind: d.ownerKind, owner_id: d.ownerId, normal_side: d.normalSide, may_go_negative: d.mayGoNegative })))
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
      rows = (await read()).rows;
    }
    for (const row of rows) {
      ids.set(row.code, String(row.account_id));
      if (row.committed) this.accountIds.set(row.code, String(row.account_id));
    }
    return ids;
  }

  private async applyDeltas(trx: Transaction<Database>, fresh: readonly { spec: TransferSpec; legs: readonly Leg[]; released: readonly Leg[] }[], accountIds: ReadonlyMap<string, string>): Promise<void> {
    const deltas = [...accountDeltas(fresh)].map(([code, d]) => ({ id: accountIds.get(code)!, ...d })).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    if (deltas.length === 0) return;
    try {
      await sql`SELECT ledger_apply_deltas(${deltas.map((d) => d.id)}::bigint[], ${deltas.map((d) => d.debitsPending.toString())}::bigint[],
                                           ${deltas.map((d) => d.creditsPending.toString())}::bigint[], ${deltas.map((d) => d.debitsPosted.toString())}::bigint[],
                                           ${deltas.map((d) => d.creditsPosted.toString())}::bigint[])`.execute(trx);
    } catch (error) {
      const pgError = error as { code?: string; constraint?: string; message?: string };
      if (pgError.code === CHECK_VIOLATION) {
        const account = /account (\S+)/.exec(pgError.message ?? '')?.[1];
        throw new AppError('LEDGER_INSUFFICIENT_FUNDS', account ? { account } : {});
      }
      throw error;
    }
  }

  private async pendingLegs(trx: Transaction<Database>, pendingIds: readonly string[]): Promise<Map<string, Leg[]>> {
    const byId = new Map<string, Leg[]>();
    if (pendingIds.length === 0) return byId;
    const rows = await sql<{ transfer_id: string; kind: string; code: string; side: 'D' | 'C'; amount_fen: string }>`
      SELECT t.transfer_id, t.kind, a.code, e.side, e.amount_fen
      FROM ledger_transfers t
      JOIN ledger_entries e ON e.transfer_id = t.transfer_id
      JOIN ledger_accounts a ON a.account_id = e.account_id
      WHERE t.transfer_id = ANY(${[...new Set(pendingIds)]}::text[])
      ORDER BY t.transfer_id, e.leg
    `.execute(trx);
    for (const row of rows.rows) {
      if (row.kind !== 'pending') throw new AppError('LEDGER_TRANSFER_INVALID', { pending_id: row.transfer_id, reason: 'not a pending transfer' });
      const legs = byId.get(row.transfer_id) ?? byId.set(row.transfer_id, []).get(row.transfer_id)!;
      legs.push({ account: row.code, side: row.side, amountFen: BigInt(row.amount_fen) });
    }
    return byId;
  }

}

function invalid(error: unknown): AppError {
  if (error instanceof TransferError) return new AppError('LEDGER_TRANSFER_INVALID', { transfer_id: error.transferId, reason: error.reason });
  throw error;
}

function toBalance(r: {
  code: string;
  kind: string;
  normal_side: 'debit' | 'credit';
  may_go_negative: boolean;
  debits_pending: string;
  credits_pending: string;
  debits_posted: string;
  credits_posted: string;
}): AccountBalance {
  const totals = { debitsPending: BigInt(r.debits_pending), creditsPending: BigInt(r.credits_pending), debitsPosted: BigInt(r.debits_posted), creditsPosted: BigInt(r.credits_posted) };
  return { code: r.code, kind: r.kind, normalSide: r.normal_side, mayGoNegative: r.may_go_negative, ...totals, ...balanceOf(r.normal_side, totals) };
}
