import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { rootOf, leafHash } from '../../audit/domain/merkle.js';
import type { BeaconValue } from '../beacon/beacon-port.js';
import { DRAND_CHAINS, roundTime } from '../beacon/drand-chains.js';
import { verifyDrandBeacon } from '../beacon/drand-verify.js';
import { verifyLocalBeacon } from '../beacon/local-beacon.js';
import type { CampaignRules } from '../domain/campaign-rules.js';
import { compareWeeklyEntries, drawWeeklyWinners, parseWeeklyLeaf, WEEKLY_ALGORITHM, weeklySeed, type WeeklyEntry } from '../domain/weekly-draw.js';
import type { WeeklyWinner } from '../schema.js';
import { BundleMismatch, type VerifiedEntry } from './mismatch.js';

const hex = bytesToHex;
const MARGIN_SECONDS = 60;

interface CloseFields {
  campaign_id: string;
  algorithm: string;
  close_at: string;
  entry_count: number;
  entries_root: string;
  beacon_id: string;
  target_round: number;
  target_time: string;
  tiers: { tier: string; count: number }[];
}

/**
 * A weekly draw re-run: the entry set hashes to the root logged at close, the beacon round was named at close
 * and is published at least a minute after it, the beacon value verifies (drand's BLS signature against the
 * pinned key, or the local hash chain against its logged anchor), and the seed and every winner follow.
 */
export function verifyWeeklyDraw(drawId: string, entries: readonly VerifiedEntry[], entrySet: readonly string[] | undefined, checks: string[]): Record<string, unknown> {
  const closes = entries.filter((e) => e.fields.type === 'WEEKLY_CLOSE' && e.fields.draw_id === drawId);
  const results = entries.filter((e) => e.fields.type === 'WEEKLY_RESULT' && e.fields.draw_id === drawId);
  if (closes.length !== 1) throw new BundleMismatch(`expected one WEEKLY_CLOSE entry for ${drawId}, found ${closes.length}`);
  const close = closes[0]!;
  const c = close.fields as unknown as CloseFields;
  if (c.algorithm !== WEEKLY_ALGORITHM) throw new BundleMismatch(`unknown weekly algorithm ${String(c.algorithm)}`);
  const rulesEntries = entries.filter((e) => e.fields.type === 'CAMPAIGN_RULES' && e.fields.campaign_id === c.campaign_id);
  if (rulesEntries.length !== 1) throw new BundleMismatch(`expected one CAMPAIGN_RULES entry for campaign ${c.campaign_id}, found ${rulesEntries.length}`);
  const rules = rulesEntries[0]!.fields.rules as CampaignRules;
  if (!(rulesEntries[0]!.index < close.index)) throw new BundleMismatch('the close is logged before the campaign rules');
  const ruleTiers = (rules.weekly?.tiers ?? []).map((t) => ({ tier: t.tier, count: t.count }));
  const sameTiers = ruleTiers.length === c.tiers.length && ruleTiers.every((t, i) => t.tier === c.tiers[i]!.tier && t.count === c.tiers[i]!.count);
  if (!sameTiers) throw new BundleMismatch(`entry ${close.index}: the close's tiers differ from the campaign rules`);

  // The entry set: well-formed, in draw order, each once, and exactly what the logged root commits to.
  if (!entrySet) throw new BundleMismatch('the bundle holds no entry_set');
  if (entrySet.length !== c.entry_count) throw new BundleMismatch(`entry_set holds ${entrySet.length} entries, the close logged ${c.entry_count}`);
  const parsed: WeeklyEntry[] = [];
  const encoder = new TextEncoder();
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < entrySet.length; i++) {
    let entry: WeeklyEntry;
    try {
      entry = parseWeeklyLeaf(entrySet[i]!);
    } catch {
      throw new BundleMismatch(`entry_set[${i}] is not <invoice_commit>:<chance>`);
    }
    if (i > 0 && compareWeeklyEntries(parsed[i - 1]!, entry) >= 0) throw new BundleMismatch(`entry_set[${i}] is out of order or repeated`);
    parsed.push(entry);
    leaves.push(leafHash(encoder.encode(entrySet[i]!)));
  }
  const root = hex(rootOf(leaves));
  if (root !== c.entries_root) throw new BundleMismatch(`the entry set's Merkle root ${root} is not the root logged at entry ${close.index}`);
  checks.push(`entry set of ${parsed.length} hashes to the root logged at entry ${close.index}`);

  if (results.length === 0) throw new BundleMismatch(`${drawId} has not been drawn yet (no WEEKLY_RESULT entry): its beacon round may not be out`);
  if (results.length !== 1) throw new BundleMismatch(`expected one WEEKLY_RESULT entry for ${drawId}, found ${results.length}`);
  const result = results[0]!;
  if (!(close.index < result.index)) throw new BundleMismatch('the result is logged before the close');
  const beacon = result.fields.beacon as BeaconValue;
  if (beacon.beacon !== c.beacon_id) throw new BundleMismatch(`entry ${result.index}: beacon ${beacon.beacon}, but the close named ${c.beacon_id}`);
  if (beacon.round !== c.target_round) throw new BundleMismatch(`entry ${result.index}: beacon round ${beacon.round}, but the close named round ${c.target_round}`);
  if (Date.parse(c.target_time) < Date.parse(c.close_at) + MARGIN_SECONDS * 1000) throw new BundleMismatch(`entry ${close.index}: the target round is due less than ${MARGIN_SECONDS} s after the close`);
  const randomness = verifyBeaconValue(beacon, c, entries, close.index);
  checks.push(`beacon ${beacon.beacon} round ${beacon.round} verifies`);

  const seed = weeklySeed({ beaconId: beacon.beacon, round: beacon.round, randomness, entriesRoot: hexToBytes(c.entries_root), entryCount: c.entry_count, drawId });
  if (hex(seed) !== result.fields.seed) throw new BundleMismatch(`entry ${result.index}: seed ${String(result.fields.seed)}, but the beacon, root and size give ${hex(seed)}`);
  const expected = drawWeeklyWinners(seed, parsed, c.tiers);
  const logged = result.fields.winners as WeeklyWinner[];
  if (logged.length !== expected.length) throw new BundleMismatch(`entry ${result.index}: ${logged.length} winners logged, the draw gives ${expected.length}`);
  expected.forEach((w, i) => {
    const got = logged[i]!;
    const entry = parsed[w.index]!;
    if (got.tier !== w.tier || got.index !== w.index || got.invoice_commit !== entry.invoiceCommit || got.chance !== entry.chance) {
      throw new BundleMismatch(`entry ${result.index}: winner ${i} is ${got.tier} #${got.index} (${got.invoice_commit}:${got.chance}), but the draw gives ${w.tier} #${w.index} (${entry.invoiceCommit}:${entry.chance})`);
    }
  });
  checks.push(`re-derived all ${expected.length} winners from ${parsed.length} entries`);
  return { kind: 'WEEKLY', draw_id: drawId, campaign_id: c.campaign_id, entries: parsed.length, winners: expected.length, beacon: beacon.beacon, round: beacon.round };
}

function verifyBeaconValue(beacon: BeaconValue, close: CloseFields, entries: readonly VerifiedEntry[], closeIndex: number): Uint8Array {
  try {
    if (beacon.beacon === 'drand:quicknet') {
      const chain = DRAND_CHAINS.quicknet;
      if (roundTime(chain, beacon.round) * 1000 !== Date.parse(close.target_time)) throw new Error('the logged target time is not the round time');
      return verifyDrandBeacon(chain, beacon).randomness;
    }
    const commits = entries.filter((e) => e.fields.type === 'BEACON_COMMIT' && e.fields.beacon_id === beacon.beacon);
    if (commits.length !== 1) throw new Error(`expected one BEACON_COMMIT entry for ${beacon.beacon}, found ${commits.length}`);
    const commit = commits[0]!.fields as { anchor: string; genesis_time: number; period: number; length: number };
    if (!(commits[0]!.index < closeIndex)) throw new Error('the beacon was committed after the close');
    if (roundTime({ genesisTime: commit.genesis_time, period: commit.period }, beacon.round) * 1000 !== Date.parse(close.target_time)) {
      throw new Error('the logged target time is not the round time');
    }
    return verifyLocalBeacon(commit.anchor, beacon, { maxRound: commit.length });
  } catch (error) {
    if (error instanceof BundleMismatch) throw error;
    throw new BundleMismatch(`beacon ${beacon.beacon} round ${beacon.round} does not verify: ${(error as Error).message}`);
  }
}
