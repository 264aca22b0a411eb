import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { handleOnce, type Outbox, type OutboxEvent, type Subscriber } from '../../platform/outbox/outbox.js';
import { deserializeParams } from './domain/coupon-types.js';
import { generateCouponCode } from './domain/coupon-code.js';
import { faceValue } from './domain/face-value.js';

export const CHUNK_SIZE = 5_000;
const MAX_QUANTITY = 10_000_000;
const CHUNK_TOPIC = 'coupon.batch.chunk';

/**
 * Issuing codes in bulk. The request takes the stock and records a batch; the worker then generates the codes
 * in chunks of 5,000, each chunk one transaction that also advances the batch's progress and asks for the next
 * chunk through the outbox. A chunk delivered twice runs once (handleOnce), so a million codes survive worker
 * restarts without gaps or doubles.
 */
export class CouponBatches {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
  ) {}

  async request(trx: Transaction<Database>, templateId: string, quantity: number, createdBy: string) {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) throw new AppError('VALIDATION_FAILED');
    const taken = await sql<{ template_id: string }>`
      UPDATE coupon_templates SET issued_count = issued_count + ${quantity}
      WHERE template_id = ${templateId} AND status = 'active' AND (total_stock IS NULL OR issued_count + ${quantity} <= total_stock)
      RETURNING template_id
    `.execute(trx);
    if (taken.rows.length === 0) {
      const exists = await trx.selectFrom('coupon_templates').select('status').where('template_id', '=', templateId).executeTakeFirst();
      throw new AppError(!exists ? 'COUPON_TEMPLATE_NOT_FOUND' : exists.status !== 'active' ? 'COUPON_TEMPLATE_INACTIVE' : 'COUPON_OUT_OF_STOCK');
    }
    const batchId = this.ids.next();
    await trx.insertInto('coupon_batches').values({ batch_id: batchId, template_id: templateId, quantity, created_by: createdBy }).execute();
    await this.outbox.publish(trx, { topic: CHUNK_TOPIC, aggregateId: batchId, payload: { batch_id: batchId } });
    return { batch_id: batchId, template_id: templateId, quantity, issued: 0, status: 'running' as const };
  }

  async progress(batchId: string) {
    const batch = await this.db.selectFrom('coupon_batches').selectAll().where('batch_id', '=', batchId).executeTakeFirst();
    if (!batch) throw new AppError('NOT_FOUND');
    return {
      batch_id: String(batch.batch_id),
      template_id: String(batch.template_id),
      quantity: batch.quantity,
      issued: batch.issued,
      progress: Math.floor((batch.issued / batch.quantity) * 1000) / 1000,
      status: batch.status,
      finished_at: batch.finished_at?.toISOString() ?? null,
    };
  }

  /** Streams the batch's codes as CSV pages (keyset pagination by coupon_id; constant memory for any size). */
  async *csv(batchId: string): AsyncGenerator<string> {
    await this.progress(batchId); // 404 for an unknown batch
    yield 'coupon_code,coupon_id,status\n';
    let after = '0';
    for (;;) {
      const rows = await this.db
        .selectFrom('coupon_info')
        .select(['coupon_id', 'code', 'status'])
        .where('batch_id', '=', batchId)
        .where('coupon_id', '>', after)
        .orderBy('coupon_id')
        .limit(10_000)
        .execute();
      if (rows.length === 0) return;
      yield rows.map((r) => `${r.code},${r.coupon_id},${r.status}\n`).join('');
      after = String(rows[rows.length - 1]!.coupon_id);
    }
  }

  /** The worker side: one chunk per event. */
  subscriber(): Subscriber<{ batch_id: string }> {
    return {
      name: 'coupons.batch-generator',
      topics: [CHUNK_TOPIC],
      handle: (event: OutboxEvent<{ batch_id: string }>) =>
        handleOnce(this.db, 'coupons.batch-generator', event.id, (trx) => this.generateChunk(trx, event.payload.batch_id)).then(() => undefined),
    };
  }

  private async generateChunk(trx: Transaction<Database>, batchId: string): Promise<void> {
    const batch = await trx
      .selectFrom('coupon_batches as b')
      .innerJoin('coupon_templates as t', 't.template_id', 'b.template_id')
      .select(['b.quantity', 'b.issued', 'b.status', 't.template_id', 't.type', 't.params', 't.valid_from', 't.valid_until'])
      .where('b.batch_id', '=', batchId)
      .forUpdate()
      .executeTakeFirst();
    if (!batch || batch.status === 'done') return;
    const want = Math.min(CHUNK_SIZE, batch.quantity - batch.issued);
    const balance = faceValue(deserializeParams(batch.type, batch.params)).toString();
    const ids = Array.from({ length: want }, () => this.ids.next());
    const codes = Array.from({ length: want }, () => generateCouponCode());
    // Set-based insert; a code that collides with an existing one is skipped and made up in the next chunk.
    const inserted = await sql<{ n: string }>`
      WITH rows AS (
        INSERT INTO coupon_info (coupon_id, code, template_id, batch_id, status, balance_fen, initial_balance_fen, valid_from, valid_until, updated_at)
        SELECT id, code, ${batch.template_id}, ${batchId}, 'UNACTIVATED', ${balance}, ${balance}, ${batch.valid_from}, ${batch.valid_until}, now()
        FROM unnest(${ids}::bigint[], ${codes}::text[]) AS u(id, code)
        ON CONFLICT (code) DO NOTHING
        RETURNING 1
      ) SELECT count(*) AS n FROM rows
    `.execute(trx);
    const issued = batch.issued + Number(inserted.rows[0]!.n);
    const done = issued >= batch.quantity;
    await trx
      .updateTable('coupon_batches')
      .set({ issued, status: done ? 'done' : 'running', finished_at: done ? sql<Date>`now()` : null })
      .where('batch_id', '=', batchId)
      .execute();
    if (!done) await this.outbox.publish(trx, { topic: CHUNK_TOPIC, aggregateId: batchId, payload: { batch_id: batchId } });
  }
}
