import { sql, type Kysely } from 'kysely';

/** Platform kernel tables: idempotency keys, the transactional outbox, scheduler leadership, id-node leases. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE idempotency_keys (
      scope text NOT NULL,
      key text NOT NULL,
      fingerprint text NOT NULL,
      status text NOT NULL CHECK (status IN ('in_flight', 'completed')),
      locked_until timestamptz NOT NULL,
      response_status integer,
      response_body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (scope, key)
    );
    CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);

    CREATE TABLE outbox_events (
      id bigint PRIMARY KEY,
      topic text NOT NULL,
      aggregate_id text,
      payload jsonb NOT NULL,
      request_id text,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE outbox_deliveries (
      event_id bigint NOT NULL REFERENCES outbox_events (id) ON DELETE CASCADE,
      subscriber text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      locked_until timestamptz,
      locked_by text,
      last_error text,
      delivered_at timestamptz,
      PRIMARY KEY (event_id, subscriber)
    );
    -- The relay's claim query walks only this small partial index, however many delivered rows pile up.
    CREATE INDEX outbox_deliveries_due ON outbox_deliveries (next_attempt_at, event_id) WHERE status = 'pending';
    CREATE INDEX outbox_deliveries_dead ON outbox_deliveries (event_id) WHERE status = 'dead';

    CREATE TABLE processed_events (
      subscriber text NOT NULL,
      event_id bigint NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (subscriber, event_id)
    );

    CREATE TABLE scheduler_leases (
      name text PRIMARY KEY,
      holder text NOT NULL,
      fencing_token bigint NOT NULL,
      expires_at timestamptz NOT NULL
    );

    CREATE TABLE scheduled_runs (
      job text NOT NULL,
      fire_at timestamptz NOT NULL,
      holder text NOT NULL,
      fencing_token bigint NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
      error text,
      PRIMARY KEY (job, fire_at)
    );

    CREATE TABLE node_leases (
      node_id integer PRIMARY KEY CHECK (node_id BETWEEN 0 AND 1023),
      holder text NOT NULL,
      expires_at timestamptz NOT NULL
    );
  `.execute(db);
}
