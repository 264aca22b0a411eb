import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { maskBankCard } from '../../platform/privacy/mask.js';
import type { PiiVault } from '../../platform/privacy/vault.js';
import { addCalendarDays } from '../../platform/time/clock.js';
import type { DayBasis, HolidayCalendar } from './domain/calendar.js';
import { DEFAULT_SPLIT, splitRuleProblem, type SplitRule } from './domain/split.js';
import './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A merchant's settlement terms: the split, T+N for the platform and the merchant, and how days are counted. */
export interface MerchantTerms extends SplitRule {
  readonly platformDays: number;
  readonly merchantDays: number;
  readonly dayBasis: DayBasis;
}

export const DEFAULT_TERMS: MerchantTerms = { ...DEFAULT_SPLIT, platformDays: 1, merchantDays: 3, dayBasis: 'calendar' };

export type PartyKind = 'platform' | 'merchant' | 'channel';

export interface Payee {
  readonly name: string;
  readonly bankCard: string;
}

/**
 * Settlement's configuration: per-merchant terms, the holiday calendar, risk holds and payees (whose name and
 * card are personal data: encrypted, shown masked).
 */
export class SettlementSettings {
  constructor(
    private readonly vault: PiiVault,
    private readonly ids: IdGenerator,
  ) {}

  async termsOf(db: Db, merchantIds: readonly string[]): Promise<Map<string, MerchantTerms>> {
    const terms = new Map(merchantIds.map((id) => [id, DEFAULT_TERMS]));
    if (merchantIds.length === 0) return terms;
    const rows = await db.selectFrom('settlement_rules').selectAll().where('merchant_id', 'in', [...new Set(merchantIds)]).execute();
    for (const r of rows) {
      terms.set(String(r.merchant_id), {
        platformBps: r.platform_bps,
        merchantBps: r.merchant_bps,
        channelBps: r.channel_bps,
        platformDays: r.platform_days,
        merchantDays: r.merchant_days,
        dayBasis: r.day_basis,
      });
    }
    return terms;
  }

  async setTerms(trx: Transaction<Database>, merchantId: string, terms: MerchantTerms, updatedBy: string): Promise<MerchantTerms> {
    const problem = splitRuleProblem(terms);
    if (problem) throw new AppError('SETTLEMENT_RULE_INVALID', { reason: problem });
    const row = {
      platform_bps: terms.platformBps,
      merchant_bps: terms.merchantBps,
      channel_bps: terms.channelBps,
      platform_days: terms.platformDays,
      merchant_days: terms.merchantDays,
      day_basis: terms.dayBasis,
      updated_by: updatedBy,
    };
    await trx
      .insertInto('settlement_rules')
      .values({ merchant_id: merchantId, ...row })
      .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ ...row, updated_at: sql<Date>`now()` }))
      .execute();
    return terms;
  }

  /** The holiday calendar around `from` (a year ahead covers any T+N). */
  async calendarFrom(db: Db, from: string): Promise<HolidayCalendar> {
    const rows = await sql<{ day: string; working: boolean }>`
      SELECT day::text AS day, working FROM settlement_holidays WHERE day > ${from}::date AND day <= ${addCalendarDays(from, 370)}::date
    `.execute(db);
    return { marked: new Map(rows.rows.map((r) => [r.day, r.working])) };
  }

  async setHoliday(trx: Transaction<Database>, day: string, working: boolean, name: string): Promise<void> {
    await trx
      .insertInto('settlement_holidays')
      .values({ day, working, name })
      .onConflict((oc) => oc.column('day').doUpdateSet({ working, name }))
      .execute();
  }

  async holidays(db: Db, year: number): Promise<{ day: string; working: boolean; name: string }[]> {
    const rows = await sql<{ day: string; working: boolean; name: string }>`
      SELECT day::text AS day, working, name FROM settlement_holidays WHERE day >= make_date(${year}, 1, 1) AND day < make_date(${year + 1}, 1, 1) ORDER BY day
    `.execute(db);
    return rows.rows;
  }

  async placeHold(trx: Transaction<Database>, partyKind: PartyKind, partyId: string, reason: string, placedBy: string) {
    const holdId = this.ids.next();
    await trx.insertInto('settlement_holds').values({ hold_id: holdId, party_kind: partyKind, party_id: partyId, reason, placed_by: placedBy }).execute();
    return { hold_id: holdId, party_kind: partyKind, party_id: partyId, reason };
  }

  async releaseHold(trx: Transaction<Database>, holdId: string, releasedBy: string, note: string) {
    const row = await trx
      .updateTable('settlement_holds')
      .set({ released_by: releasedBy, released_at: sql<Date>`now()`, release_note: note })
      .where('hold_id', '=', holdId)
      .where('released_at', 'is', null)
      .returning(['hold_id', 'party_kind', 'party_id'])
      .executeTakeFirst();
    if (!row) throw new AppError('SETTLEMENT_HOLD_NOT_FOUND');
    return { hold_id: String(row.hold_id), party_kind: row.party_kind, party_id: row.party_id, released: true };
  }

  async holds(db: Db, activeOnly: boolean) {
    let query = db.selectFrom('settlement_holds').selectAll().orderBy('hold_id', 'desc').limit(500);
    if (activeOnly) query = query.where('released_at', 'is', null);
    return (await query.execute()).map((h) => ({
      hold_id: String(h.hold_id),
      party_kind: h.party_kind,
      party_id: h.party_id,
      reason: h.reason,
      placed_by: h.placed_by,
      placed_at: h.placed_at.toISOString(),
      released_by: h.released_by,
      released_at: h.released_at?.toISOString() ?? null,
      release_note: h.release_note,
    }));
  }

  /** Parties with an active hold: the settlement run leaves their due lines for later. */
  async heldParties(db: Db): Promise<Set<string>> {
    const rows = await db.selectFrom('settlement_holds').select(['party_kind', 'party_id']).where('released_at', 'is', null).execute();
    return new Set(rows.map((r) => partyKey(r.party_kind, r.party_id)));
  }

  async setPayee(trx: Transaction<Database>, partyKind: PartyKind, partyId: string, payee: Payee, updatedBy: string) {
    const row = {
      name_enc: this.vault.encrypt(payee.name, 'payee_name'),
      bank_card_enc: this.vault.encrypt(payee.bankCard, 'payee_bank_card'),
      bank_card_last4: payee.bankCard.slice(-4),
      updated_by: updatedBy,
    };
    await trx
      .insertInto('settlement_payees')
      .values({ party_kind: partyKind, party_id: partyId, ...row })
      .onConflict((oc) => oc.columns(['party_kind', 'party_id']).doUpdateSet({ ...row, updated_at: sql<Date>`now()` }))
      .execute();
    return { party_kind: partyKind, party_id: partyId, bank_card: maskBankCard(payee.bankCard) };
  }

  async payeeOf(db: Db, partyKind: string, partyId: string): Promise<Payee | undefined> {
    const row = await db.selectFrom('settlement_payees').selectAll().where('party_kind', '=', partyKind).where('party_id', '=', partyId).executeTakeFirst();
    return row && { name: this.vault.decrypt(row.name_enc, 'payee_name'), bankCard: this.vault.decrypt(row.bank_card_enc, 'payee_bank_card') };
  }
}

export function partyKey(kind: string, id: string): string {
  return `${kind}:${id}`;
}
