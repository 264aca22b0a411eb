import { currentLocale } from '../i18n';

/** A refusal from the API, as its error envelope says it: the stable code, the message in the UI's language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }

  /** Field-level problems (schema validation and the like) keyed by field name, for showing errors in place. */
  get fieldErrors(): Record<string, string> {
    const details = this.body.details;
    const out: Record<string, string> = {};
    if (Array.isArray(details)) {
      for (const d of details as { field?: string; path?: string; message?: string }[]) {
        const field = (d.field ?? d.path ?? '').replace(/^\/?(body\.?)?/, '').replace(/^\//, '');
        if (field && d.message) out[field] = d.message;
      }
    }
    return out;
  }
}

export type TokenSource = () => string | undefined;

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly body?: unknown;
  /** Sent as-is (a File or Blob for uploads) with this content type, instead of JSON. */
  readonly raw?: { readonly body: Blob | string; readonly contentType: string };
  readonly query?: Record<string, string | number | boolean | undefined | null>;
  /**
   * One key per user action: a retried action sends the same key and is answered once (the server's rule).
   * null sends none (a login: its answer holds tokens, which the server never replays).
   */
  readonly idempotencyKey?: string | null;
  readonly headers?: Record<string, string>;
}

/** A stable device id for this browser (the risk rules and activity conditions read it from X-Device-Id). */
export function deviceId(): string {
  const key = 'quanyi.device';
  let id = localStorage.getItem(key);
  if (!id) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem(key, id);
  }
  return id;
}

/**
 * The one way the web app calls the API: JSON in and out, the bearer token of the area's session, the UI's
 * language in Accept-Language (the server answers errors in it), an Idempotency-Key on every mutating call, and
 * the envelope unwrapped: resolves to `data`, rejects with ApiError.
 */
export function createClient(token: TokenSource, onUnauthorized?: () => void, refresh?: () => Promise<boolean>) {
  async function send(path: string, options: RequestOptions, method: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLocale(), 'x-device-id': deviceId(), ...options.headers };
    const bearer = token();
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let body: BodyInit | undefined;
    if (options.raw) {
      body = options.raw.body;
      headers['content-type'] = options.raw.contentType;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    if (method !== 'GET' && options.idempotencyKey !== null) headers['idempotency-key'] = options.idempotencyKey ?? crypto.randomUUID();
    const url = new URL(path, window.location.origin);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    return fetch(url, { method, headers, body });
  }

  /** One refresh (rotating the refresh token) on a 401, then the same request again with the same Idempotency-Key. */
  async function sendWithRefresh(path: string, options: RequestOptions): Promise<Response> {
    const method = options.method ?? (options.body !== undefined || options.raw ? 'POST' : 'GET');
    const keyed = method !== 'GET' && options.idempotencyKey !== null ? { ...options, idempotencyKey: options.idempotencyKey ?? crypto.randomUUID() } : options;
    const response = await send(path, keyed, method);
    if (response.status !== 401 || !refresh || !token()) return response;
    if (!(await refresh().catch(() => false))) return response;
    return send(path, keyed, method);
  }

  async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const response = await sendWithRefresh(path, options);
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('json')) {
      if (!response.ok) throw new ApiError(response.status, 'HTTP_ERROR', response.statusText, undefined, {});
      return (await response.text()) as T;
    }
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok || typeof json.error === 'string') {
      if (response.status === 401) onUnauthorized?.();
      throw new ApiError(response.status, String(json.error ?? 'HTTP_ERROR'), String(json.message ?? response.statusText), json.request_id as string | undefined, json);
    }
    return ('data' in json ? json.data : json) as T;
  }
  /** A file (a CSV statement, say) as a Blob, with the same headers, refresh and errors as `request`. */
  async function blob(path: string, query?: RequestOptions['query']): Promise<Blob> {
    const response = await sendWithRefresh(path, { query });
    if (!response.ok) {
      const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.status === 401) onUnauthorized?.();
      throw new ApiError(response.status, String(json.error ?? 'HTTP_ERROR'), String(json.message ?? response.statusText), json.request_id as string | undefined, json);
    }
    return response.blob();
  }

  return {
    request,
    blob,
    get: <T>(path: string, query?: RequestOptions['query']) => request<T>(path, { query }),
    post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body' | 'method'> = {}) => request<T>(path, { ...options, method: 'POST', body: body ?? {} }),
    put: <T>(path: string, body?: unknown) => request<T>(path, { method: 'PUT', body: body ?? {} }),
    del: <T>(path: string) => request<T>(path, { method: 'DELETE' }),
  };
}

export type ApiClient = ReturnType<typeof createClient>;
