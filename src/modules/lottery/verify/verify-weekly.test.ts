import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../audit/domain/canonical-json.js';
import { formatCheckpoint, signCheckpoint } from '../../audit/domain/checkpoint.js';
import { LeafHashTree, leafHash } from '../../audit/domain/merkle.js';
import { generateEd25519NoteKey, signerFromKey } from '../../audit/domain/signed-note.js';
import type { BeaconValue } from '../beacon/beacon-port.js';
import { DRAND_CHAINS, roundTime } from '../beacon/drand-chains.js';
import { BUNDLE_FORMAT, type DrawBundle } from './bundle-format.js';
import { drawWeeklyWinners, weeklyLeafText, weeklySeed, type WeeklyEntry } from '../domain/weekly-draw.js';
import { verifyBundle } from './verify-bundle.js';

// A real drand quicknet beacon (round 657413; source: noislabs/drand-verify docs via mcdcam/python-drand-verify).
const ROUND = 657413;
const SIGNATURE = 'b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b';
const RANDOMNESS = 'fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587';
const ORIGIN = 'test.quanyi/log';
const KEY = generateEd25519NoteKey(ORIGIN);
const DRAW_ID = 'weekly-42';
const TIERS = [
  { tier: 'FIRST', count: 1 },
  { tier: 'SECOND', count: 5 },
];

const entrySet: WeeklyEntry[] = Array.from({ length: 60 }, (_, i) => ({
  invoiceCommit: createHash('sha256').update(`invoice-${Math.floor(i / 2)}`).digest('hex'),
  chance: (i % 2) + 1,
})).sort((a, b) => (a.invoiceCommit < b.invoiceCommit ? -1 : a.invoiceCommit > b.invoiceCommit ? 1 : a.chance - b.chance));

interface Scenario {
  beacon?: Partial<BeaconValue>;
  closeAtOffsetSeconds?: number;
  winners?: (logged: Record<string, unknown>[]) => Record<string, unknown>[];
}

/** Builds a self-consistent log and bundle for a weekly draw on drand quicknet, with what the scenario changes. */
function bundleFor(scenario: Scenario = {}): DrawBundle {
  const targetTime = roundTime(DRAND_CHAINS.quicknet, ROUND);
  const leaves = entrySet.map(weeklyLeafText);
  const tree = new LeafHashTree();
  for (const leaf of leaves) tree.append(leafHash(new TextEncoder().encode(leaf)));
  const root = Buffer.from(tree.root()).toString('hex');
  const beacon: BeaconValue = { beacon: 'drand:quicknet', round: ROUND, signature: SIGNATURE, randomness: RANDOMNESS, ...scenario.beacon };
  const seed = weeklySeed({ beaconId: 'drand:quicknet', round: ROUND, randomness: Buffer.from(RANDOMNESS, 'hex'), entriesRoot: tree.root(), entryCount: leaves.length, drawId: DRAW_ID });
  const winners = drawWeeklyWinners(seed, entrySet, TIERS).map((w) => ({ ...w, invoice_commit: entrySet[w.index]!.invoiceCommit, chance: entrySet[w.index]!.chance }));
  const bodies = [
    { v: 1, type: 'CAMPAIGN_RULES', campaign_id: '7', rules: { weekly: { cron: '0 10 * * 3', tiers: TIERS.map((t) => ({ ...t, name: t.tier, kind: 'CASH', amount_fen: 100 })) } } },
    {
      v: 1,
      type: 'WEEKLY_CLOSE',
      campaign_id: '7',
      draw_id: DRAW_ID,
      algorithm: 'quanyi-weekly/v1',
      close_at: new Date((targetTime - (scenario.closeAtOffsetSeconds ?? 90)) * 1000).toISOString(),
      entry_count: leaves.length,
      entries_root: root,
      beacon_id: 'drand:quicknet',
      target_round: ROUND,
      target_time: new Date(targetTime * 1000).toISOString(),
      tiers: TIERS,
    },
    { v: 1, type: 'WEEKLY_RESULT', campaign_id: '7', draw_id: DRAW_ID, beacon, seed: Buffer.from(seed).toString('hex'), winners: scenario.winners ? scenario.winners(winners) : winners },
  ].map((b) => canonicalJson(b));
  const log = new LeafHashTree();
  for (const body of bodies) log.append(leafHash(new TextEncoder().encode(body)));
  const note = signCheckpoint(formatCheckpoint({ origin: ORIGIN, size: log.size, rootHash: log.root() }), signerFromKey(KEY.signerKey));
  return {
    format: BUNDLE_FORMAT,
    draw_id: DRAW_ID,
    // The close (entry 1) was first signed in the tree of size 2; the final tree extends it.
    log: {
      origin: ORIGIN,
      verifier_key: KEY.verifierKey,
      checkpoint: note,
      commitment: {
        checkpoint: signCheckpoint(formatCheckpoint({ origin: ORIGIN, size: 2, rootHash: log.root(2) }), signerFromKey(KEY.signerKey)),
        consistency: log.consistencyProof(2, log.size).map((h) => Buffer.from(h).toString('base64')),
      },
    },
    entries: bodies.map((body, index) => ({ index, body, proof: log.inclusionProof(index, log.size).map((h) => Buffer.from(h).toString('base64')) })),
    entry_set: leaves,
  };
}

const failure = (bundle: DrawBundle) => {
  const result = verifyBundle(bundle, { pinnedKey: KEY.verifierKey });
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.failure;
};

describe('verify-draw on a weekly draw drawn with a real drand quicknet beacon', () => {
  it('passes when everything holds', () => {
    const result = verifyBundle(bundleFor(), { pinnedKey: KEY.verifierKey });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(result.ok && result.summary).toMatchObject({ kind: 'WEEKLY', entries: 60, winners: 6, beacon: 'drand:quicknet', round: ROUND });
  });

  it('fails a beacon whose BLS signature is not the round\'s, even when the log is consistent', () => {
    const forged = SIGNATURE.slice(0, -2) + (SIGNATURE.endsWith('7b') ? '7c' : '7b');
    expect(failure(bundleFor({ beacon: { signature: forged } }))).toMatch(/beacon drand:quicknet round 657413 does not verify/);
  });

  it('fails a beacon presented as another round than the one the close named', () => {
    expect(failure(bundleFor({ beacon: { round: ROUND + 1 } }))).toMatch(/beacon round 657414, but the close named round 657413/);
  });

  it('fails a close logged less than a minute before its round', () => {
    expect(failure(bundleFor({ closeAtOffsetSeconds: 30 }))).toMatch(/less than 60 s after the close/);
  });

  it('fails a winner list that the seed does not give, naming the first wrong winner', () => {
    expect(failure(bundleFor({ winners: (w) => [w[1]!, w[0]!, ...w.slice(2)] }))).toMatch(/winner 0 is SECOND/);
    expect(failure(bundleFor({ winners: (w) => w.slice(0, -1) }))).toMatch(/5 winners logged, the draw gives 6/);
  });

  it('fails a commitment checkpoint the final tree does not extend, or one that does not hold the close', () => {
    const bundle = bundleFor();
    const flipped = structuredClone(bundle) as unknown as { log: { commitment: { consistency: string[] } } };
    flipped.log.commitment.consistency[0] = Buffer.from(Buffer.from(flipped.log.commitment.consistency[0]!, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64');
    expect(failure(flipped as unknown as DrawBundle)).toMatch(/consistency proof from size 2 to 3 does not verify/);

    const tooEarly = structuredClone(bundle) as unknown as { log: { commitment: { checkpoint: string; consistency: string[] } } };
    const one = new LeafHashTree();
    one.append(leafHash(new TextEncoder().encode(bundle.entries[0]!.body)));
    tooEarly.log.commitment.checkpoint = signCheckpoint(formatCheckpoint({ origin: ORIGIN, size: 1, rootHash: one.root() }), signerFromKey(KEY.signerKey));
    expect(failure(tooEarly as unknown as DrawBundle)).toMatch(/commitment checkpoint \(size 1\) does not hold entry 1/);

    const missing = structuredClone(bundle) as unknown as { log: { commitment?: unknown } };
    delete missing.log.commitment;
    expect(failure(missing as unknown as DrawBundle)).toMatch(/no commitment checkpoint/);
  });

  it('fails a bundle checked against another log key', () => {
    const other = generateEd25519NoteKey(ORIGIN);
    const result = verifyBundle(bundleFor(), { pinnedKey: other.verifierKey });
    expect(!result.ok && result.failure).toMatch(/checkpoint signature does not verify/);
  });
});
