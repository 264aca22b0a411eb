import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { CampaignRules } from './domain/campaign-rules.js';
import { prizeName } from './prize-notices.js';
import type { PrizeRow } from './repo.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The names the operator gave a list of prizes (the instant pool's entry the draw won, or the weekly tier's), keyed
 * by prize id. A prize row keeps only its tier and amount, so the names come from the campaigns' rules: two reads
 * for the whole list (its campaigns' rules, its instant draws' prize indexes), not one per prize.
 */
export async function prizeNamesOf(db: Db, prizes: readonly PrizeRow[]): Promise<Map<string, string>> {
  if (prizes.length === 0) return new Map();
  const campaignIds = [...new Set(prizes.map((p) => p.campaign_id))];
  const instantDrawIds = prizes.filter((p) => p.source === 'INSTANT').map((p) => p.draw_id);
  // One after the other: a transaction's queries share one connection.
  const campaigns = await db.selectFrom('lottery_campaigns').select(['campaign_id', 'rules']).where('campaign_id', 'in', campaignIds).execute();
  const draws =
    instantDrawIds.length === 0
      ? []
      : await db.selectFrom('lottery_instant_draws').select(['draw_id', 'prize_index']).where('draw_id', 'in', instantDrawIds).execute();
  const rulesOf = new Map<string, CampaignRules>(campaigns.map((c) => [c.campaign_id, c.rules]));
  const indexOf = new Map(draws.map((d) => [d.draw_id, d.prize_index]));
  return new Map(
    prizes.map((p) => [p.prize_id, prizeName(p, rulesOf.get(p.campaign_id), p.source === 'INSTANT' ? (indexOf.get(p.draw_id) ?? null) : null)]),
  );
}
