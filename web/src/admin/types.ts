/** A lottery campaign as GET /api/v1/lottery/campaigns answers it (the parts the console shows). */
export interface Campaign {
  campaign_id: string;
  name: string;
  status: string;
  starts_at: string;
  ends_at: string;
  instant: { tickets: number; drawn: number; prizes: { name: string; kind: string; amount?: string; count: number }[]; draw_id: string; pool_seed_commit: string; pool_seed: string | null } | null;
  weekly: { cron: string; tiers: { tier: string; name: string; count: number }[] } | null;
  rules_log_index: number;
  reveal_log_index: number | null;
  revealed_at: string | null;
}
