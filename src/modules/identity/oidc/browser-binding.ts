import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';

const COOKIE_NAME = 'quanyi_oidc';
const COOKIE_PATH = '/api/v1/auth/oidc';

/** What a flow's cookie vouches for: this browser started the flow with this state, for this user (when linking). */
export interface BoundFlow {
  readonly provider: string;
  readonly state: string;
  readonly linkUserId: string | null;
}

/**
 * Ties a third-party login flow to the browser that started it (login CSRF, OWASP's "signed double-submit"):
 * the start answer sets an HttpOnly, SameSite=Lax cookie scoped to the OIDC endpoints, holding the state (whose
 * server-side row carries the nonce and the PKCE verifier) and the linking user, under an HMAC. The callback
 * goes on only if the browser presents the cookie of that very state. The key is derived from the platform's
 * blind-index key under a label of its own.
 */
export class BrowserBinding {
  private readonly key: Buffer;

  constructor(
    blindIndexKey: Buffer,
    private readonly ttlSeconds: number,
    private readonly secure: boolean,
  ) {
    this.key = createHmac('sha256', blindIndexKey).update('quanyi/oidc-browser-binding-key').digest();
  }

  /** The Set-Cookie header value for a flow just started. */
  cookieFor(flow: BoundFlow): string {
    const body = Buffer.from(JSON.stringify([flow.provider, flow.state, flow.linkUserId])).toString('base64url');
    return stringifySetCookie({ name: COOKIE_NAME, value: `${body}.${this.mac(body)}`, ...this.attributes(this.ttlSeconds) });
  }

  /** The Set-Cookie header value that removes the cookie (the flow is over, whatever its outcome). */
  clearingCookie(): string {
    return stringifySetCookie({ name: COOKIE_NAME, value: '', ...this.attributes(0) });
  }

  /** The flow this request's cookie vouches for, or undefined when there is none or its MAC does not verify. */
  flowOf(cookieHeader: string | undefined): BoundFlow | undefined {
    const value = cookieHeader ? parseCookie(cookieHeader)[COOKIE_NAME] : undefined;
    const [body, mac] = value?.split('.') ?? [];
    if (!body || !mac) return undefined;
    const expected = Buffer.from(this.mac(body), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const [provider, state, linkUserId] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [string, string, string | null];
    return { provider, state, linkUserId };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  private attributes(maxAge: number) {
    return { path: COOKIE_PATH, maxAge, httpOnly: true, sameSite: 'lax' as const, secure: this.secure };
  }
}
