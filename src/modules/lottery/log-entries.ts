import type { LogEntryInput } from '../audit/domain/log-entry.js';
import type { CampaignRules } from './domain/campaign-rules.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Names the instant-pool algorithm of docs/draw-spec.md; a verifier refuses a version it does not implement. */
export const INSTANT_ALGORITHM = 'quanyi-instant/v1';

export const subjectOfCampaign = (campaignId: string) => `campaign:${campaignId}`;

/**
 * The lottery's transparency-log entries (docs/draw-spec.md §Log entries). Only commitments and public rules:
 * no user ids, no invoice numbers.
 */
export const logEntries = {
  rules(campaignId: string, name: string, rules: CampaignRules, poolSeedCommit: Uint8Array): LogEntryInput {
    return {
      type: 'CAMPAIGN_RULES',
      subject: subjectOfCampaign(campaignId),
      fields: { campaign_id: campaignId, name, rules, instant_algorithm: INSTANT_ALGORITHM, pool_seed_commit: hex(poolSeedCommit) },
    };
  },

  instantDraw(d: {
    campaignId: string;
    drawId: string;
    position: number;
    ticket: number;
    prizeIndex: number | null;
    invoiceCommit: Uint8Array;
    chance: number;
  }): LogEntryInput {
    return {
      type: 'INSTANT_DRAW',
      subject: subjectOfCampaign(d.campaignId),
      fields: {
        campaign_id: d.campaignId,
        draw_id: d.drawId,
        position: d.position,
        ticket: d.ticket,
        prize: d.prizeIndex,
        invoice_commit: hex(d.invoiceCommit),
        chance: d.chance,
      },
    };
  },

  instantReveal(campaignId: string, poolSeed: Uint8Array, draws: number): LogEntryInput {
    return { type: 'INSTANT_REVEAL', subject: subjectOfCampaign(campaignId), fields: { campaign_id: campaignId, pool_seed: hex(poolSeed), draws } };
  },
};
