import type { Generated } from 'kysely';
import type { CreatedAt, Int8, Json, Timestamp } from '../../platform/db/schema.js';
import type { CampaignRules } from './domain/campaign-rules.js';

export interface LotteryTables {
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
    attempts: Generated<number>;
    last_error: string | null;
    settled_at: Timestamp | null;
    created_at: CreatedAt;
  };
}

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends LotteryTables {}
}
