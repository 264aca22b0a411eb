import { sql, type Kysely } from 'kysely';

/**
 * The transparency log (RFC 6962 / C2SP tlog-checkpoint). Entries are canonical JSON, append-only: a trigger
 * refuses UPDATE and DELETE on entries and checkpoints, so a correction can only be a new entry. `tlog_state`
 * is the one row appends lock, which gives every entry a gap-free index in commit order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tlog_state (
      id smallint PRIMARY KEY CHECK (id = 1),
      size bigint NOT NULL CHECK (size >= 0)
    );
    INSERT INTO tlog_state (id, size) VALUES (1, 0);

    CREATE TABLE tlog_entries (
      idx bigint PRIMARY KEY CHECK (idx >= 0),
      kind text NOT NULL,
      subject text NOT NULL,
      body text NOT NULL,
      leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX tlog_entries_subject ON tlog_entries (subject, idx);

    CREATE TABLE tlog_checkpoints (
      size bigint PRIMARY KEY CHECK (size >= 0),
      root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32),
      note text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE FUNCTION tlog_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the transparency log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
    END $$;
    CREATE TRIGGER tlog_entries_append_only BEFORE UPDATE OR DELETE ON tlog_entries
      FOR EACH ROW EXECUTE FUNCTION tlog_refuse_change();
    CREATE TRIGGER tlog_checkpoints_append_only BEFORE UPDATE OR DELETE ON tlog_checkpoints
      FOR EACH ROW EXECUTE FUNCTION tlog_refuse_change();
    CREATE TRIGGER tlog_entries_no_truncate BEFORE TRUNCATE ON tlog_entries
      FOR EACH STATEMENT EXECUTE FUNCTION tlog_refuse_change();
    CREATE TRIGGER tlog_checkpoints_no_truncate BEFORE TRUNCATE ON tlog_checkpoints
      FOR EACH STATEMENT EXECUTE FUNCTION tlog_refuse_change();
  `.execute(db);
}
