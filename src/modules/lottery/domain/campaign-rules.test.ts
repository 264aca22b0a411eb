import { describe, expect, it } from 'vitest';
import { normaliseCampaign, type CampaignInput } from './campaign-rules.js';

const base: CampaignInput = { name: '有奖发票', starts_at: '2026-12-01T00:00:00+08:00', ends_at: '2026-12-31T00:00:00+08:00' };

describe('normaliseCampaign problems name the row at fault', () => {
  it('a bad amount on the third weekly tier is weekly.tiers[2].amount', () => {
    const result = normaliseCampaign({
      ...base,
      weekly: {
        tiers: [
          { tier: 'A', name: '一等奖', kind: 'CASH', amount: '100.00', count: 1 },
          { tier: 'B', name: '二等奖', kind: 'CASH', amount: '10.00', count: 2 },
          { tier: 'C', name: '三等奖', kind: 'CASH', amount: '8.888', count: 3 },
        ],
      },
    });
    expect(result.problems.map((p) => p.field)).toEqual(['weekly.tiers[2].amount']);
  });

  it('a bad amount on the second instant prize is instant.prizes[1].amount', () => {
    const result = normaliseCampaign({
      ...base,
      instant: { tickets: 10, prizes: [{ name: '现金', kind: 'CASH', amount: '1.00', count: 1 }, { name: '现金', kind: 'CASH', amount: '-1', count: 1 }] },
    });
    expect(result.problems.map((p) => p.field)).toEqual(['instant.prizes[1].amount']);
  });
});
