import { createClient } from '../api/client';
import type { Answer, Item } from '../api/types';

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

/** A campaign as the public API answers it (from the types generated from /openapi.json: web/src/api/schema.d.ts). */
export type CampaignView = Item<Answer<'/api/v1/lottery/campaigns', 'get'>['campaigns']>;
export type PrizeView = Item<NonNullable<CampaignView['instant']>['prizes']>;
export type WeeklyDrawView = Item<Answer<'/api/v1/lottery/campaigns/{id}/weekly-draws', 'get'>['draws']>;

export const fetchCheckpoint = () => publicApi.get<CheckpointView>('/api/v1/transparency/checkpoint');
export const fetchLogKey = () => publicApi.get<LogKey>('/api/v1/transparency/key');
export const fetchCampaigns = async () => (await publicApi.get<{ campaigns: CampaignView[] }>('/api/v1/lottery/campaigns')).campaigns;
export const fetchWeeklyDraws = async (campaignId: string) =>
  (await publicApi.get<{ draws: WeeklyDrawView[] }>(`/api/v1/lottery/campaigns/${encodeURIComponent(campaignId)}/weekly-draws`)).draws;

/** Where a draw's bundle is served: the same URL `quanyi verify-draw --url` fetches. */
export const bundlePath = (drawId: string) => `/api/v1/lottery/draws/${encodeURIComponent(drawId)}/bundle`;
