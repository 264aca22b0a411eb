// The specification's redemption design (coupon specification §4.2.1), kept under bench/ only as the baseline to beat: a Redis lock
// (SET NX PX 3000) around BEGIN; SELECT … FOR UPDATE; UPDATE balance; INSERT audit; COMMIT. It is not part of
// the product: PostgreSQL already serialises the row, and the Redis lock only lengthens the hold.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10, options: `-c search_path=${process.env.DATABASE_SCHEMA ?? 'public'}` });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
await pool.query(`CREATE TABLE IF NOT EXISTS spec_design_cards (id bigint PRIMARY KEY, balance numeric(12,2) NOT NULL);
  CREATE TABLE IF NOT EXISTS spec_design_audit (id text PRIMARY KEY, card_id bigint, amount numeric(12,2), at timestamptz DEFAULT now());
  INSERT INTO spec_design_cards VALUES (1, 1000000.00) ON CONFLICT (id) DO UPDATE SET balance = 1000000.00`);

const app = Fastify();
app.post<{ Body: { amount: string } }>('/consume', async (request, reply) => {
  const lockKey = 'LOCK_COUPON:1';
  const token = randomUUID();
  const deadline = Date.now() + 3_000;
  while ((await redis.set(lockKey, token, 'PX', 3_000, 'NX')) !== 'OK') {
    if (Date.now() > deadline) return reply.code(409).send({ ok: false });
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ balance: string }>('SELECT balance FROM spec_design_cards WHERE id = 1 FOR UPDATE');
    if (Number(rows[0]!.balance) < Number(request.body.amount)) {
      await client.query('ROLLBACK');
      return reply.code(409).send({ ok: false });
    }
    await client.query('UPDATE spec_design_cards SET balance = balance - $1 WHERE id = 1', [request.body.amount]);
    await client.query('INSERT INTO spec_design_audit (id, card_id, amount) VALUES ($1, 1, $2)', [randomUUID(), request.body.amount]);
    await client.query('COMMIT');
    return { ok: true };
  } finally {
    client.release();
    // Compare-and-delete so a slow holder never releases someone else's lock.
    await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, lockKey, token);
  }
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
