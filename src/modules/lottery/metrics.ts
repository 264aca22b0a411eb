import { Gauge } from 'prom-client';
import type { Platform } from '../../platform/module/platform.js';
import { sharedSample } from '../../platform/metrics/metrics.js';
import { PrizeRepo } from './prize-repo.js';

const SOURCES = ['INSTANT', 'WEEKLY'] as const;
type Sample = { readonly at: Date; readonly rows: Awaited<ReturnType<PrizeRepo['pastDue']>> };

/**
 * Gauges read from the prizes table when Prometheus scrapes: unpaid prizes past their payout deadline, per source
 * (instant: 24 h; weekly: 3 working days — the deadline is each prize's `due_at`, so no calendar is needed here).
 * Both gauges of one scrape share one query.
 */
export function registerLotteryMetrics(platform: Platform): void {
  const registry = platform.metrics.registry;
  if (registry.getSingleMetric('lottery_prizes_past_due')) return;
  const repo = new PrizeRepo();
  const sample = sharedSample(1_000, async (): Promise<Sample> => {
    const at = platform.clock.now();
    return { at, rows: await repo.pastDue(platform.database.db, at) };
  });
  new Gauge({
    name: 'lottery_prizes_past_due',
    help: 'Unpaid (PENDING) prizes past their payout deadline, by source (INSTANT: 24 h, WEEKLY: 3 working days)',
    labelNames: ['source'] as const,
    registers: [registry],
    async collect() {
      const s = await sample();
      if (s) for (const source of SOURCES) this.set({ source }, s.rows.find((r) => r.source === source)?.count ?? 0);
    },
  });
  new Gauge({
    name: 'lottery_prize_oldest_past_due_seconds',
    help: 'How long ago the oldest unpaid prize of each source passed its payout deadline (0 when none has)',
    labelNames: ['source'] as const,
    registers: [registry],
    async collect() {
      const s = await sample();
      if (!s) return;
      for (const source of SOURCES) {
        const due = s.rows.find((r) => r.source === source)?.oldestDueAt;
        this.set({ source }, due ? Math.max(0, (s.at.getTime() - new Date(due).getTime()) / 1000) : 0);
      }
    },
  });
}
