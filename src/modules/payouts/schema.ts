import type { Generated } from 'kysely';
import type { CreatedAt, Int8 } from '../../platform/db/schema.js';

/** The sandbox bank's own tables: in reality a separate system, here sharing the database but read only over HTTP. */
export interface PayoutTables {
  payout_sandbox_transfers: {
    payout_id: string;
    amount_fen: Int8;
    /** The bank keeps the card; the sandbox keeps only its last four digits and a fingerprint of the request. */
    card_last4: string;
    fingerprint: string;
    memo: string;
    status: 'PAID' | 'FAILED';
    reference: string | null;
    reason: string | null;
    /** How many times this payout was asked for: more than 1 means retries were answered from the record. */
    requests: Generated<number>;
    created_at: CreatedAt;
  };
  payout_sandbox_settings: {
    name: string;
    value: string;
  };
}

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends PayoutTables {}
}
