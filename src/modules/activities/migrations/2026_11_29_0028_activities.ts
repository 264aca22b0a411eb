import { sql, type Kysely } from 'kysely';

/**
 * Marketing activities (issue #8, coupon specification §4.3): templates with rewards and rule conditions, the grants made
 * under them (one per user and grant key: the unique key makes a reward exactly-once under retries and races),
 * invite codes and referrals, and a double-entry points ledger.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE activities (
      activity_id bigint PRIMARY KEY,
      name text NOT NULL,
      activity_type text NOT NULL CHECK (activity_type IN ('NEW_USER_REGISTER', 'INVOICE_ACCEPTED', 'REFERRAL', 'SPEND_THRESHOLD')),
      template jsonb NOT NULL,
      rules jsonb NOT NULL,
      rewards jsonb NOT NULL,
      max_grants integer CHECK (max_grants IS NULL OR max_grants > 0),
      granted integer NOT NULL DEFAULT 0,
      per_user_cap integer NOT NULL DEFAULT 1 CHECK (per_user_cap > 0),
      min_amount_fen bigint,
      starts_at timestamptz,
      ends_at timestamptz,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'ended')),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (max_grants IS NULL OR granted <= max_grants)
    );
    CREATE INDEX activities_running ON activities (activity_type) WHERE status = 'active';

    CREATE TABLE activity_grants (
      grant_id bigint PRIMARY KEY,
      activity_id bigint NOT NULL REFERENCES activities (activity_id),
      user_id bigint NOT NULL,
      grant_key text NOT NULL,
      status text NOT NULL CHECK (status IN ('GRANTED', 'FAILED')),
      rewards jsonb NOT NULL,
      failure text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (activity_id, user_id, grant_key)
    );
    CREATE INDEX activity_grants_user ON activity_grants (user_id, grant_id DESC);

    CREATE TABLE activity_invite_codes (
      code text PRIMARY KEY,
      user_id bigint NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE activity_referrals (
      invitee_id bigint PRIMARY KEY,
      inviter_id bigint NOT NULL,
      code text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (invitee_id <> inviter_id)
    );

    -- Points: every movement is a journal of entries that sum to zero (issued by an activity → a user's balance).
    CREATE TABLE points_entries (
      journal_id text NOT NULL,
      account text NOT NULL,
      amount bigint NOT NULL CHECK (amount <> 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (journal_id, account)
    );
    CREATE INDEX points_entries_account ON points_entries (account);
    CREATE TABLE points_balances (
      account text PRIMARY KEY,
      balance bigint NOT NULL,
      CHECK (balance >= 0 OR account LIKE 'issued:%')
    );
    CREATE FUNCTION points_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'points_entries is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END $$;
    CREATE TRIGGER points_entries_immutable BEFORE UPDATE OR DELETE ON points_entries FOR EACH ROW EXECUTE FUNCTION points_refuse_change();
    CREATE FUNCTION points_journal_balances() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (SELECT coalesce(sum(amount), 0) FROM points_entries WHERE journal_id = NEW.journal_id) <> 0 THEN
        RAISE EXCEPTION 'points journal % does not sum to zero', NEW.journal_id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER points_journal_balances AFTER INSERT ON points_entries
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION points_journal_balances();
  `.execute(db);
}
