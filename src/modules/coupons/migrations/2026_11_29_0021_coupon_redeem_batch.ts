import { sql, type Kysely } from 'kysely';

/**
 * The two statements of a redemption batch (redemptions.ts) as PL/pgSQL functions. PL/pgSQL keeps each
 * statement's plan for the session, where the same SQL sent as a one-off statement is planned on every call:
 * measured on a batch of 25 consumes, planning the read took twice as long as running it. `force_generic_plan`
 * keeps PL/pgSQL from going back to planning each call for its parameters' values: these statements are keyed
 * by primary or unique keys, so one plan fits every call.
 *
 * coupon_redemption_rows reads (and with p_lock, locks in id order) the coupons behind some codes with what a
 * decision needs. coupon_redeem_batch writes a decided batch: each coupon's final state, one event per spend,
 * what the batch took from budgeted templates, one redemption row per spend that moved money, the
 * `coupon.consumed` outbox events and the idempotent answers, all in one call. Given the state each coupon was
 * read with (p_expected_*), it writes only if none of them changed and all are still in date, and otherwise
 * raises serialization_failure having written nothing — so a batch decided on rows read without locks needs no
 * transaction around it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION coupon_redemption_rows(p_codes text[], p_lock boolean)
    RETURNS TABLE (
      coupon_id text, code text, status text, balance_fen text, held_fen text, expired boolean, not_yet_valid boolean,
      held_by_lock boolean, type text, params jsonb, stackable boolean, merchant_ids text[], template_id text, budgeted boolean
    ) LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
    #variable_conflict use_column
    BEGIN
      IF p_lock THEN
        -- Lock first; the read below is a new statement, so it sees the rows as their last holders left them.
        PERFORM 1 FROM coupon_info c WHERE c.code = ANY(p_codes) ORDER BY c.coupon_id FOR UPDATE;
      END IF;
      RETURN QUERY
        SELECT c.coupon_id::text, c.code, c.status, c.balance_fen::text, c.held_fen::text,
               (c.valid_until IS NOT NULL AND c.valid_until <= now()), (c.valid_from IS NOT NULL AND c.valid_from > now()),
               EXISTS (SELECT 1 FROM coupon_locks l
                       WHERE l.coupon_id = c.coupon_id AND l.status = 'held' AND NOT l.gift_card AND l.expires_at > now()),
               t.type, t.params, t.stackable, t.merchant_ids, t.template_id::text, t.budget_fen IS NOT NULL
        FROM coupon_info c JOIN coupon_templates t ON t.template_id = c.template_id
        WHERE c.code = ANY(p_codes)
        ORDER BY c.coupon_id;
    END;
    $$;

    CREATE FUNCTION coupon_redeem_batch(
      p_coupon_ids bigint[], p_balances bigint[], p_statuses text[],
      p_expected_balances bigint[], p_expected_statuses text[], p_expected_held bigint[],
      p_event_ids bigint[], p_event_coupon_ids bigint[], p_event_actions text[], p_event_from text[], p_event_to text[],
      p_event_amounts bigint[], p_event_actors text[], p_event_reasons text[], p_event_request_ids text[],
      p_budget_template_ids bigint[], p_budget_used bigint[],
      p_redemption_ids bigint[], p_transaction_ids text[], p_redemption_coupon_ids bigint[], p_merchant_ids text[],
      p_order_ids text[], p_order_amounts bigint[], p_amounts bigint[],
      p_outbox_topic text, p_outbox_subscribers text[], p_outbox_ids bigint[], p_outbox_aggregate_ids text[],
      p_outbox_payloads jsonb[], p_outbox_request_ids text[],
      p_receipt_scopes text[], p_receipt_keys text[], p_receipt_statuses integer[], p_receipt_bodies text[]
    ) RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
    DECLARE
      updated integer;
    BEGIN
      IF p_expected_balances IS NULL THEN
        UPDATE coupon_info c SET balance_fen = v.balance, status = v.status, updated_at = now()
        FROM unnest(p_coupon_ids, p_balances, p_statuses) AS v(id, balance, status)
        WHERE c.coupon_id = v.id;
      ELSE
        UPDATE coupon_info c SET balance_fen = v.balance, status = v.status, updated_at = now()
        FROM unnest(p_coupon_ids, p_balances, p_statuses, p_expected_balances, p_expected_statuses, p_expected_held)
          AS v(id, balance, status, was_balance, was_status, was_held)
        WHERE c.coupon_id = v.id AND c.balance_fen = v.was_balance AND c.status = v.was_status AND c.held_fen = v.was_held
          AND (c.valid_until IS NULL OR c.valid_until > now());
      END IF;
      GET DIAGNOSTICS updated = ROW_COUNT;
      IF updated <> coalesce(cardinality(p_coupon_ids), 0) THEN
        RAISE EXCEPTION 'redemption batch updated % of % coupons', updated, cardinality(p_coupon_ids)
          USING ERRCODE = 'serialization_failure';
      END IF;
      INSERT INTO coupon_events (id, coupon_id, action, from_status, to_status, amount_fen, actor, reason, request_id)
      SELECT * FROM unnest(p_event_ids, p_event_coupon_ids, p_event_actions, p_event_from, p_event_to, p_event_amounts,
                           p_event_actors, p_event_reasons, p_event_request_ids);
      UPDATE coupon_templates t SET budget_used_fen = t.budget_used_fen + v.used
      FROM unnest(p_budget_template_ids, p_budget_used) AS v(id, used)
      WHERE t.template_id = v.id;
      INSERT INTO coupon_redemptions (redemption_id, transaction_id, coupon_id, merchant_id, order_id, order_amount_fen, amount_fen)
      SELECT * FROM unnest(p_redemption_ids, p_transaction_ids, p_redemption_coupon_ids, p_merchant_ids, p_order_ids,
                           p_order_amounts, p_amounts);
      PERFORM outbox_publish(p_outbox_topic, p_outbox_subscribers, p_outbox_ids, p_outbox_aggregate_ids, p_outbox_payloads,
                             p_outbox_request_ids);
      IF cardinality(p_receipt_keys) > 0 THEN
        PERFORM idempotency_complete(p_receipt_scopes, p_receipt_keys, p_receipt_statuses, p_receipt_bodies);
      END IF;
    END;
    $$;
  `.execute(db);
}
