import { ApiError } from '../api/client';
import { currentLocale } from '../i18n';

/**
 * Downloads a file the API serves only with the bearer token (a link cannot carry it): fetch it, keep the exact
 * bytes as a Blob, and hand it to the browser as a download under `filename`.
 */
export async function downloadWithToken(path: string, token: string, filename: string): Promise<void> {
  const response = await fetch(new URL(path, window.location.origin), {
    headers: { authorization: `Bearer ${token}`, accept: 'text/csv, application/json', 'accept-language': currentLocale() },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    throw new ApiError(response.status, String(body.error ?? 'HTTP_ERROR'), String(body.message ?? response.statusText), body.request_id as string | undefined, body);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next tick: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
