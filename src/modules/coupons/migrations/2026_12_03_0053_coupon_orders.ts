import { sql, type Kysely } from 'kysely';

/**
 * One payment per order: a merchant's order id names one redemption transaction, for ever. A till that retries a
 * consume without an Idempotency-Key (or after its key's answer was lost) must not be charged twice, so the
 * database itself refuses a second transaction for the same (merchant, order), whichever path wrote it (a consume
 * batch, a lock's confirmation) and whichever process. A statement trigger records each statement's orders once:
 * a transaction's several coupons share its order, two transactions cannot.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE coupon_orders (
      merchant_id text NOT NULL,
      order_id text NOT NULL,
      transaction_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT coupon_orders_pkey PRIMARY KEY (merchant_id, order_id)
    );
    INSERT INTO coupon_orders (merchant_id, order_id, transaction_id, created_at)
    SELECT DISTINCT ON (merchant_id, order_id) merchant_id, order_id, transaction_id, created_at
    FROM coupon_redemptions ORDER BY merchant_id, order_id, created_at;

    CREATE FUNCTION coupon_orders_record() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO coupon_orders (merchant_id, order_id, transaction_id)
      SELECT DISTINCT merchant_id, order_id, transaction_id FROM new_redemptions;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER coupon_orders_once AFTER INSERT ON coupon_redemptions
      REFERENCING NEW TABLE AS new_redemptions FOR EACH STATEMENT EXECUTE FUNCTION coupon_orders_record();
  `.execute(db);
}
