import { sessionOf } from '../api/session';

/**
 * The consumer area's login (its own, separate from a cashier's or an operator's in the same browser). Expired
 * access tokens are renewed by the shared client (one refresh on a 401, then the same request again); when that
 * fails the session is cleared, and the layout sends the user to the login page.
 */
export const consumer = sessionOf('app');

export function get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
  return consumer.api.get<T>(path, query);
}

/** POST (JSON) with one idempotency key for the action (a retry after a refresh reuses it). */
export function post<T>(path: string, body: unknown): Promise<T> {
  return consumer.api.post<T>(path, body, { idempotencyKey: crypto.randomUUID() });
}

/** POST of a file as the raw body with its content type. */
export function postFile<T>(path: string, file: Blob, contentType: string): Promise<T> {
  return consumer.api.request<T>(path, { method: 'POST', raw: { body: file, contentType }, idempotencyKey: crypto.randomUUID() });
}
