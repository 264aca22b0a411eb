import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import { nextFireAt } from '../../platform/scheduler/schedule.js';
import type { Clock } from '../../platform/time/clock.js';
import { LeafHashTree, leafHash, MerkleAccumulator } from '../audit/domain/merkle.js';
import type { TransparencyLog } from '../audit/transparency-log.js';
import type { Beacon } from './beacon/beacon-port.js';
import type { BeaconProvider } from './beacons.js';
import { presentPrize, type CampaignRules } from './domain/campaign-rules.js';
import { addWorkingDays, drawWeeklyWinners, WEEKLY_ALGORITHM, weeklyLeafText, weeklySeed, type WeeklyEntry } from './domain/weekly-draw.js';
import { subjectOfCampaign } from './log-entries.js';
import type { LotteryRepo, NewChance } from './repo.js';
import type { WeeklyWinner } from './schema.js';
import type { StoredWeeklyEntry, WeeklyDrawRow, WeeklyRepo } from './weekly-repo.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** The beacon round a close names is published at least this long after the close is logged (RFC 3797 style). */
const BEACON_MARGIN_SECONDS = 60;
/** FAQ Q2: weekly prizes are paid within 3 working days. */
const WEEKLY_PAYOUT_WORKING_DAYS = 3;

export const weeklyDrawId = (drawId: string) => `weekly-${drawId}`;

/** A closed entry set with its proof tree and each entry's place in it. */
interface ClosedSet {
  readonly tree: LeafHashTree;
  readonly indexOf: ReadonlyMap<string, number>;
}

/**
 * Weekly draws: chances become entries of the campaign's next draw; at the cron fire the entry set is closed
 * and its Merkle root logged with a future beacon round; once that round is published the winners are drawn
 * from it and logged. Both steps are idempotent and run from the scheduler every minute.
 */
export class WeeklyDraws {
  /** Closed sets members asked about, for their inclusion proofs (a few at a time). */
  private readonly sets = new Map<string, ClosedSet>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: WeeklyRepo,
    private readonly lottery: LotteryRepo,
    private readonly beacons: BeaconProvider,
    private readonly log: TransparencyLog,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  /** Adds granted chances to each campaign's next open weekly draw (one entry per chance), in the caller's transaction. */
  async addEntries(trx: Transaction<Database>, chances: readonly NewChance[], rulesOf: (campaignId: string) => CampaignRules, acceptedAt: Date): Promise<void> {
    for (const chance of chances) {
      const weekly = rulesOf(chance.campaignId).weekly;
      if (!weekly) continue;
      await this.repo.shareCampaign(trx, chance.campaignId);
      // An invoice accepted before a fire joins that draw unless its set is already closed; then the next one.
      let closeAt = nextFireAt({ cron: weekly.cron }, acceptedAt);
      while (await this.repo.drawExists(trx, chance.campaignId, closeAt)) closeAt = nextFireAt({ cron: weekly.cron }, closeAt);
      await this.repo.insertEntries(
        trx,
        Array.from({ length: chance.granted - (chance.firstChance ?? 1) + 1 }, (_, i) => ({
          campaignId: chance.campaignId,
          closeAt,
          invoiceCommit: chance.invoiceCommit,
          chance: (chance.firstChance ?? 1) + i,
          invoiceId: chance.invoiceId,
          userId: chance.userId,
        })),
      );
    }
  }

  async tick(): Promise<{ closed: number; drawn: number }> {
    return { closed: await this.closeDue(), drawn: await this.drawReady() };
  }

  async closeDue(): Promise<number> {
    let closed = 0;
    for (const due of await this.repo.dueCloses(this.db, this.clock.now())) {
      if (!(await this.close(due.campaign_id, due.close_at))) continue;
      closed++;
      // Sign at once: the close is then inside a signed tree well before its beacon round is published.
      await this.log.checkpoint();
    }
    return closed;
  }

  async drawReady(): Promise<number> {
    let drawn = 0;
    for (const draw of await this.repo.closedDraws(this.db)) if (await this.drawOne(draw)) drawn++;
    return drawn;
  }

  /** Fixes the entry set: its root, its size and the future beacon round go to the log together. */
  private async close(campaignId: string, closeAt: Date): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await this.repo.lockCampaign(trx, campaignId);
      if (await this.repo.drawExists(trx, campaignId, closeAt)) return false;
      const campaign = (await this.lottery.campaign(trx, campaignId))!;
      const weekly = campaign.rules.weekly;
      if (!weekly) return false;
      const entries = await this.repo.entries(trx, campaignId, closeAt);
      // Only the root is needed now; the proof tree is built when a member first asks for a proof.
      const root = rootOfEntries(entries);
      const now = this.clock.now();
      const beacon = await this.beacons.forClose(trx, now);
      const targetRound = firstRoundAtOrAfter(beacon, now.getTime() / 1000 + BEACON_MARGIN_SECONDS);
      const drawId = this.ids.next();
      const [closeLogIndex] = await this.log.append(trx, [
        {
          type: 'WEEKLY_CLOSE',
          subject: subjectOfCampaign(campaignId),
          fields: {
            campaign_id: campaignId,
            draw_id: weeklyDrawId(drawId),
            algorithm: WEEKLY_ALGORITHM,
            close_at: closeAt.toISOString(),
            entry_count: entries.length,
            entries_root: hex(root),
            beacon_id: beacon.id,
            target_round: targetRound,
            target_time: new Date(beacon.roundTime(targetRound) * 1000).toISOString(),
            tiers: weekly.tiers.map((t) => ({ tier: t.tier, count: t.count })),
          },
        },
      ]);
      await this.repo.insertDraw(trx, { drawId, campaignId, closeAt, entryCount: entries.length, entriesRoot: root, beaconId: beacon.id, targetRound, closeLogIndex: closeLogIndex! });
      return true;
    });
  }

  /** Draws a closed set once its beacon round is out: the seed binds the beacon, the root, the size and the draw. */
  private async drawOne(draw: WeeklyDrawRow): Promise<boolean> {
    const beacon: Beacon = await this.beacons.byId(draw.beacon_id);
    const value = await beacon.get(Number(draw.target_round));
    if (!value) return false;
    const randomness = beacon.verify(value);
    const drawId = weeklyDrawId(draw.draw_id);
    const seed = weeklySeed({ beaconId: beacon.id, round: value.round, randomness, entriesRoot: draw.entries_root, entryCount: draw.entry_count, drawId });
    const campaign = (await this.lottery.campaign(this.db, draw.campaign_id))!;
    const tiers = campaign.rules.weekly!.tiers;
    const entries = await this.repo.entries(this.db, draw.campaign_id, draw.close_at);
    if (entries.length !== draw.entry_count) throw new Error(`weekly draw ${draw.draw_id}: the closed set changed (${entries.length} ≠ ${draw.entry_count})`);
    const publicEntries: WeeklyEntry[] = entries.map((e) => ({ invoiceCommit: hex(e.invoice_commit), chance: e.chance }));
    const winners: WeeklyWinner[] = drawWeeklyWinners(seed, publicEntries, tiers).map((w) => ({ ...w, invoice_commit: publicEntries[w.index]!.invoiceCommit, chance: publicEntries[w.index]!.chance }));
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.repo.lockClosedDraw(trx, draw.draw_id))) return false;
      const [resultLogIndex] = await this.log.append(trx, [
        { type: 'WEEKLY_RESULT', subject: subjectOfCampaign(draw.campaign_id), fields: { campaign_id: draw.campaign_id, draw_id: drawId, beacon: value, seed: hex(seed), winners } },
      ]);
      for (const winner of winners) {
        const entry = entries[winner.index]!;
        const prize = tiers.find((t) => t.tier === winner.tier)!;
        const prizeId = this.ids.next();
        await this.lottery.insertPrize(trx, {
          prizeId,
          userId: entry.user_id,
          campaignId: draw.campaign_id,
          source: 'WEEKLY',
          drawId: draw.draw_id,
          invoiceId: entry.invoice_id,
          tier: winner.tier,
          kind: prize.kind,
          amountFen: prize.kind === 'CASH' ? prize.amount_fen : null,
          couponTemplateId: prize.kind === 'COUPON' ? prize.coupon_template_id : null,
          dueAt: addWorkingDays(now, WEEKLY_PAYOUT_WORKING_DAYS),
        });
        await this.outbox.publish(trx, {
          topic: 'lottery.prize_won',
          aggregateId: prizeId,
          payload: { prize_id: prizeId, user_id: entry.user_id, source: 'WEEKLY', draw_id: draw.draw_id, tier: winner.tier, ...presentPrize(prize) },
        });
      }
      return this.repo.markDrawn(trx, draw.draw_id, { beacon: value, seed, winners, resultLogIndex: resultLogIndex!, at: now });
    });
  }

  /** What a bundle needs beyond log entries: the entry set itself, in order. */
  async entrySet(drawId: string): Promise<string[]> {
    const draw = await this.requireDraw(drawId);
    return (await this.repo.entries(this.db, draw.campaign_id, draw.close_at)).map(textOf);
  }

  async requireDraw(drawId: string): Promise<WeeklyDrawRow> {
    const draw = /^\d{1,20}$/.test(drawId) ? await this.repo.draw(this.db, drawId) : undefined;
    if (!draw) throw new AppError('LOTTERY_DRAW_NOT_FOUND', { draw_id: weeklyDrawId(drawId) });
    return draw;
  }

  /** "Was I in it?": an entry's inclusion proof in the closed set's tree, checkable against the logged root. */
  async entryProof(drawId: string, invoiceCommit: string, chance: number) {
    const draw = await this.requireDraw(drawId);
    const set = await this.closedSet(draw);
    const leaf = weeklyLeafText({ invoiceCommit, chance });
    const index = set.indexOf.get(leaf);
    if (index === undefined) throw new AppError('LOTTERY_ENTRY_NOT_FOUND', { draw_id: weeklyDrawId(drawId) });
    return {
      draw_id: weeklyDrawId(drawId),
      leaf,
      index,
      entry_count: set.tree.size,
      entries_root: hex(draw.entries_root),
      close_log_index: Number(draw.close_log_index),
      hashes: set.tree.inclusionProof(index, set.tree.size).map((h) => Buffer.from(h).toString('base64')),
    };
  }

  /** A closed set never changes, so it is read and hashed once per process, not once per member's request. */
  private async closedSet(draw: WeeklyDrawRow): Promise<ClosedSet> {
    const cached = this.sets.get(draw.draw_id);
    if (cached) return cached;
    const entries = await this.repo.entries(this.db, draw.campaign_id, draw.close_at);
    const tree = new LeafHashTree();
    const indexOf = new Map<string, number>();
    for (const e of entries) {
      const text = textOf(e);
      indexOf.set(text, tree.size);
      tree.append(leafOf(text));
    }
    const set = { tree, indexOf };
    if (this.sets.size >= 4) this.sets.delete(this.sets.keys().next().value!);
    this.sets.set(draw.draw_id, set);
    return set;
  }


  async drawsOf(campaignId: string) {
    return (await this.repo.drawsOf(this.db, campaignId)).map((d) => ({
      draw_id: weeklyDrawId(d.draw_id),
      status: d.status,
      close_at: d.close_at.toISOString(),
      entry_count: d.entry_count,
      entries_root: hex(d.entries_root),
      beacon_id: d.beacon_id,
      target_round: Number(d.target_round),
      winners: d.winners,
      drawn_at: d.drawn_at?.toISOString() ?? null,
    }));
  }
}

/** The entry's public text, `<invoice_commit>:<chance>`, which is its leaf in the set's tree. */
function textOf(e: StoredWeeklyEntry): string {
  return weeklyLeafText({ invoiceCommit: hex(e.invoice_commit), chance: e.chance });
}

function leafOf(text: string): Uint8Array {
  return leafHash(new TextEncoder().encode(text));
}

/** Streams the root: no array of leaf hashes, no proof levels (docs/benchmarks.md: the tree dominated at 10^7). */
function rootOfEntries(entries: readonly StoredWeeklyEntry[]): Uint8Array {
  const accumulator = new MerkleAccumulator();
  for (const e of entries) accumulator.append(leafOf(textOf(e)));
  return accumulator.root();
}

function firstRoundAtOrAfter(beacon: Beacon, unixSeconds: number): number {
  const round = beacon.roundAt(unixSeconds);
  return beacon.roundTime(round) < unixSeconds ? round + 1 : round;
}
