import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/modules/audit/domain/canonical-json.js';
import { formatCheckpoint, signCheckpoint } from '../src/modules/audit/domain/checkpoint.js';
import { LeafHashTree, leafHash } from '../src/modules/audit/domain/merkle.js';
import { generateEd25519NoteKey, signerFromKey } from '../src/modules/audit/domain/signed-note.js';
import { BUNDLE_FORMAT, type DrawBundle } from '../src/modules/lottery/bundle.js';
import { poolPermutation, prizeOfTicket, seedCommitment } from '../src/modules/lottery/domain/instant-pool.js';
import { verifyBundle } from '../src/modules/lottery/verify/verify-bundle.js';
import { verifyDrawBundle, type VerifyReport } from '../web/src/fairness/verify-report.js';

/**
 * The fairness page's verification wrapper (web/src/fairness/verify-report.ts) around the CLI's verifier, on an
 * instant pool built here from scratch: a faithful bundle passes, and every kind of tampering is reported as a
 * failed verdict naming the first mismatch.
 */
const ORIGIN = 'fairness.test/log';
const KEY = generateEd25519NoteKey(ORIGIN);
const CAMPAIGN = '42';
const DRAW_ID = `instant-${CAMPAIGN}`;
const SEED = createHash('sha256').update('fairness test seed').digest();
const PRIZES = [
  { name: '一等奖', kind: 'CASH', amount_fen: 8800, count: 2 },
  { name: '立减5元券', kind: 'COUPON', coupon_template_id: '9', count: 5 },
] as const;
const TICKETS = 20;
const DRAWS = 12;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function instantBundle(): DrawBundle {
  const permutation = poolPermutation(SEED, TICKETS);
  const fields: Record<string, unknown>[] = [
    {
      type: 'CAMPAIGN_RULES',
      campaign_id: CAMPAIGN,
      name: '公示测试',
      rules: { instant: { tickets: TICKETS, prizes: PRIZES } },
      instant_algorithm: 'quanyi-instant/v1',
      pool_seed_commit: Buffer.from(seedCommitment(SEED)).toString('hex'),
    },
    ...Array.from({ length: DRAWS }, (_, position) => ({
      type: 'INSTANT_DRAW',
      campaign_id: CAMPAIGN,
      draw_id: String(1000 + position),
      position,
      ticket: permutation[position],
      prize: prizeOfTicket(PRIZES, permutation[position]!),
      invoice_commit: createHash('sha256').update(`invoice ${position}`).digest('hex'),
      chance: 1,
    })),
    { type: 'INSTANT_REVEAL', campaign_id: CAMPAIGN, pool_seed: Buffer.from(SEED).toString('hex'), draws: DRAWS },
  ];
  const bodies = fields.map((f) => canonicalJson({ v: 1, ...f }));
  const log = new LeafHashTree();
  for (const body of bodies) log.append(leafHash(new TextEncoder().encode(body)));
  const sign = (size: number) => signCheckpoint(formatCheckpoint({ origin: ORIGIN, size, rootHash: log.root(size) }), signerFromKey(KEY.signerKey));
  return {
    format: BUNDLE_FORMAT,
    draw_id: DRAW_ID,
    log: { origin: ORIGIN, verifier_key: KEY.verifierKey, checkpoint: sign(log.size), commitment: { checkpoint: sign(1), consistency: log.consistencyProof(1, log.size).map(b64) } },
    entries: bodies.map((body, index) => ({ index, body, proof: log.inclusionProof(index, log.size).map(b64) })),
  };
}

/** A deep copy as the browser would hold it after JSON.parse, for tampering. */
const copy = (bundle: DrawBundle) => JSON.parse(JSON.stringify(bundle)) as { -readonly [K in keyof DrawBundle]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const verify = (bundle: unknown, pinnedKey = KEY.verifierKey, drawId = DRAW_ID) => verifyDrawBundle(bundle, drawId, pinnedKey, verifyBundle);
const failure = (report: VerifyReport) => {
  expect(report.verdict, JSON.stringify(report)).toBe('failed');
  return report.verdict === 'failed' ? report.failure : '';
};

describe('the fairness page verifying a draw in the browser', () => {
  it('passes a faithful bundle, listing every check the CLI prints', () => {
    const report = verify(instantBundle());
    expect(report.verdict, JSON.stringify(report)).toBe('passed');
    if (report.verdict !== 'passed') return;
    expect(report.checks).toEqual([
      `checkpoint signed by ${KEY.verifierKey.split('+').slice(0, 2).join('+')}: size ${DRAWS + 2}`,
      `${DRAWS + 2} entries are in the signed tree`,
      'entry 0 (CAMPAIGN_RULES) was in the signed tree of size 1, which the final tree extends',
      'revealed seed matches the commitment logged at entry 0',
      `re-derived all ${DRAWS} draws of a ${TICKETS}-ticket pool`,
    ]);
    expect(report.summary).toMatchObject({ kind: 'INSTANT', campaign_id: CAMPAIGN, draws: DRAWS, tickets: TICKETS });
    expect(report.keyDiffers).toBe(false);
  });

  it('runs without Node’s Buffer, as in the browser', () => {
    const bundle = instantBundle();
    const saved = globalThis.Buffer;
    let report: VerifyReport;
    try {
      // The verification is synchronous: nothing else runs while Buffer is away.
      delete (globalThis as { Buffer?: unknown }).Buffer;
      report = verify(bundle);
    } finally {
      globalThis.Buffer = saved;
    }
    expect(report.verdict, JSON.stringify(report)).toBe('passed');
  });

  it('reports a changed prize as the first mismatch, after the checks that held', () => {
    const bundle = copy(instantBundle());
    // Re-sign nothing: a changed entry no longer matches its inclusion proof.
    const drawn = JSON.parse(bundle.entries[3].body);
    drawn.prize = drawn.prize === 0 ? null : 0;
    bundle.entries[3].body = canonicalJson(drawn);
    const report = verify(bundle);
    expect(failure(report)).toMatch(/^entry 3: inclusion proof does not verify/);
    expect(report.verdict === 'failed' && report.checks).toHaveLength(1);
  });

  it('reports a prize the seeded shuffle does not give, even in a log the operator re-signed', () => {
    // The operator controls the log's key, so they could re-sign a tree with a changed result; the seed catches it.
    const permutation = poolPermutation(SEED, TICKETS);
    const position = Array.from({ length: DRAWS }, (_, i) => i).find((i) => prizeOfTicket(PRIZES, permutation[i]!) === null)!;
    const original = instantBundle();
    const bodies = original.entries.map((e) => {
      const f = JSON.parse(e.body);
      if (f.type === 'INSTANT_DRAW' && f.position === position) f.prize = 0;
      return canonicalJson(f);
    });
    const log = new LeafHashTree();
    for (const body of bodies) log.append(leafHash(new TextEncoder().encode(body)));
    const sign = (size: number) => signCheckpoint(formatCheckpoint({ origin: ORIGIN, size, rootHash: log.root(size) }), signerFromKey(KEY.signerKey));
    const forged: DrawBundle = {
      ...original,
      log: { ...original.log, checkpoint: sign(log.size), commitment: { checkpoint: sign(1), consistency: log.consistencyProof(1, log.size).map(b64) } },
      entries: bodies.map((body, index) => ({ index, body, proof: log.inclusionProof(index, log.size).map(b64) })),
    };
    expect(failure(verify(forged))).toBe(`entry ${position + 1} (draw at position ${position}): prize 0, but ticket ${permutation[position]} carries null`);
  });

  it('reports a seed that is not the committed one', () => {
    const bundle = copy(instantBundle());
    const last = bundle.entries.length - 1;
    const reveal = JSON.parse(bundle.entries[last].body);
    reveal.pool_seed = createHash('sha256').update('another seed').digest('hex');
    bundle.entries[last].body = canonicalJson(reveal);
    expect(failure(verify(bundle))).toMatch(new RegExp(`^entry ${last}: inclusion proof does not verify`));
  });

  it('refuses a checkpoint signed by another key than the one the reader pinned, and says the bundle named another key', () => {
    const other = generateEd25519NoteKey(ORIGIN);
    const report = verify(instantBundle(), other.verifierKey);
    expect(failure(report)).toMatch(/^checkpoint signature does not verify/);
    expect(report.verdict === 'failed' && report.keyDiffers).toBe(true);
  });

  it('refuses a tampered signature, a bundle of another draw, and what is not a bundle at all', () => {
    const bundle = copy(instantBundle());
    bundle.log.checkpoint = bundle.log.checkpoint.replace(/ (\S)(\S+)\n$/, (_: string, first: string, rest: string) => ` ${first === 'A' ? 'B' : 'A'}${rest}\n`);
    expect(failure(verify(bundle))).toMatch(/^checkpoint signature does not verify/);
    expect(failure(verify(instantBundle(), KEY.verifierKey, 'instant-43'))).toBe('the bundle is for draw "instant-42", not instant-43');
    expect(failure(verify('<html>not found</html>'))).toBe('the bundle is not a JSON object');
    const broken = copy(instantBundle());
    broken.log = null;
    expect(failure(verify(broken))).toMatch(/^the bundle is malformed: /);
  });
});
