import { reactive } from 'vue';
import { createClient, type ApiClient } from './client';

export type Area = 'app' | 'merchant' | 'admin';

interface TokenResponse {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
}

export interface Me {
  readonly user_id: string;
  readonly phone: string;
  readonly roles: readonly string[];
  readonly [key: string]: unknown;
}

/**
 * One login per area (a cashier and a consumer may share a phone's browser), kept in sessionStorage: closing the
 * tab logs out. Access tokens are short-lived; one refresh is tried on a 401 before asking to log in again.
 */
export function createSession(area: Area) {
  const storageKey = `quanyi.session.${area}`;
  const saved = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as { access: string; refresh: string } | null;
  const state = reactive({ access: saved?.access ?? '', refresh: saved?.refresh ?? '', me: null as Me | null });

  const persist = () => sessionStorage.setItem(storageKey, JSON.stringify({ access: state.access, refresh: state.refresh }));
  const api: ApiClient = createClient(
    () => state.access || undefined,
    () => clear(),
    () => refresh(),
  );

  /**
   * Exchanges the refresh token (rotated by the server) for new tokens; false when the session is over. Requests
   * failing together share one exchange: presenting a rotated-out refresh token twice ends the whole session.
   */
  let refreshing: Promise<boolean> | null = null;
  function refresh(): Promise<boolean> {
    refreshing ??= exchange().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function exchange(): Promise<boolean> {
    if (!state.refresh) return false;
    const response = await fetch('/api/v1/auth/token', {
      method: 'POST',
      // No Idempotency-Key: the refresh token is its own (the server runs every exchange; a repeat is a reuse).
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: state.refresh }),
    });
    if (!response.ok) return false;
    const tokens = ((await response.json()) as { data: TokenResponse }).data;
    state.access = tokens.access_token;
    state.refresh = tokens.refresh_token;
    persist();
    return true;
  }

  function clear(): void {
    state.access = '';
    state.refresh = '';
    state.me = null;
    sessionStorage.removeItem(storageKey);
  }

  async function sendCode(phone: string): Promise<void> {
    await api.post('/api/v1/auth/sms/send', { phone });
  }

  /** The dev SMS outbox's latest code for the phone (only answered while the server runs the dev SMS provider). */
  async function devCode(phone: string): Promise<string | undefined> {
    try {
      const data = await api.get<{ messages: { otp?: string | null }[] }>('/api/v1/dev/sms', { phone });
      return data.messages[0]?.otp ?? undefined;
    } catch {
      return undefined;
    }
  }

  async function login(phone: string, code: string, extra: Record<string, unknown> = {}): Promise<Me> {
    // No Idempotency-Key: the server never replays an answer holding tokens (a repeat would be refused).
    const tokens = await api.post<TokenResponse>('/api/v1/auth/sms/login', { phone, code, ...extra }, { idempotencyKey: null });
    state.access = tokens.access_token;
    state.refresh = tokens.refresh_token;
    persist();
    return loadMe();
  }

  async function loadMe(): Promise<Me> {
    state.me = await api.get<Me>('/api/v1/users/me');
    return state.me;
  }

  async function logout(): Promise<void> {
    try {
      if (state.access) await api.post('/api/v1/auth/logout', {});
    } finally {
      clear();
    }
  }

  return { state, api, sendCode, devCode, login, loadMe, logout, get loggedIn() { return Boolean(state.access); } };
}

export type Session = ReturnType<typeof createSession>;

const sessions = new Map<Area, Session>();

/** The area's session (one per area per tab). */
export function sessionOf(area: Area): Session {
  let session = sessions.get(area);
  if (!session) {
    session = createSession(area);
    sessions.set(area, session);
  }
  return session;
}
