import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { formatMoney, parseMoney } from '../../platform/money/money.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import type { Clock } from '../../platform/time/clock.js';
import type { TransparencyLog } from '../audit/transparency-log.js';
import { buyerRuleOf, DEFAULTS, normaliseCampaign, presentPrize, type BuyerRule, type CampaignInput, type CampaignRules, type InvoiceKind } from './domain/campaign-rules.js';
import { chancesFor } from './domain/chances.js';
import { invoiceCommit } from './domain/invoice-commit.js';
import { seedCommitment } from './domain/instant-pool.js';
import { INSTANT_ALGORITHM, logEntries } from './log-entries.js';
import { prizeNamesOf } from './prize-names.js';
import type { CampaignRow, LotteryRepo, NewChance } from './repo.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** `invoice.accepted` as the invoices module publishes it (the fields the lottery reads). */
export interface InvoiceAcceptedPayload {
  readonly invoice_id: string;
  readonly user_id: string;
  readonly kind: InvoiceKind;
  readonly invoice_number: string;
  readonly issue_date: string;
  readonly total_amount: string;
  /** True when risk control reviews the invoice (fraud signals): it counts only once cleared. */
  readonly risk_review?: boolean;
  /** True when the invoice was issued to a company: it counts only in campaigns whose eligibility.buyer is ANY. */
  readonly buyer_company?: boolean;
}

/**
 * Campaigns, chances and reveals (instant draws are in instant-draws.ts, weekly draws in weekly.ts).
 */
export class LotteryService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: LotteryRepo,
    private readonly log: TransparencyLog,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async createCampaign(trx: Transaction<Database>, input: CampaignInput, createdBy: string | null) {
    const normalised = normaliseCampaign(input);
    if (!normalised.rules) throw new AppError('LOTTERY_RULES_INVALID', { problems: normalised.problems });
    const rules = normalised.rules;
    const campaignId = this.ids.next();
    const poolSeed = randomBytes(32);
    const poolSeedCommit = seedCommitment(poolSeed);
    const [rulesLogIndex] = await this.log.append(trx, [logEntries.rules(campaignId, input.name, rules, poolSeedCommit)]);
    await this.repo.insertCampaign(trx, {
      campaignId,
      name: input.name,
      rules,
      tickets: rules.instant?.tickets ?? 0,
      poolSeed,
      poolSeedCommit,
      rulesLogIndex: rulesLogIndex!,
      createdBy,
    });
    await this.outbox.publish(trx, { topic: 'lottery.campaign_created', aggregateId: campaignId, payload: { campaign_id: campaignId } });
    return this.present((await this.repo.campaign(trx, campaignId))!);
  }

  /**
   * The intake terms in force at `now`: the lowest floor and the longest age limit among running campaigns, so an
   * invoice is accepted if any campaign could count it (each campaign applies its own terms when granting
   * chances); the specification's defaults (10.00 yuan, 90 days) when none runs.
   */
  async intakePolicy(now: Date): Promise<{ minAmountFen: bigint; maxAgeDays: number; buyer: BuyerRule }> {
    const running = await this.repo.runningCampaigns(this.db, now);
    if (running.length === 0) return { minAmountFen: BigInt(DEFAULTS.minAmountFen), maxAgeDays: DEFAULTS.maxAgeDays, buyer: 'PERSON' };
    return {
      minAmountFen: BigInt(Math.min(...running.map((c) => c.rules.eligibility.min_amount_fen))),
      maxAgeDays: Math.max(...running.map((c) => c.rules.eligibility.max_age_days)),
      // Companies' invoices are taken if one running campaign counts them; the others grant them no chance.
      buyer: running.some((c) => buyerRuleOf(c.rules) === 'ANY') ? 'ANY' : 'PERSON',
    };
  }

  async campaign(campaignId: string) {
    return this.present(await this.requireCampaign(this.db, campaignId));
  }

  async campaigns() {
    return (await this.repo.campaigns(this.db, 100)).map((row) => this.present(row));
  }

  /**
   * Grants the chances an accepted invoice earns in every running campaign (idempotent per invoice). Returns them
   * with their campaigns' rules, for the weekly draws to enter. `bonus` extra chances (an activity's reward) are
   * added in each campaign the invoice counts in. Callers go through InvoiceChances, which serialises per invoice.
   */
  async grantChances(
    trx: Transaction<Database>,
    invoice: InvoiceAcceptedPayload,
    acceptedAt: Date,
    bonus = 0,
  ): Promise<{ chances: NewChance[]; rulesOf: (campaignId: string) => CampaignRules }> {
    const chances: NewChance[] = [];
    const amountFen = Number(parseMoney(invoice.total_amount));
    const running = await this.repo.runningCampaigns(trx, acceptedAt);
    for (const campaign of running) {
      const { granted } = chancesFor(campaign.rules, { kind: invoice.kind, amountFen, issueDate: invoice.issue_date, acceptedAt, buyerCompany: invoice.buyer_company === true });
      if (granted === 0) continue;
      const salt = randomBytes(16);
      chances.push({
        campaignId: campaign.campaign_id,
        invoiceId: invoice.invoice_id,
        userId: invoice.user_id,
        granted: granted + bonus,
        amountFen,
        invoiceCommit: invoiceCommit(salt, invoice.invoice_id, invoice.invoice_number),
        salt,
      });
    }
    await this.repo.insertChances(trx, chances);
    const rules = new Map(running.map((c) => [c.campaign_id, c.rules]));
    return { chances, rulesOf: (campaignId) => rules.get(campaignId)! };
  }

  /** Reveals the pool seed of a campaign that has ended (or that the operator ends now). Idempotent. */
  async reveal(campaignId: string, endNow: boolean): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const campaign = await this.repo.lockCampaign(trx, campaignId);
      if (!campaign) throw new AppError('LOTTERY_CAMPAIGN_NOT_FOUND', { campaign_id: campaignId });
      if (campaign.revealed_at) return false;
      const now = this.clock.now();
      if (!endNow && campaign.ends_at > now) return false;
      const [logIndex] = await this.log.append(trx, [logEntries.instantReveal(campaignId, campaign.pool_seed, campaign.next_position)]);
      await this.repo.markRevealed(trx, campaignId, now, logIndex!);
      await this.outbox.publish(trx, { topic: 'lottery.campaign_revealed', aggregateId: campaignId, payload: { campaign_id: campaignId } });
      return true;
    });
  }

  async revealEnded(): Promise<number> {
    let revealed = 0;
    for (const id of await this.repo.endedUnrevealed(this.db, this.clock.now())) if (await this.reveal(id, false)) revealed++;
    return revealed;
  }

  async myPrizes(userId: string) {
    const prizes = await this.repo.prizesOf(this.db, userId);
    const names = await prizeNamesOf(this.db, prizes);
    return prizes.map((p) => ({
      prize_id: p.prize_id,
      campaign_id: p.campaign_id,
      source: p.source,
      draw_id: p.draw_id,
      invoice_id: p.invoice_id,
      // As the campaign's rules name it (the row keeps only tier and amount).
      name: names.get(p.prize_id)!,
      tier: p.tier,
      kind: p.kind,
      amount: p.amount_fen === null ? null : formatMoney(BigInt(p.amount_fen)),
      coupon_template_id: p.coupon_template_id,
      coupon_code: p.coupon_code,
      status: p.status,
      due_at: p.due_at.toISOString(),
      settled_at: p.settled_at?.toISOString() ?? null,
      payout_reference: p.payout_reference,
      // Why it failed; while PENDING, why the last attempt did not go through.
      last_error: p.last_error,
      attempts: p.attempts,
      next_attempt_at: p.status === 'PENDING' ? p.next_attempt_at.toISOString() : null,
      created_at: p.created_at.toISOString(),
    }));
  }

  /** My chances with the salts that let me find my own entries in the public log. */
  async myChances(userId: string) {
    return (await this.repo.chancesOf(this.db, userId)).map((c) => ({
      campaign_id: c.campaign_id,
      invoice_id: c.invoice_id,
      granted: c.granted,
      used: c.used,
      invoice_commit: hex(c.invoice_commit),
      commit_salt: hex(c.commit_salt),
    }));
  }

  async myDraws(userId: string) {
    return (await this.repo.drawsOf(this.db, userId)).map((d) => ({
      draw_id: d.draw_id,
      campaign_id: d.campaign_id,
      position: d.position,
      invoice_id: d.invoice_id,
      chance: d.chance,
      prize_index: d.prize_index,
      log_index: Number(d.log_index),
      created_at: d.created_at.toISOString(),
    }));
  }

  private async requireCampaign(db: Kysely<Database> | Transaction<Database>, campaignId: string): Promise<CampaignRow> {
    const row = await this.repo.campaign(db, campaignId);
    if (!row) throw new AppError('LOTTERY_CAMPAIGN_NOT_FOUND', { campaign_id: campaignId });
    return row;
  }

  private present(row: CampaignRow) {
    const rules: CampaignRules = row.rules;
    const now = this.clock.now();
    const status = row.revealed_at ? 'ENDED' : row.starts_at > now ? 'SCHEDULED' : row.ends_at <= now ? 'ENDING' : 'ACTIVE';
    return {
      campaign_id: row.campaign_id,
      name: row.name,
      status,
      starts_at: row.starts_at.toISOString(),
      ends_at: row.ends_at.toISOString(),
      eligibility: { ...rules.eligibility, min_amount: formatMoney(rules.eligibility.min_amount_fen), buyer: buyerRuleOf(rules) },
      chances: rules.chances,
      instant: rules.instant && {
        tickets: rules.instant.tickets,
        drawn: row.next_position,
        prizes: rules.instant.prizes.map(presentPrize),
        algorithm: INSTANT_ALGORITHM,
        draw_id: `instant-${row.campaign_id}`,
        pool_seed_commit: hex(row.pool_seed_commit),
        // The seed stays secret until the reveal: with it, anyone could tell which coming positions win.
        pool_seed: row.revealed_at ? hex(row.pool_seed) : null,
      },
      weekly: rules.weekly && { cron: rules.weekly.cron, tiers: rules.weekly.tiers.map((t) => ({ tier: t.tier, ...presentPrize(t) })) },
      claim_deadline_days: rules.claim_deadline_days,
      rules_log_index: Number(row.rules_log_index),
      reveal_log_index: row.reveal_log_index === null ? null : Number(row.reveal_log_index),
      revealed_at: row.revealed_at?.toISOString() ?? null,
    };
  }
}
