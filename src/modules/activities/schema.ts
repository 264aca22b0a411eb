import type { Generated } from 'kysely';
import type { CreatedAt, Int8, Json, Timestamp } from '../../platform/db/schema.js';

export interface ActivityTables {
  activities: {
    activity_id: Int8;
    name: string;
    activity_type: string;
    template: Json;
    rules: Json;
    rewards: Json;
    max_grants: number | null;
    granted: Generated<number>;
    per_user_cap: Generated<number>;
    min_amount_fen: Int8 | null;
    starts_at: Timestamp | null;
    ends_at: Timestamp | null;
    status: Generated<'active' | 'paused' | 'ended'>;
    created_by: string;
    created_at: CreatedAt;
  };
  activity_grants: {
    grant_id: Int8;
    activity_id: Int8;
    user_id: Int8;
    grant_key: string;
    status: 'GRANTED' | 'FAILED';
    rewards: Json;
    failure: string | null;
    created_at: CreatedAt;
  };
  activity_invite_codes: { code: string; user_id: Int8; created_at: CreatedAt };
  activity_referrals: { invitee_id: Int8; inviter_id: Int8; code: string; created_at: CreatedAt };
  points_entries: { journal_id: string; account: string; amount: Int8; created_at: CreatedAt };
  points_balances: { account: string; balance: Int8 };
}

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends ActivityTables {}
}
