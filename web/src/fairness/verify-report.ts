import type { DrawBundle } from '../../../src/modules/lottery/verify/bundle-format.js';
import type { VerifyOptions, VerifyResult } from '../../../src/modules/lottery/verify/verify-bundle.js';

/** The CLI's verifier (`quanyi verify-draw` calls it); passed in so this file stays free of the server's paths. */
export type BundleVerifier = (bundle: DrawBundle, options: VerifyOptions) => VerifyResult;

/**
 * What the page shows for one draw. `passed` and `failed` are verdicts on the bundle; `unavailable` means no
 * verdict could be reached (the bundle could not be fetched), which must never read as a pass.
 */
export type VerifyReport =
  | { readonly verdict: 'passed'; readonly checks: readonly string[]; readonly summary: Readonly<Record<string, unknown>>; readonly keyDiffers: boolean; readonly millis: number }
  | { readonly verdict: 'failed'; readonly checks: readonly string[]; readonly failure: string; readonly keyDiffers: boolean; readonly millis: number }
  | { readonly verdict: 'unavailable'; readonly message: string; readonly code?: string };

/**
 * Runs the CLI's verification on a bundle as fetched (untrusted JSON) against the key the reader pinned, and
 * checks what the CLI gets from its command line: that the bundle is the draw that was asked for. Anything the
 * verifier throws on a malformed bundle is a failed verdict naming it, never an exception out of the page.
 */
export function verifyDrawBundle(bundle: unknown, drawId: string, pinnedKey: string, verify: BundleVerifier, now: () => number = () => performance.now()): VerifyReport {
  const started = now();
  const took = () => Math.round(now() - started);
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    return { verdict: 'failed', checks: [], failure: 'the bundle is not a JSON object', keyDiffers: false, millis: took() };
  }
  const b = bundle as Partial<DrawBundle>;
  const keyDiffers = typeof b.log?.verifier_key === 'string' && b.log.verifier_key !== pinnedKey;
  if (b.draw_id !== drawId) {
    return { verdict: 'failed', checks: [], failure: `the bundle is for draw ${JSON.stringify(b.draw_id)}, not ${drawId}`, keyDiffers, millis: took() };
  }
  try {
    const result = verify(b as DrawBundle, { pinnedKey });
    return result.ok
      ? { verdict: 'passed', checks: result.checks, summary: result.summary, keyDiffers, millis: took() }
      : { verdict: 'failed', checks: result.checks, failure: result.failure, keyDiffers, millis: took() };
  } catch (error) {
    return { verdict: 'failed', checks: [], failure: `the bundle is malformed: ${(error as Error).message}`, keyDiffers, millis: took() };
  }
}
