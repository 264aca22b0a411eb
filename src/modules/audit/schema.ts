import type { CreatedAt, Int8, Json } from '../../platform/db/schema.js';

export interface AuditTables {
  tlog_state: { id: number; size: Int8 };
  tlog_entries: { idx: Int8; kind: string; subject: string; body: string; leaf_hash: Uint8Array; created_at: CreatedAt };
  tlog_checkpoints: { size: Int8; root_hash: Uint8Array; note: string; created_at: CreatedAt };
  audit_records: {
    record_id: Int8;
    actor: string;
    action: string;
    subject_kind: string;
    subject_id: string;
    details: Json;
    request_id: string | null;
    created_at: CreatedAt;
  };
}

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends AuditTables {}
}
