import { sql, type Kysely } from 'kysely';

/**
 * Risk control (issue #8, coupon specification §4.4):
 * - `risk_rule_versions`: each rule's parameters and switch, a new version per change (the latest is in force);
 * - `risk_blacklist`: phone blind indexes, device ids, IPs and CIDRs;
 * - `risk_decisions`: every decision that was not a plain ALLOW, with its reasons and the facts behind it;
 * - `risk_cases`: the review queue; at most one open case per kind and subject;
 * - `risk_frozen_accounts`: users whose account a case froze (their coupons are FROZEN by the coupons module).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE risk_rule_versions (
      rule_code text NOT NULL,
      version integer NOT NULL CHECK (version > 0),
      enabled boolean NOT NULL,
      params jsonb NOT NULL,
      changed_by text NOT NULL,
      note text NOT NULL DEFAULT '',
      changed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (rule_code, version)
    );

    CREATE TABLE risk_blacklist (
      entry_id bigint PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('PHONE_HASH', 'DEVICE', 'IP', 'CIDR')),
      value text NOT NULL,
      reason text NOT NULL DEFAULT '',
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (kind, value)
    );

    CREATE TABLE risk_cases (
      case_id bigint PRIMARY KEY,
      kind text NOT NULL,
      subject_kind text NOT NULL,
      subject_id text NOT NULL,
      action text NOT NULL,
      status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'APPROVED', 'REJECTED')),
      evidence jsonb NOT NULL DEFAULT '[]',
      hold_id text,
      opened_at timestamptz NOT NULL DEFAULT now(),
      decided_by text,
      decided_at timestamptz,
      decision_note text
    );
    CREATE UNIQUE INDEX risk_cases_one_open ON risk_cases (kind, subject_kind, subject_id) WHERE status = 'OPEN';
    CREATE INDEX risk_cases_status ON risk_cases (status, case_id);

    CREATE TABLE risk_decisions (
      decision_id bigint PRIMARY KEY,
      hook text NOT NULL,
      decision text NOT NULL CHECK (decision IN ('ALLOW', 'REVIEW', 'DENY', 'FREEZE_ACCOUNT', 'DELAY_SETTLEMENT')),
      subject_kind text NOT NULL,
      subject_id text NOT NULL,
      reasons jsonb NOT NULL,
      facts jsonb NOT NULL,
      case_id bigint REFERENCES risk_cases (case_id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX risk_decisions_subject ON risk_decisions (subject_kind, subject_id, decision_id);
    CREATE INDEX risk_decisions_case ON risk_decisions (case_id) WHERE case_id IS NOT NULL;

    CREATE TABLE risk_frozen_accounts (
      user_id bigint PRIMARY KEY,
      case_id bigint NOT NULL REFERENCES risk_cases (case_id),
      frozen_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}
