import { sql } from 'kysely';
import { pruneIdempotencyKeys } from '../platform/http/idempotency.js';
import { KERNEL_MIGRATIONS } from '../platform/db/migrations/index.js';
import type { QuanyiModule } from '../platform/module/module.js';

/** The kernel's own tables: their migrations, and housekeeping so they stay small however long the platform runs. */
export const platformMaintenance: QuanyiModule = {
  name: 'platform',
  migrations: KERNEL_MIGRATIONS,
  jobs: ({ database, logger }) => [
    {
      name: 'platform.prune-idempotency-keys',
      schedule: { cron: '17 * * * *' },
      run: async () => {
        const removed = await pruneIdempotencyKeys(database.db);
        if (removed) logger.info({ removed }, 'expired idempotency keys pruned');
      },
    },
    {
      name: 'platform.prune-outbox',
      schedule: { cron: '40 3 * * *' },
      run: async () => {
        // Delivered events are kept a week for inspection and replays; undelivered ones are never pruned.
        await sql`
          DELETE FROM outbox_events e
          WHERE e.created_at < now() - interval '7 days'
            AND NOT EXISTS (SELECT 1 FROM outbox_deliveries d WHERE d.event_id = e.id AND d.status <> 'delivered')
        `.execute(database.db);
        await sql`DELETE FROM processed_events WHERE processed_at < now() - interval '30 days'`.execute(database.db);
        await sql`DELETE FROM scheduled_runs WHERE started_at < now() - interval '30 days'`.execute(database.db);
      },
    },
  ],
};
