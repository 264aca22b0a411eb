import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { IdGenerator } from '../ids/snowflake.js';

export interface OutboxEvent<P = unknown> {
  readonly id: string;
  readonly topic: string;
  readonly aggregateId: string | null;
  readonly payload: P;
  readonly requestId: string | null;
  readonly createdAt: Date;
  /** 1 on first delivery to this subscriber; higher means a redelivery. */
  readonly attempt: number;
}

export interface Subscriber<P = unknown> {
  /** Stable name: deliveries are tracked per (event, subscriber name). */
  readonly name: string;
  readonly topics: readonly string[];
  /** Must be idempotent: delivery is at least once. `handleOnce` makes that easy. */
  handle(event: OutboxEvent<P>): Promise<void>;
}

export interface PublishInput {
  readonly topic: string;
  readonly payload: unknown;
  readonly aggregateId?: string;
  readonly requestId?: string;
}

/** The arguments of `outbox_publish` (migration 0019), in parallel arrays; payloads as JSON text. */
export interface PreparedEvents {
  readonly topic: string;
  readonly subscribers: readonly string[];
  readonly ids: readonly string[];
  readonly aggregateIds: readonly (string | null)[];
  readonly payloads: readonly string[];
  readonly requestIds: readonly (string | null)[];
}

/**
 * The transactional outbox. `publish` writes the event and one delivery row per subscriber of its topic inside
 * the caller's transaction, so an event exists if and only if the state change that caused it committed.
 * The relay (relay.ts) delivers the rows afterwards, at least once.
 */
export class Outbox {
  private readonly subscribers = new Map<string, Subscriber>();

  constructor(private readonly ids: IdGenerator) {}

  subscribe<P>(subscriber: Subscriber<P>): void {
    if (this.subscribers.has(subscriber.name)) throw new Error(`outbox subscriber ${subscriber.name} registered twice`);
    this.subscribers.set(subscriber.name, subscriber as Subscriber);
  }

  subscriber(name: string): Subscriber | undefined {
    return this.subscribers.get(name);
  }

  subscribersOf(topic: string): readonly Subscriber[] {
    return [...this.subscribers.values()].filter((s) => s.topics.includes(topic));
  }

  /**
   * Many events in one statement per topic (group commit writes a whole batch's events at once), through the
   * `outbox_publish` SQL function that batch statements call too. Returns their ids, in order.
   */
  async publishMany(trx: Transaction<Database>, inputs: readonly PublishInput[]): Promise<string[]> {
    const ids = inputs.map(() => this.ids.next()); // drawn in input order, so event ids keep it across topics
    const byTopic = new Map<string, number[]>();
    inputs.forEach((input, i) => (byTopic.get(input.topic) ?? byTopic.set(input.topic, []).get(input.topic)!).push(i));
    for (const [topic, positions] of byTopic) {
      const events = this.prepare(topic, positions.map((i) => inputs[i]!), positions.map((i) => ids[i]!));
      await sql`SELECT ${publishCall(events)}`.execute(trx);
    }
    return ids;
  }

  /**
   * Events of one topic shaped as the arguments of the `outbox_publish` SQL function, for a statement that
   * publishes them itself (a batch function deciding which of them to write). Ids are drawn here unless given.
   */
  prepare(topic: string, events: readonly Omit<PublishInput, 'topic'>[], ids: readonly string[] = events.map(() => this.ids.next())): PreparedEvents {
    return {
      topic,
      subscribers: this.subscribersOf(topic).map((s) => s.name),
      ids,
      aggregateIds: events.map((e) => e.aggregateId ?? null),
      payloads: events.map((e) => JSON.stringify(e.payload)),
      requestIds: events.map((e) => e.requestId ?? null),
    };
  }

  async publish(trx: Transaction<Database>, input: PublishInput): Promise<string> {
    const [id] = await this.publishMany(trx, [input]);
    return id!;
  }
}

/**
 * Runs `effect` at most once per (subscriber, event) by recording the event id in `processed_events` in the
 * same transaction as the effect — the inbox half of exactly-once processing over at-least-once delivery.
 * Returns false when the event had already been processed.
 */
export async function handleOnce(
  db: Kysely<Database>,
  subscriber: string,
  eventId: string,
  effect: (trx: Transaction<Database>) => Promise<void>,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('processed_events')
      .values({ subscriber, event_id: eventId })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
    await effect(trx);
    return true;
  });
}

/** A call of `outbox_publish` with `events`, for use inside a statement. */
function publishCall(events: PreparedEvents) {
  return sql`outbox_publish(${events.topic}, ${[...events.subscribers]}::text[], ${[...events.ids]}::bigint[], ${[...events.aggregateIds]}::text[],
                            ${[...events.payloads]}::jsonb[], ${[...events.requestIds]}::text[])`;
}
