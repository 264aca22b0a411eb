import type { Clock } from '../../platform/time/clock.js';
import type { MinuteCount } from '../../platform/db/per-minute.js';
import type { CouponStats } from '../coupons/stats.js';
import type { LotteryStats } from '../lottery/stats.js';
import type { RiskStats } from '../risk/stats.js';
import type { MinuteMoney, SettlementStats } from '../settlement/stats.js';

export const WINDOW_MINUTES = 60;

export interface DashboardSources {
  readonly coupons: CouponStats;
  readonly lottery: LotteryStats;
  readonly risk: RiskStats;
  readonly settlement: SettlementStats;
}

/**
 * The operator dashboard: what happened per minute over the last hour, across modules. It owns no tables; each
 * module answers its own aggregates (its stats.ts), and this fills the minutes nobody acted in with zeros so the
 * charts' x axes line up.
 */
export class DashboardService {
  constructor(
    private readonly sources: DashboardSources,
    private readonly clock: Clock,
  ) {}

  async overview() {
    const now = this.clock.now();
    const to = floorMinute(now);
    const from = new Date(to.getTime() - (WINDOW_MINUTES - 1) * 60_000);
    const minutes = Array.from({ length: WINDOW_MINUTES }, (_, i) => new Date(from.getTime() + i * 60_000).toISOString());
    const { coupons, lottery, risk, settlement } = this.sources;
    const [issued, redemptions, draws, decisions, transfers, riskSummary, instantTotals, statements] = await Promise.all([
      coupons.issuedPerMinute(from),
      coupons.redemptionsPerMinute(from),
      lottery.instantDrawsPerMinute(from),
      risk.decisionsPerMinute(from),
      settlement.transfersPerMinute(from),
      risk.summary(from),
      lottery.instantTotals(),
      settlement.statementTotals(),
    ]);
    const series = {
      coupons_issued: onGrid(minutes, issued),
      redemptions: onGrid(minutes, redemptions),
      instant_draws: onGrid(minutes, draws),
      risk_decisions: onGrid(minutes, decisions),
    };
    const totals = Object.fromEntries(Object.entries(series).map(([name, counts]) => [name, counts.reduce((a, b) => a + b, 0)])) as Record<keyof typeof series, number>;
    return {
      generated_at: now.toISOString(),
      window: { from: from.toISOString(), minutes: WINDOW_MINUTES },
      minutes,
      series,
      totals,
      risk: riskSummary,
      lottery: instantTotals,
      settlement: { transfers: moneyOnGrid(minutes, transfers), statements },
    };
  }
}

function floorMinute(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 60_000) * 60_000);
}

function onGrid(minutes: readonly string[], counts: readonly MinuteCount[]): number[] {
  const byMinute = new Map(counts.map((c) => [c.minute, c.count]));
  return minutes.map((m) => byMinute.get(m) ?? 0);
}

function moneyOnGrid(minutes: readonly string[], rows: readonly MinuteMoney[]): { transfers: number[]; amounts: string[] } {
  const byMinute = new Map(rows.map((r) => [r.minute, r]));
  return { transfers: minutes.map((m) => byMinute.get(m)?.transfers ?? 0), amounts: minutes.map((m) => byMinute.get(m)?.amount ?? '0.00') };
}
