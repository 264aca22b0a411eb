import { session } from './console';

/**
 * Downloads a file the API serves only with the bearer token (a link cannot carry it): the session's client
 * fetches it as a Blob (token, refresh and errors as for any call), and the browser saves it as `filename`.
 */
export async function downloadWithToken(path: string, filename: string): Promise<void> {
  const url = URL.createObjectURL(await session.api.blob(path));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next tick: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
