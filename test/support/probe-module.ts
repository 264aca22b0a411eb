import { sql, type Kysely } from 'kysely';
import type { QuanyiModule } from '../../src/platform/module/module.js';
import type { Platform } from '../../src/platform/module/platform.js';
import type { Database } from '../../src/platform/db/schema.js';
import { GroupCommit } from '../../src/platform/db/group-commit.js';
import { AppError } from '../../src/platform/errors/app-error.js';
import { storeIdempotentResponses } from '../../src/platform/http/idempotency.js';
import { ok } from '../../src/platform/http/envelope.js';

/**
 * A small real module used by the kernel's integration tests: a table of counters changed by a mutating route
 * that goes through reply.transact and publishes an outbox event, like every real module will.
 */
export async function createProbeTable(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS probe_counters (name text PRIMARY KEY, value bigint NOT NULL);
    CREATE TABLE IF NOT EXISTS probe_effects (id bigint PRIMARY KEY, name text NOT NULL, amount bigint NOT NULL)
  `.execute(db);
}

export interface ProbeOptions {
  /** Milliseconds the handler waits before its transaction (to hold a request in flight). */
  readonly delayMs?: number;
}

export function probeModule(options: ProbeOptions = {}): QuanyiModule {
  return {
    name: 'probe',
    async routes(app, platform: Platform) {
      app.post<{ Params: { name: string }; Body: { amount: number; fail?: 'client' | 'server' } }>(
        '/test/probe/:name/add',
        {
          schema: {
            params: { type: 'object', properties: { name: { type: 'string', maxLength: 40 } }, required: ['name'] },
            body: {
              type: 'object',
              required: ['amount'],
              properties: { amount: { type: 'integer', minimum: 1 }, fail: { type: 'string', enum: ['client', 'server'] } },
              additionalProperties: false,
            },
          },
        },
        async (request, reply) => {
          // Work before the transaction (a call to another system, say) keeps the request in flight without
          // holding a database connection, which embedded PGlite has only one of.
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          if (request.body.fail === 'client') throw new AppError('FORBIDDEN');
          return reply.transact(async (trx) => {
            const id = platform.ids.next();
            await sql`INSERT INTO probe_effects (id, name, amount) VALUES (${id}, ${request.params.name}, ${request.body.amount})`.execute(trx);
            const row = await sql<{ value: string }>`
              INSERT INTO probe_counters (name, value) VALUES (${request.params.name}, ${request.body.amount})
              ON CONFLICT (name) DO UPDATE SET value = probe_counters.value + excluded.value
              RETURNING value
            `.execute(trx);
            await platform.outbox.publish(trx, {
              topic: 'probe.added',
              aggregateId: request.params.name,
              payload: { effect_id: id, name: request.params.name, amount: request.body.amount },
              requestId: request.id,
            });
            if (request.body.fail === 'server') throw new Error('probe failure after the effect');
            return ok({ effect_id: id, value: row.rows[0]!.value });
          });
        },
      );

      // The same effect through group commit (reply.transactIn), as the till's consumes are decided.
      const batched = new GroupCommit<{ name: string; amount: number }, string>(platform.database.db, {
        name: 'probe.batched',
        maxBatch: 20,
        run: async (trx, commands) => {
          const ids = commands.map(() => platform.ids.next());
          await sql`INSERT INTO probe_effects (id, name, amount) SELECT * FROM unnest(${ids}::bigint[], ${commands.map((c) => c.name)}::text[], ${commands.map((c) => c.amount)}::bigint[])`.execute(trx);
          return ids.map((id) => ({ ok: true as const, value: id }));
        },
        storeReceipts: storeIdempotentResponses,
      });
      app.post<{ Params: { name: string }; Body: { amount: number } }>(
        '/test/probe/:name/add-batched',
        {
          schema: {
            params: { type: 'object', properties: { name: { type: 'string', maxLength: 40 } }, required: ['name'] },
            body: { type: 'object', required: ['amount'], properties: { amount: { type: 'integer', minimum: 1 } }, additionalProperties: false },
          },
        },
        async (request, reply) => reply.transactIn(batched, { name: request.params.name, amount: request.body.amount }, (id: string) => ok({ effect_id: id })),
      );

      app.post('/test/probe/strict', { config: { idempotency: 'required' } }, async (_request, reply) =>
        reply.transact(async () => ok({ strict: true })),
      );

      // How many /slow requests are inside the handler, so a test can signal only once they all are.
      let sleeping = 0;
      app.get('/test/probe/slow', async () => {
        sleeping++;
        try {
          await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1_000));
        } finally {
          sleeping--;
        }
        return ok({ slept_ms: options.delayMs ?? 1_000 });
      });
      app.get('/test/probe/slow/in-flight', async () => ok({ sleeping }));
    },
  };
}

export async function probeState(db: Kysely<Database>, name: string): Promise<{ value: number; effects: number; events: number }> {
  const counter = await sql<{ value: string }>`SELECT value FROM probe_counters WHERE name = ${name}`.execute(db);
  const effects = await sql<{ n: string }>`SELECT count(*) AS n FROM probe_effects WHERE name = ${name}`.execute(db);
  const events = await sql<{ n: string }>`SELECT count(*) AS n FROM outbox_events WHERE topic = 'probe.added' AND aggregate_id = ${name}`.execute(db);
  return { value: Number(counter.rows[0]?.value ?? 0), effects: Number(effects.rows[0]!.n), events: Number(events.rows[0]!.n) };
}
