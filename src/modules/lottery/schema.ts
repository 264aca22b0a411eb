import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Int8, Json, Timestamp } from '../../platform/db/schema.js';
import type { BeaconValue } from './beacon/beacon-port.js';
import type { CampaignRules } from './domain/campaign-rules.js';

export interface LotteryTables {
  lottery_bonus_chances: { invoice_id: Int8; source: string; user_id: Int8; extra: number; applied_at: Timestamp | null; created_at: Generated<Timestamp> };
  lottery_held_invoices: { invoice_id: Int8; payload: Json; accepted_at: Timestamp; status: Generated<'HELD' | 'RELEASED' | 'DROPPED'>; decided_at: Timestamp | null };
  lottery_campaigns: {
    campaign_id: Int8;
    name: string;
    starts_at: Timestamp;
    ends_at: Timestamp;
    rules: Json<CampaignRules>;
    tickets: number;
    next_position: Generated<number>;
    pool_seed: Uint8Array;
    pool_seed_commit: Uint8Array;
    rules_log_index: Int8;
    revealed_at: Timestamp | null;
    reveal_log_index: Int8 | null;
    created_by: Int8 | null;
    created_at: CreatedAt;
  };
  lottery_chances: {
    campaign_id: Int8;
    invoice_id: Int8;
    user_id: Int8;
    granted: number;
    used: Generated<number>;
    amount_fen: Int8;
    invoice_commit: Uint8Array;
    commit_salt: Uint8Array;
    created_at: CreatedAt;
  };
  lottery_instant_draws: {
    draw_id: Int8;
    campaign_id: Int8;
    position: number;
    invoice_id: Int8;
    user_id: Int8;
    chance: number;
    ticket: number;
    prize_index: number | null;
    log_index: Int8;
    request_id: string | null;
    created_at: CreatedAt;
  };
  lottery_prizes: {
    prize_id: Int8;
    user_id: Int8;
    campaign_id: Int8;
    source: 'INSTANT' | 'WEEKLY';
    draw_id: Int8;
    invoice_id: Int8;
    tier: string | null;
    kind: 'CASH' | 'COUPON';
    amount_fen: Int8 | null;
    coupon_template_id: Int8 | null;
    coupon_code: string | null;
    status: Generated<'PENDING' | 'PAID' | 'ISSUED' | 'FAILED'>;
    due_at: Timestamp;
    /** Payout attempts started (each claim counts one). */
    attempts: Generated<number>;
    last_error: string | null;
    settled_at: Timestamp | null;
    created_at: CreatedAt;
    /** When the payout job may next take the prize: now at first, a lease while it is worked on, then backoff. */
    next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
    /** The bank's reference of a paid cash prize. */
    payout_reference: string | null;
  };
  lottery_weekly_entries: {
    campaign_id: Int8;
    close_at: Timestamp;
    invoice_commit: Uint8Array;
    chance: number;
    invoice_id: Int8;
    user_id: Int8;
  };
  lottery_weekly_sets: { campaign_id: Int8; close_at: Timestamp };
  lottery_weekly_draws: {
    draw_id: Int8;
    campaign_id: Int8;
    close_at: Timestamp;
    status: 'CLOSED' | 'DRAWN';
    entry_count: number;
    entries_root: Uint8Array;
    beacon_id: string;
    target_round: Int8;
    close_log_index: Int8;
    beacon: Json<BeaconValue> | null;
    seed: Uint8Array | null;
    winners: Json<WeeklyWinner[]> | null;
    result_log_index: Int8 | null;
    drawn_at: Timestamp | null;
    created_at: CreatedAt;
  };
  lottery_local_beacons: {
    beacon_id: string;
    anchor: Uint8Array;
    secret: Uint8Array;
    genesis_time: Int8;
    period: number;
    length: number;
    log_index: Int8;
    created_at: CreatedAt;
  };
}

/** A weekly winner as stored and logged: the entry's place in the set, its commitment and chance, the tier. */
export interface WeeklyWinner {
  readonly tier: string;
  readonly index: number;
  readonly draw: number;
  readonly invoice_commit: string;
  readonly chance: number;
}

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends LotteryTables {}
}
