import type { Generated } from 'kysely';
import type { CreatedAt, Int8, Json, Timestamp } from '../../platform/db/schema.js';

export interface RiskTables {
  risk_rule_versions: { rule_code: string; version: number; enabled: boolean; params: Json; changed_by: string; note: Generated<string>; changed_at: CreatedAt };
  risk_blacklist: { entry_id: Int8; kind: 'PHONE_HASH' | 'DEVICE' | 'IP' | 'CIDR'; value: string; reason: Generated<string>; created_by: string; created_at: CreatedAt };
  risk_cases: {
    case_id: Int8;
    kind: string;
    subject_kind: string;
    subject_id: string;
    action: string;
    status: Generated<'OPEN' | 'APPROVED' | 'REJECTED'>;
    evidence: Json;
    hold_id: string | null;
    opened_at: CreatedAt;
    decided_by: string | null;
    decided_at: Timestamp | null;
    decision_note: string | null;
  };
  risk_decisions: {
    decision_id: Int8;
    hook: string;
    decision: string;
    subject_kind: string;
    subject_id: string;
    reasons: Json;
    facts: Json;
    case_id: Int8 | null;
    created_at: CreatedAt;
  };
  risk_frozen_accounts: { user_id: Int8; case_id: Int8; frozen_at: CreatedAt };
}

declare module '../../platform/db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Database extends RiskTables {}
}
