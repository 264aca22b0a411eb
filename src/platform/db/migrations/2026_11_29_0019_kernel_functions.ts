import { sql, type Kysely } from 'kysely';

/**
 * The kernel's writes as SQL functions, so that a module deciding a whole batch in one statement (coupon claims:
 * coupon_claim_batch) can publish its events and store its idempotent answers in that same statement without
 * touching the kernel's tables itself. The TypeScript side (outbox.ts, idempotency.ts) calls the same functions,
 * so each write has one definition.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Events of one topic and a pending delivery of each to every subscriber named (the relay delivers them).
    CREATE FUNCTION outbox_publish(
      p_topic text, p_subscribers text[], p_ids bigint[], p_aggregate_ids text[], p_payloads jsonb[], p_request_ids text[]
    ) RETURNS void LANGUAGE sql AS $$
      INSERT INTO outbox_events (id, topic, aggregate_id, payload, request_id)
      SELECT e.id, p_topic, e.aggregate_id, e.payload, e.request_id
      FROM unnest(p_ids, p_aggregate_ids, p_payloads, p_request_ids) AS e(id, aggregate_id, payload, request_id);
      INSERT INTO outbox_deliveries (event_id, subscriber, status, next_attempt_at)
      SELECT e.id, s.name, 'pending', now() FROM unnest(p_ids) AS e(id) CROSS JOIN unnest(p_subscribers) AS s(name);
    $$;

    -- Completes claimed idempotency keys with the answers their requests produced (see idempotency.ts).
    CREATE FUNCTION idempotency_complete(p_scopes text[], p_keys text[], p_statuses integer[], p_bodies text[])
    RETURNS void LANGUAGE sql AS $$
      UPDATE idempotency_keys k
      SET status = 'completed', response_status = r.status, response_body = r.body, completed_at = now()
      FROM unnest(p_scopes, p_keys, p_statuses, p_bodies) AS r(scope, key, status, body)
      WHERE k.scope = r.scope AND k.key = r.key;
    $$;
  `.execute(db);
}
