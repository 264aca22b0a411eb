import { createClient } from '../api/client';

/** The public, unauthenticated reads the fairness page makes (no session: anyone may audit). */
export const publicApi = createClient(() => undefined);

export interface CheckpointView {
  readonly origin: string;
  readonly size: number;
  readonly root_hash: string;
  /** The C2SP signed note: the checkpoint text and its signature lines. */
  readonly note: string;
}

export interface LogKey {
  readonly origin: string;
  readonly verifier_key: string;
}

export interface PrizeView {
  readonly name: string;
  readonly kind: string;
  readonly amount?: string;
  readonly count: number;
}

export interface CampaignView {
  readonly campaign_id: string;
  readonly name: string;
  readonly status: string;
  readonly starts_at: string;
  readonly ends_at: string;
  readonly instant: {
    readonly tickets: number;
    readonly drawn: number;
    readonly prizes: readonly PrizeView[];
    readonly draw_id: string;
    readonly pool_seed_commit: string;
    readonly pool_seed: string | null;
  } | null;
  readonly weekly: { readonly cron: string; readonly tiers: readonly (PrizeView & { readonly tier: string })[] } | null;
  readonly rules_log_index: number;
  readonly reveal_log_index: number | null;
  readonly revealed_at: string | null;
}

export interface WeeklyDrawView {
  readonly draw_id: string;
  readonly status: string;
  readonly close_at: string;
  readonly entry_count: number;
  readonly entries_root: string;
  readonly beacon_id: string;
  readonly target_round: number;
  readonly winners: readonly { readonly tier: string; readonly index: number; readonly invoice_commit: string; readonly chance: number }[] | null;
  readonly drawn_at: string | null;
}

export const fetchCheckpoint = () => publicApi.get<CheckpointView>('/api/v1/transparency/checkpoint');
export const fetchLogKey = () => publicApi.get<LogKey>('/api/v1/transparency/key');
export const fetchCampaigns = async () => (await publicApi.get<{ campaigns: CampaignView[] }>('/api/v1/lottery/campaigns')).campaigns;
export const fetchWeeklyDraws = async (campaignId: string) =>
  (await publicApi.get<{ draws: WeeklyDrawView[] }>(`/api/v1/lottery/campaigns/${encodeURIComponent(campaignId)}/weekly-draws`)).draws;

/** Where a draw's bundle is served: the same URL `quanyi verify-draw --url` fetches. */
export const bundlePath = (drawId: string) => `/api/v1/lottery/draws/${encodeURIComponent(drawId)}/bundle`;
