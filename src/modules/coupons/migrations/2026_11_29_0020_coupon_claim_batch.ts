import { sql, type Kysely } from 'kysely';

/**
 * A batch of claims on one template decided and written by one statement (claims.ts). Run as a single call
 * outside an explicit transaction, the whole batch costs one round trip and one commit; the template row is
 * locked for the length of the function only. Its statements' plans are kept for the session (generic plans:
 * every statement is keyed by primary keys or unnested arrays, so one plan fits every call).
 *
 * Arguments are parallel arrays, one element per claim (position i of every array belongs to claim i); a user
 * appears at most once. The caller draws the ids and codes, computes the coupon's balance and validity from the
 * template, and serialises each claim's idempotent answer (receipt) as if it succeeded: only the winners' rows,
 * events, outbox events and answers are written. Returns one outcome per claim: 'OK' or the refusal's code.
 *
 * Every claim writer of a template holds its row lock, so the per-user counters read under it are current. The
 * counter upserts stay guarded all the same, because activating an issued code (service.ts) raises the lifetime
 * counter without that lock: if a guard fails, the batch raises a serialization failure and group commit retries
 * each claim alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Raises the (template, user, day) counter of each claim whose outcome is 'OK', in user order, each only while
    -- under p_limit; returns how many it raised. (Called inside coupon_claim_batch, under its generic-plan setting.)
    CREATE FUNCTION coupon_count_claims(p_template_id bigint, p_day date, p_limit integer, p_user_ids bigint[], p_outcome text[])
    RETURNS integer LANGUAGE plpgsql AS $$
    DECLARE
      raised_count integer;
    BEGIN
      WITH raised AS (
        INSERT INTO coupon_user_claims (template_id, user_id, day, claimed)
        SELECT p_template_id, x.u, p_day, 1 FROM unnest(p_user_ids, p_outcome) AS x(u, o) WHERE x.o = 'OK' ORDER BY x.u
        ON CONFLICT (template_id, user_id, day) DO UPDATE SET claimed = coupon_user_claims.claimed + 1
          WHERE coupon_user_claims.claimed < p_limit
        RETURNING 1
      )
      SELECT count(*)::integer INTO raised_count FROM raised;
      RETURN raised_count;
    END;
    $$;

    CREATE FUNCTION coupon_claim_batch(
      p_template_id bigint, p_now timestamptz, p_day date,
      p_balance_fen bigint, p_valid_from timestamptz, p_valid_until timestamptz,
      p_user_ids bigint[], p_coupon_ids bigint[], p_codes text[], p_event_ids bigint[], p_request_ids text[],
      p_outbox_topic text, p_outbox_subscribers text[], p_outbox_ids bigint[], p_outbox_payloads jsonb[],
      p_receipt_scopes text[], p_receipt_keys text[], p_receipt_statuses integer[], p_receipt_bodies text[]
    ) RETURNS text[] LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
    DECLARE
      t coupon_templates%ROWTYPE;
      n integer := coalesce(cardinality(p_user_ids), 0);
      outcome text[] := array_fill('OK'::text, ARRAY[n]);
      i integer;
      remaining bigint;
      granted integer := 0;
      lifetime CONSTANT date := DATE '0001-01-01';
      ob_ids bigint[]; ob_aggregates text[]; ob_payloads jsonb[]; ob_requests text[];
      r_scopes text[]; r_keys text[]; r_statuses integer[]; r_bodies text[];
    BEGIN
      IF n = 0 THEN RETURN outcome; END IF;
      SELECT * INTO t FROM coupon_templates WHERE template_id = p_template_id FOR UPDATE;
      IF NOT FOUND THEN RETURN array_fill('COUPON_TEMPLATE_NOT_FOUND'::text, ARRAY[n]); END IF;
      IF t.status <> 'active' OR (t.valid_until IS NOT NULL AND t.valid_until <= p_now) THEN
        RETURN array_fill('COUPON_TEMPLATE_INACTIVE'::text, ARRAY[n]);
      END IF;

      -- Per-user limits, then stock in arrival order.
      IF t.per_user_limit IS NOT NULL THEN
        FOR i IN SELECT x.ord FROM unnest(p_user_ids) WITH ORDINALITY AS x(u, ord)
                 JOIN coupon_user_claims c ON c.template_id = p_template_id AND c.user_id = x.u AND c.day = lifetime
                 WHERE c.claimed >= t.per_user_limit LOOP
          outcome[i] := 'COUPON_LIMIT_REACHED';
        END LOOP;
      END IF;
      IF t.per_user_daily_limit IS NOT NULL THEN
        FOR i IN SELECT x.ord FROM unnest(p_user_ids) WITH ORDINALITY AS x(u, ord)
                 JOIN coupon_user_claims c ON c.template_id = p_template_id AND c.user_id = x.u AND c.day = p_day
                 WHERE c.claimed >= t.per_user_daily_limit LOOP
          IF outcome[i] = 'OK' THEN outcome[i] := 'COUPON_DAILY_LIMIT_REACHED'; END IF;
        END LOOP;
      END IF;
      remaining := CASE WHEN t.total_stock IS NULL THEN n ELSE t.total_stock - t.issued_count END;
      FOR i IN 1..n LOOP
        IF outcome[i] = 'OK' THEN
          IF remaining > 0 THEN
            remaining := remaining - 1;
            granted := granted + 1;
          ELSE
            outcome[i] := 'COUPON_OUT_OF_STOCK';
          END IF;
        END IF;
      END LOOP;
      IF granted = 0 THEN RETURN outcome; END IF;

      UPDATE coupon_templates SET issued_count = issued_count + granted WHERE template_id = p_template_id;
      IF t.per_user_limit IS NOT NULL AND coupon_count_claims(p_template_id, lifetime, t.per_user_limit, p_user_ids, outcome) <> granted THEN
        RAISE EXCEPTION 'a per-user claim counter moved during the batch' USING ERRCODE = 'serialization_failure';
      END IF;
      IF t.per_user_daily_limit IS NOT NULL AND coupon_count_claims(p_template_id, p_day, t.per_user_daily_limit, p_user_ids, outcome) <> granted THEN
        RAISE EXCEPTION 'a per-user daily claim counter moved during the batch' USING ERRCODE = 'serialization_failure';
      END IF;

      -- A code already taken (with n codes issued, a chance of about n in 10^12 per claim) fails the batch with
      -- unique_violation; group commit then retries each claim alone, with fresh codes.
      INSERT INTO coupon_info (coupon_id, code, template_id, user_id, status, balance_fen, initial_balance_fen,
                               valid_from, valid_until, activated_at, updated_at)
      SELECT x.id, x.code, p_template_id, x.u, 'ACTIVATED', p_balance_fen, p_balance_fen, p_valid_from, p_valid_until, now(), now()
      FROM unnest(p_coupon_ids, p_codes, p_user_ids, outcome) AS x(id, code, u, o) WHERE x.o = 'OK';
      INSERT INTO coupon_events (id, coupon_id, action, from_status, to_status, actor, request_id)
      SELECT x.id, x.coupon_id, 'claim', NULL, 'ACTIVATED', 'user:' || x.u, x.request_id
      FROM unnest(p_event_ids, p_coupon_ids, p_user_ids, p_request_ids, outcome) AS x(id, coupon_id, u, request_id, o) WHERE x.o = 'OK';

      SELECT array_agg(x.id ORDER BY x.ord), array_agg(x.coupon_id::text ORDER BY x.ord), array_agg(x.payload ORDER BY x.ord),
             array_agg(x.request_id ORDER BY x.ord)
      INTO ob_ids, ob_aggregates, ob_payloads, ob_requests
      FROM unnest(p_outbox_ids, p_coupon_ids, p_outbox_payloads, p_request_ids, outcome) WITH ORDINALITY
        AS x(id, coupon_id, payload, request_id, o, ord)
      WHERE x.o = 'OK';
      PERFORM outbox_publish(p_outbox_topic, p_outbox_subscribers, ob_ids, ob_aggregates, ob_payloads, ob_requests);

      SELECT array_agg(x.scope), array_agg(x.key), array_agg(x.status), array_agg(x.body)
      INTO r_scopes, r_keys, r_statuses, r_bodies
      FROM unnest(p_receipt_scopes, p_receipt_keys, p_receipt_statuses, p_receipt_bodies, outcome) AS x(scope, key, status, body, o)
      WHERE x.o = 'OK' AND x.key IS NOT NULL;
      IF r_keys IS NOT NULL THEN
        PERFORM idempotency_complete(r_scopes, r_keys, r_statuses, r_bodies);
      END IF;
      RETURN outcome;
    END;
    $$;
  `.execute(db);
}
