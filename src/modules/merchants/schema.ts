import type { Generated } from 'kysely';
import type { CreatedAt, Int8 } from '../../platform/db/schema.js';

export interface MerchantTables {
  merchants: {
    merchant_id: Int8;
    name: string;
    api_key: string;
    api_secret_enc: string;
    status: Generated<'active' | 'suspended'>;
    channel_id: Int8 | null;
    created_by: string;
    created_at: CreatedAt;
  };
  merchant_signature_nonces: {
    merchant_id: Int8;
    nonce: string;
    expires_at: Date;
  };
  channels: {
    channel_id: Int8;
    name: string;
    created_by: string;
    created_at: CreatedAt;
  };
}

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends MerchantTables {}
}
