import type { Generated } from 'kysely';
import type { CreatedAt, Int8, Json, Timestamp } from '../../platform/db/schema.js';

export interface CouponTables {
  coupon_templates: {
    template_id: Int8;
    name: string;
    type: string;
    params: Json;
    stackable: boolean;
    merchant_ids: string[] | null;
    valid_from: Timestamp | null;
    valid_until: Timestamp | null;
    valid_days: number | null;
    total_stock: number | null;
    issued_count: Generated<number>;
    per_user_limit: number | null;
    per_user_daily_limit: number | null;
    budget_fen: Int8 | null;
    budget_used_fen: Generated<string>;
    funding: Generated<string>;
    status: Generated<'active' | 'paused' | 'ended'>;
    created_by: string;
    created_at: CreatedAt;
  };
  coupon_info: {
    coupon_id: Int8;
    code: string;
    template_id: Int8;
    user_id: Int8 | null;
    status: string;
    balance_fen: Int8;
    initial_balance_fen: Int8;
    valid_from: Timestamp | null;
    valid_until: Timestamp | null;
    activated_at: Timestamp | null;
    batch_id: Int8 | null;
    held_fen: Generated<string>;
    created_at: CreatedAt;
    updated_at: Timestamp;
  };
  coupon_locks: {
    lock_id: Int8;
    coupon_id: Int8;
    gift_card: boolean;
    merchant_id: string;
    order_id: string;
    /** The order amount the lock was priced on; NULL on locks taken before migration 0050. */
    order_amount_fen: Int8 | null;
    amount_fen: Int8;
    status: 'held' | 'consumed' | 'released' | 'expired';
    expires_at: Timestamp;
    created_at: CreatedAt;
    settled_at: Timestamp | null;
  };
  coupon_batches: {
    batch_id: Int8;
    template_id: Int8;
    quantity: number;
    issued: Generated<number>;
    status: Generated<'running' | 'done'>;
    created_by: string;
    created_at: CreatedAt;
    finished_at: Timestamp | null;
  };
  coupon_user_claims: {
    template_id: Int8;
    user_id: Int8;
    day: string;
    claimed: number;
  };
  coupon_events: {
    id: Int8;
    coupon_id: Int8;
    action: string;
    from_status: string | null;
    to_status: string;
    amount_fen: Int8 | null;
    actor: string;
    reason: string | null;
    request_id: string | null;
    created_at: CreatedAt;
  };
  coupon_redemptions: {
    redemption_id: Int8;
    transaction_id: string;
    coupon_id: Int8;
    merchant_id: string;
    order_id: string;
    order_amount_fen: Int8;
    amount_fen: Int8;
    refunded_fen: Generated<string>;
    created_at: CreatedAt;
  };
  /** One redemption transaction per merchant order, filled by a trigger on coupon_redemptions (migration 0053). */
  coupon_orders: {
    merchant_id: string;
    order_id: string;
    transaction_id: string;
    created_at: CreatedAt;
  };
}

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends CouponTables {}
}
