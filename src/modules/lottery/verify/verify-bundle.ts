import { decodeCanonicalBase64 } from '../../audit/domain/base64.js';
import { canonicalJson } from '../../audit/domain/canonical-json.js';
import { openCheckpoint } from '../../audit/domain/checkpoint.js';
import { leafHash } from '../../audit/domain/merkle.js';
import { verifyConsistency, verifyInclusion } from '../../audit/domain/merkle-proofs.js';
import { verifierFromKey } from '../../audit/domain/signed-note.js';
import { BUNDLE_FORMAT, type DrawBundle } from './bundle-format.js';
import { BundleMismatch, type VerifiedEntry } from './mismatch.js';
import { verifyInstantPool } from './verify-instant.js';
import { verifyWeeklyDraw } from './verify-weekly.js';

export interface VerifyOptions {
  /** The log's verifier key as the checker pinned it; without it the bundle's own key is trusted. */
  readonly pinnedKey?: string;
}

export type VerifyResult =
  | { readonly ok: true; readonly checks: readonly string[]; readonly summary: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly checks: readonly string[]; readonly failure: string };

/**
 * Re-runs a draw from its bundle alone (docs/draw-spec.md §Verification): the checkpoint's signature, every
 * entry's inclusion in the signed tree, then the draw itself. Stops at the first mismatch and names it.
 */
export function verifyBundle(bundle: DrawBundle, options: VerifyOptions = {}): VerifyResult {
  const checks: string[] = [];
  try {
    if (bundle.format !== BUNDLE_FORMAT) throw new BundleMismatch(`unknown bundle format ${JSON.stringify(bundle.format)}`);
    const key = options.pinnedKey ?? bundle.log.verifier_key;
    if (options.pinnedKey && options.pinnedKey !== bundle.log.verifier_key) {
      checks.push('the bundle names another log key than the pinned one; checking against the pinned key');
    }
    const checkpoint = attempt('checkpoint signature', () => openCheckpoint(bundle.log.checkpoint, verifierFromKey(key)));
    if (checkpoint.origin !== bundle.log.origin) throw new BundleMismatch(`checkpoint origin ${checkpoint.origin} is not the bundle's log ${bundle.log.origin}`);
    checks.push(`checkpoint signed by ${key.split('+').slice(0, 2).join('+')}: size ${checkpoint.size}`);

    const entries: VerifiedEntry[] = [];
    let previous = -1;
    for (const entry of bundle.entries) {
      if (!(entry.index > previous)) throw new BundleMismatch(`entry ${entry.index}: entries must be in increasing index order`);
      previous = entry.index;
      const leaf = leafHash(new TextEncoder().encode(entry.body));
      attempt(`entry ${entry.index}: inclusion proof`, () => verifyInclusion(leaf, entry.index, checkpoint.size, entry.proof.map(decodeHash), checkpoint.rootHash));
      const fields = attempt(`entry ${entry.index}: body`, () => JSON.parse(entry.body) as Record<string, unknown>);
      if (canonicalJson(fields) !== entry.body) throw new BundleMismatch(`entry ${entry.index}: body is not canonical JSON (RFC 8785)`);
      if (fields.v !== 1) throw new BundleMismatch(`entry ${entry.index}: unknown entry version ${JSON.stringify(fields.v)}`);
      entries.push({ index: entry.index, fields });
    }
    checks.push(`${entries.length} entries are in the signed tree`);

    // The commitment (an instant pool's rules, a weekly close) was in an earlier signed tree that this one extends.
    const commitmentType = bundle.draw_id.startsWith('instant-') ? 'CAMPAIGN_RULES' : 'WEEKLY_CLOSE';
    const committed = entries.find((e) => e.fields.type === commitmentType && (commitmentType === 'CAMPAIGN_RULES' || e.fields.draw_id === bundle.draw_id));
    if (!bundle.log.commitment) throw new BundleMismatch('the bundle holds no commitment checkpoint (log.commitment)');
    if (committed) {
      const early = attempt('commitment checkpoint signature', () => openCheckpoint(bundle.log.commitment!.checkpoint, verifierFromKey(key)));
      if (!(committed.index < early.size)) throw new BundleMismatch(`the commitment checkpoint (size ${early.size}) does not hold entry ${committed.index}`);
      const proof = bundle.log.commitment.consistency;
      attempt(`consistency proof from size ${early.size} to ${checkpoint.size}`, () => verifyConsistency(early.size, checkpoint.size, early.rootHash, checkpoint.rootHash, proof.map(decodeHash)));
      checks.push(`entry ${committed.index} (${commitmentType}) was in the signed tree of size ${early.size}, which the final tree extends`);
    }

    const instant = /^instant-(\d+)$/.exec(bundle.draw_id);
    const summary = instant
      ? verifyInstantPool(instant[1]!, entries, checks)
      : /^weekly-\d+$/.test(bundle.draw_id)
        ? verifyWeeklyDraw(bundle.draw_id, entries, bundle.entry_set, checks)
        : undefined;
    if (!summary) throw new BundleMismatch(`unknown draw id ${bundle.draw_id}`);
    return { ok: true, checks, summary };
  } catch (error) {
    if (error instanceof BundleMismatch) return { ok: false, checks, failure: error.message };
    throw error;
  }
}

/** Runs a check from a library that throws, turning its error into a mismatch that says which check it was. */
function attempt<T>(what: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new BundleMismatch(`${what} does not verify: ${(error as Error).message}`);
  }
}

/** A proof's hash as the bundle spells it: canonical base64 only (a bundle is checked as the server wrote it). */
function decodeHash(text: string): Uint8Array {
  const bytes = decodeCanonicalBase64(text);
  if (!bytes) throw new Error(`${JSON.stringify(text.slice(0, 60))} is not base64`);
  return bytes;
}
