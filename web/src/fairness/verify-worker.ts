import { fetchAndVerify } from './verify-draw';
import type { VerifyRequest, VerifyResponse } from './verify-request';

/**
 * The verification worker: a weekly bundle carries its whole entry set (up to millions of leaves to hash), so
 * the re-run happens off the page's thread and the page stays responsive.
 */
const scope = globalThis as unknown as {
  addEventListener(type: 'message', listener: (event: MessageEvent<VerifyRequest>) => void): void;
  postMessage(message: VerifyResponse): void;
  location: { origin: string };
};

scope.addEventListener('message', (event) => {
  void fetchAndVerify(event.data, scope.location.origin).then(
    (report) => scope.postMessage({ report }),
    (error: unknown) => scope.postMessage({ report: { verdict: 'unavailable', message: (error as Error).message } }),
  );
});
