import { sql, type Kysely } from 'kysely';

/**
 * The audit trail: who did what to which subject, and why, written in the same transaction as the change it
 * records. Append-only: triggers refuse UPDATE, DELETE and TRUNCATE. Details never hold personal data in clear
 * (callers pass masked values or blind indexes).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_records (
      record_id bigint PRIMARY KEY,
      actor text NOT NULL,
      action text NOT NULL,
      subject_kind text NOT NULL,
      subject_id text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}',
      request_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX audit_records_subject ON audit_records (subject_kind, subject_id, record_id);
    CREATE INDEX audit_records_action ON audit_records (action, record_id);

    CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_records is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END $$;
    CREATE TRIGGER audit_records_immutable BEFORE UPDATE OR DELETE ON audit_records FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
    CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only();
  `.execute(db);
}
