import { currentLocale } from '../i18n';
import type { VerifyRequest, VerifyResponse } from './verify-request';
import type { VerifyReport } from './verify-report';

/**
 * Re-runs a draw in the browser. The verifier (and its BLS and Ed25519 code) loads only now, on the reader's
 * click: in a Web Worker, or, where module workers are unavailable, as a lazily imported chunk on the page.
 */
export function runVerification(drawId: string, pinnedKey: string): Promise<VerifyReport> {
  const request: VerifyRequest = { drawId, pinnedKey, locale: currentLocale() };
  if (typeof Worker === 'undefined') return inPage(request);
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./verify-worker.ts', import.meta.url), { type: 'module', name: `verify ${drawId}` });
    worker.addEventListener('message', (event: MessageEvent<VerifyResponse>) => {
      worker.terminate();
      resolve(event.data.report);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      worker.terminate();
      resolve(inPage(request));
    });
    worker.postMessage(request);
  });
}

async function inPage(request: VerifyRequest): Promise<VerifyReport> {
  const { fetchAndVerify } = await import('./verify-draw');
  return fetchAndVerify(request, window.location.origin);
}
