import { sql, type Kysely } from 'kysely';

/**
 * The double-entry ledger, after TigerBeetle's model:
 *
 * - `ledger_accounts` keep pending and posted debit and credit totals. A `CHECK` refuses any change that would
 *   take an account that may not go negative below zero, counting what is reserved by pending transfers.
 * - `ledger_transfers` are journal entries with client-chosen ids (a retry with the same id is recognised, not
 *   applied again). A transfer is posted, or pending (a reservation) until a later transfer posts, voids or
 *   expires it; `pending_id` is unique, so a reservation resolves once.
 * - `ledger_entries` are a transfer's legs. A deferred constraint trigger checks at commit that each transfer's
 *   debits equal its credits (resolutions that only release, void and expire, have no legs), so every journal
 *   entry sums to zero and the trial balance is zero by construction.
 * - Transfers and entries are immutable: triggers refuse UPDATE, DELETE and TRUNCATE, and entries cannot be
 *   added to a transfer committed earlier. Corrections are new reversing transfers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE ledger_accounts (
      account_id bigint PRIMARY KEY,
      code text NOT NULL UNIQUE,
      kind text NOT NULL,
      owner_kind text,
      owner_id text,
      currency text NOT NULL DEFAULT 'CNY',
      normal_side text NOT NULL CHECK (normal_side IN ('debit', 'credit')),
      may_go_negative boolean NOT NULL,
      debits_pending bigint NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
      credits_pending bigint NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
      debits_posted bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
      credits_posted bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ledger_accounts_balance CHECK (
        may_go_negative
        OR (normal_side = 'credit' AND debits_posted + debits_pending <= credits_posted)
        OR (normal_side = 'debit' AND credits_posted + credits_pending <= debits_posted)
      )
    ) WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);
    -- Hot accounts (clearing, platform revenue, the marketing budget) are updated by every batch. Half-empty pages
    -- keep those updates on the row's page (HOT), so no index entry points at a dead version; once a page fills,
    -- each lookup of the row — and every entry's foreign-key check is one — walks the dead versions (measured by
    -- bench:ledger: 0.05 ms → 1.5 ms per lookup after ~16k updates). Vacuum runs after 2,000 dead rows, not 20%
    -- of the table.
    CREATE INDEX ledger_accounts_owner ON ledger_accounts (owner_kind, owner_id);

    CREATE TABLE ledger_transfers (
      transfer_id text PRIMARY KEY CHECK (length(transfer_id) BETWEEN 1 AND 160),
      kind text NOT NULL CHECK (kind IN ('posted', 'pending', 'post', 'void', 'expire')),
      pending_id text UNIQUE REFERENCES ledger_transfers (transfer_id),
      code text NOT NULL,
      ref text,
      memo text,
      timeout_at timestamptz,
      fingerprint text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind IN ('post', 'void', 'expire')) = (pending_id IS NOT NULL)),
      CHECK (timeout_at IS NULL OR kind = 'pending')
    );
    CREATE INDEX ledger_transfers_open_timeouts ON ledger_transfers (timeout_at) WHERE timeout_at IS NOT NULL;
    CREATE INDEX ledger_transfers_ref ON ledger_transfers (ref) WHERE ref IS NOT NULL;

    CREATE TABLE ledger_entries (
      transfer_id text NOT NULL REFERENCES ledger_transfers (transfer_id),
      leg smallint NOT NULL,
      account_id bigint NOT NULL REFERENCES ledger_accounts (account_id),
      side text NOT NULL CHECK (side IN ('D', 'C')),
      amount_fen bigint NOT NULL CHECK (amount_fen > 0),
      PRIMARY KEY (transfer_id, leg)
    );
    CREATE INDEX ledger_entries_account ON ledger_entries (account_id);

    CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'ledger % is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
    END $$;
    CREATE TRIGGER ledger_transfers_immutable BEFORE UPDATE OR DELETE ON ledger_transfers FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER ledger_transfers_no_truncate BEFORE TRUNCATE ON ledger_transfers FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

    -- A transfer's legs are written with it: now() is the transaction's start, so a transfer stamped earlier was
    -- committed by another transaction, and adding legs to it would edit history.
    CREATE FUNCTION ledger_entries_with_their_transfer() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM ledger_transfers WHERE transfer_id = NEW.transfer_id AND created_at < now()) THEN
        RAISE EXCEPTION 'ledger transfer % is committed: legs cannot be added', NEW.transfer_id USING ERRCODE = 'restrict_violation';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER ledger_entries_fresh BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_with_their_transfer();

    -- Checked at commit, when all of a transfer's legs are in: debits equal credits (and at least two legs),
    -- or no legs at all for a void or an expiry.
    CREATE FUNCTION ledger_transfer_balances() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      legs integer;
      net bigint;
    BEGIN
      SELECT count(*), coalesce(sum(CASE side WHEN 'D' THEN amount_fen ELSE -amount_fen END), 0)
        INTO legs, net FROM ledger_entries WHERE transfer_id = NEW.transfer_id;
      IF NEW.kind IN ('void', 'expire') THEN
        IF legs <> 0 THEN
          RAISE EXCEPTION 'ledger transfer % (%) must have no legs', NEW.transfer_id, NEW.kind USING ERRCODE = 'check_violation';
        END IF;
      ELSIF legs < 2 OR net <> 0 THEN
        RAISE EXCEPTION 'ledger transfer % does not balance: % legs, debits minus credits %', NEW.transfer_id, legs, net
          USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transfer_balances';
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER ledger_transfer_balances AFTER INSERT ON ledger_transfers
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transfer_balances();

    -- The summed change of a write, one account after another in the order given (callers sort by id, so two
    -- writers lock shared accounts in the same order and cannot deadlock). An overdraft is named by account code;
    -- the CHECK on ledger_accounts stays as the backstop.
    CREATE FUNCTION ledger_apply_deltas(p_ids bigint[], p_dp bigint[], p_cp bigint[], p_dpo bigint[], p_cpo bigint[])
    RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
    DECLARE
      i integer;
      account text;
    BEGIN
      FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
        UPDATE ledger_accounts
        SET debits_pending = debits_pending + p_dp[i], credits_pending = credits_pending + p_cp[i],
            debits_posted = debits_posted + p_dpo[i], credits_posted = credits_posted + p_cpo[i]
        WHERE account_id = p_ids[i]
          AND (may_go_negative
               OR (normal_side = 'credit' AND debits_posted + p_dpo[i] + debits_pending + p_dp[i] <= credits_posted + p_cpo[i])
               OR (normal_side = 'debit' AND credits_posted + p_cpo[i] + credits_pending + p_cp[i] <= debits_posted + p_dpo[i]));
        IF NOT FOUND THEN
          SELECT code INTO account FROM ledger_accounts WHERE account_id = p_ids[i];
          RAISE EXCEPTION 'insufficient funds: account % would go below zero', coalesce(account, p_ids[i]::text)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_accounts_balance';
        END IF;
      END LOOP;
    END $$;
  `.execute(db);
}
