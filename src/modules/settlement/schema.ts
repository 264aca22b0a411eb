import type { Generated } from 'kysely';
import type { CreatedAt, Int8, Timestamp } from '../../platform/db/schema.js';

export interface SettlementTables {
  ledger_accounts: {
    account_id: Int8;
    code: string;
    kind: string;
    owner_kind: string | null;
    owner_id: string | null;
    currency: Generated<string>;
    normal_side: 'debit' | 'credit';
    may_go_negative: boolean;
    debits_pending: Generated<string>;
    credits_pending: Generated<string>;
    debits_posted: Generated<string>;
    credits_posted: Generated<string>;
    created_at: CreatedAt;
  };
  ledger_transfers: {
    transfer_id: string;
    kind: 'posted' | 'pending' | 'post' | 'void' | 'expire';
    pending_id: string | null;
    code: string;
    ref: string | null;
    memo: string | null;
    timeout_at: Timestamp | null;
    fingerprint: string;
    created_at: CreatedAt;
  };
  ledger_entries: {
    transfer_id: string;
    leg: number;
    account_id: Int8;
    side: 'D' | 'C';
    amount_fen: Int8;
  };
  settlement_rules: {
    merchant_id: Int8;
    platform_bps: number;
    merchant_bps: number;
    channel_bps: number;
    platform_days: number;
    merchant_days: number;
    day_basis: 'calendar' | 'working';
    updated_by: string;
    updated_at: Generated<Date>;
  };
  settlement_holidays: { day: string; working: boolean; name: Generated<string> };
  settlement_splits: {
    redemption_id: Int8;
    transaction_id: string;
    merchant_id: Int8;
    channel_id: Int8 | null;
    template_id: Int8 | null;
    funding_account: string;
    amount_fen: Int8;
    refunded_fen: Generated<string>;
    platform_fen: Int8;
    merchant_fen: Int8;
    channel_fen: Int8;
    redeemed_on: string;
    created_at: CreatedAt;
  };
  settlement_legs: {
    redemption_id: Int8;
    party_kind: 'platform' | 'merchant' | 'channel';
    party_id: string;
    account_code: string;
    amount_fen: Int8;
    refunded_fen: Generated<string>;
    available_on: string;
    pending_transfer_id: string | null;
    revision: Generated<number>;
    status: Generated<'pending' | 'settled' | 'refunded'>;
    statement_id: Int8 | null;
  };
  settlement_items: {
    item_id: Int8;
    party_kind: string;
    party_id: string;
    kind: 'REDEMPTION' | 'REFUND';
    redemption_id: Int8;
    transaction_id: string;
    refund_id: string | null;
    amount_fen: Int8;
    available_on: string;
    status: Generated<'pending' | 'settled'>;
    statement_id: Int8 | null;
    created_at: CreatedAt;
  };
  settlement_refunds: { refund_id: string; redemption_id: Int8; amount_fen: Int8; created_at: CreatedAt };
  settlement_statements: {
    statement_id: Int8;
    party_kind: string;
    party_id: string;
    cycle_date: string;
    opening_fen: Int8;
    total_fen: Int8;
    closing_fen: Int8;
    payout_fen: Int8;
    line_count: number;
    status: StatementStatus;
    payout_transfer_id: string | null;
    payout_reference: string | null;
    payout_error: string | null;
    payout_attempts: Generated<number>;
    created_at: CreatedAt;
    paid_at: Timestamp | null;
  };
  settlement_holds: {
    hold_id: Int8;
    party_kind: string;
    party_id: string;
    reason: string;
    placed_by: string;
    placed_at: CreatedAt;
    released_by: string | null;
    released_at: Timestamp | null;
    release_note: string | null;
  };
  settlement_payees: {
    party_kind: string;
    party_id: string;
    name_enc: string;
    bank_card_enc: string;
    bank_card_last4: string;
    updated_by: string;
    updated_at: Generated<Date>;
  };
}

export type StatementStatus = 'RETAINED' | 'NO_PAYOUT' | 'AWAITING_PAYEE' | 'PAYOUT_PENDING' | 'PAID' | 'PAYOUT_FAILED';

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends SettlementTables {}
}
