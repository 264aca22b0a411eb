import { Gauge } from 'prom-client';
import type { Platform } from '../../platform/module/platform.js';
import { sharedSample } from '../../platform/metrics/metrics.js';
import { TransparencyLogRepo } from './repo.js';

type Freshness = Awaited<ReturnType<TransparencyLogRepo['checkpointFreshness']>>;

/**
 * The transparency log's freshness, read when Prometheus scrapes: when the newest checkpoint was signed and how
 * many entries no signed checkpoint covers yet. A checkpoint is signed every minute only when the log grew, so
 * "no checkpoint for 5 minutes" alone is normal for a quiet log; it matters while entries wait unsigned.
 * The three gauges of one scrape share one query.
 */
export function registerAuditMetrics(platform: Platform): void {
  const registry = platform.metrics.registry;
  if (registry.getSingleMetric('transparency_log_unsigned_entries')) return;
  const repo = new TransparencyLogRepo();
  const sample = sharedSample(1_000, () => repo.checkpointFreshness(platform.database.db));
  const gauge = (name: string, help: string, read: (f: Freshness) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const fresh = await sample();
        if (fresh) this.set(read(fresh));
      },
    });
  gauge('transparency_log_entries', 'Entries in the transparency log', (f) => f.size);
  gauge('transparency_log_unsigned_entries', 'Transparency-log entries no signed checkpoint covers yet', (f) => Math.max(0, f.size - f.signedSize));
  gauge('transparency_log_last_checkpoint_timestamp_seconds', 'Unix time the newest transparency-log checkpoint was signed (0 before the first)', (f) =>
    f.signedAt ? new Date(f.signedAt).getTime() / 1000 : 0,
  );
}
