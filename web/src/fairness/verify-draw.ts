import { verifyBundle } from '@server/modules/lottery/verify/verify-bundle.js';
import { bundlePath } from './public-api';
import type { VerifyRequest } from './verify-request';
import { verifyDrawBundle, type VerifyReport } from './verify-report';

/**
 * Fetches a draw's bundle and re-runs it with the CLI's own verifier (src/modules/lottery/verify), in whatever
 * thread calls it: the worker normally, the page itself where workers are unavailable.
 */
export async function fetchAndVerify(request: VerifyRequest, origin: string): Promise<VerifyReport> {
  let bundle: unknown;
  try {
    const response = await fetch(new URL(bundlePath(request.drawId), origin), { headers: { accept: 'application/json', 'accept-language': request.locale } });
    bundle = await response.json();
    if (!response.ok) {
      const body = bundle as { error?: string; message?: string };
      return { verdict: 'unavailable', message: body.message ?? `HTTP ${response.status}`, code: body.error };
    }
  } catch (error) {
    return { verdict: 'unavailable', message: (error as Error).message };
  }
  return verifyDrawBundle(bundle, request.drawId, request.pinnedKey, verifyBundle);
}
