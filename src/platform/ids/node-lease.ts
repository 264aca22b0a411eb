import { randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { MAX_NODE_ID } from './snowflake.js';

export interface NodeLease {
  readonly nodeId: number;
  /** Releases the node id on clean shutdown. */
  release(): Promise<void>;
}

const LEASE_SECONDS = 300;

/**
 * Claims a snowflake node id no live process holds: two processes with the same node id could mint the same id
 * in the same millisecond. The lease is renewed while the process lives and lapses five minutes after it dies.
 */
export async function claimNodeId(db: Kysely<Database>, holder: string): Promise<NodeLease> {
  const start = randomInt(0, MAX_NODE_ID + 1);
  for (let i = 0; i <= MAX_NODE_ID; i++) {
    const nodeId = (start + i) % (MAX_NODE_ID + 1);
    const result = await sql`
      INSERT INTO node_leases (node_id, holder, expires_at)
      VALUES (${nodeId}, ${holder}, now() + make_interval(secs => ${LEASE_SECONDS}))
      ON CONFLICT (node_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
        WHERE node_leases.expires_at < now() OR node_leases.holder = excluded.holder
    `.execute(db);
    if (Number(result.numAffectedRows ?? 0n) === 1) return keepAlive(db, nodeId, holder);
  }
  throw new Error('all 1024 snowflake node ids are leased; too many live processes');
}

function keepAlive(db: Kysely<Database>, nodeId: number, holder: string): NodeLease {
  const timer = setInterval(() => {
    db.updateTable('node_leases')
      .set({ expires_at: sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})` })
      .where('node_id', '=', nodeId)
      .where('holder', '=', holder)
      .execute()
      .catch(() => undefined); // the next renewal retries; five minutes of slack
  }, (LEASE_SECONDS * 1000) / 5);
  timer.unref();
  return {
    nodeId,
    release: async () => {
      clearInterval(timer);
      await db.deleteFrom('node_leases').where('node_id', '=', nodeId).where('holder', '=', holder).execute();
    },
  };
}
