import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { CampaignRules } from '../domain/campaign-rules.js';
import { poolPermutation, prizeOfTicket, seedCommitment } from '../domain/instant-pool.js';
import { INSTANT_ALGORITHM } from '../log-entries.js';
import { BundleMismatch, type VerifiedEntry } from './mismatch.js';

const hex = bytesToHex;

/**
 * An instant pool re-derived: the rules and the seed commitment come first in the log, every draw after them and
 * before the reveal, the revealed seed hashes to the commitment, positions run 0..n−1 exactly once, and each
 * draw's ticket and prize are what the seeded shuffle gives.
 */
export function verifyInstantPool(campaignId: string, entries: readonly VerifiedEntry[], checks: string[]): Record<string, unknown> {
  const ofCampaign = entries.filter((e) => e.fields.campaign_id === campaignId);
  if (ofCampaign.length !== entries.length) throw new BundleMismatch('the bundle holds entries of another campaign');
  const rulesEntries = ofCampaign.filter((e) => e.fields.type === 'CAMPAIGN_RULES');
  const reveals = ofCampaign.filter((e) => e.fields.type === 'INSTANT_REVEAL');
  const draws = ofCampaign.filter((e) => e.fields.type === 'INSTANT_DRAW');
  if (rulesEntries.length !== 1) throw new BundleMismatch(`expected one CAMPAIGN_RULES entry, found ${rulesEntries.length}`);
  if (reveals.length === 0) throw new BundleMismatch('the pool seed has not been revealed yet (no INSTANT_REVEAL entry): the campaign is still running');
  if (reveals.length !== 1) throw new BundleMismatch(`expected one INSTANT_REVEAL entry, found ${reveals.length}`);
  const rulesEntry = rulesEntries[0]!;
  const reveal = reveals[0]!;
  if (rulesEntry.fields.instant_algorithm !== INSTANT_ALGORITHM) throw new BundleMismatch(`unknown instant algorithm ${String(rulesEntry.fields.instant_algorithm)}`);
  const rules = rulesEntry.fields.rules as CampaignRules;
  const instant = rules.instant;
  if (!instant) throw new BundleMismatch('the campaign has no instant pool');

  const seedHex = String(reveal.fields.pool_seed);
  const seed = /^[0-9a-f]{64}$/.test(seedHex) ? hexToBytes(seedHex) : new Uint8Array(0);
  if (seed.length !== 32) throw new BundleMismatch(`entry ${reveal.index}: the revealed seed is not 32 bytes of hex`);
  if (hex(seedCommitment(seed)) !== rulesEntry.fields.pool_seed_commit) {
    throw new BundleMismatch(`entry ${reveal.index}: SHA-256 of the revealed seed does not match the commitment in entry ${rulesEntry.index}`);
  }
  checks.push(`revealed seed matches the commitment logged at entry ${rulesEntry.index}`);

  if (draws.length !== reveal.fields.draws) throw new BundleMismatch(`the reveal counts ${String(reveal.fields.draws)} draws, the bundle holds ${draws.length}`);
  if (draws.length > instant.tickets) throw new BundleMismatch(`${draws.length} draws from a pool of ${instant.tickets} tickets`);
  const permutation = poolPermutation(seed, instant.tickets);
  const seen = new Set<number>();
  const awarded = instant.prizes.map(() => 0);
  for (const draw of draws) {
    const { position, ticket, prize } = draw.fields as { position: number; ticket: number; prize: number | null };
    const where = `entry ${draw.index} (draw at position ${position})`;
    if (!(draw.index > rulesEntry.index && draw.index < reveal.index)) throw new BundleMismatch(`${where}: logged outside the window between the rules and the reveal`);
    if (!Number.isInteger(position) || position < 0 || position >= draws.length || seen.has(position)) {
      throw new BundleMismatch(`${where}: positions must be 0..${draws.length - 1}, each once`);
    }
    seen.add(position);
    const expectedTicket = permutation[position]!;
    if (ticket !== expectedTicket) throw new BundleMismatch(`${where}: ticket ${ticket}, but the seeded shuffle gives ${expectedTicket}`);
    const expectedPrize = prizeOfTicket(instant.prizes, expectedTicket);
    if (prize !== expectedPrize) throw new BundleMismatch(`${where}: prize ${JSON.stringify(prize)}, but ticket ${expectedTicket} carries ${JSON.stringify(expectedPrize)}`);
    if (expectedPrize !== null) awarded[expectedPrize]!++;
  }
  checks.push(`re-derived all ${draws.length} draws of a ${instant.tickets}-ticket pool`);
  const prizes = instant.prizes.map((p, i) => ({ name: p.name, inventory: p.count, awarded: awarded[i] }));
  return { kind: 'INSTANT', campaign_id: campaignId, tickets: instant.tickets, draws: draws.length, prizes_awarded: awarded.reduce((a, b) => a + b, 0), prizes };
}
