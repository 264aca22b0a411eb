import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { Cache } from '../../../platform/cache/cache.js';
import type { Database } from '../../../platform/db/schema.js';
import { AppError } from '../../../platform/errors/app-error.js';
import type { Actor } from '../../../platform/http/actor.js';
import type { IdGenerator } from '../../../platform/ids/snowflake.js';
import type { IdentityRepo } from '../repo.js';
import { RevocationView } from './revocation-view.js';
import type { TokenSigner } from './token-signer.js';

/** The OAuth 2.0 token response (RFC 6749 §5.1). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
}

const REFRESH_TTL_SECONDS = 30 * 86_400;
/** Clock skew allowed for: a revocation is remembered this much longer than an access token lives. */
const REVOCATION_SKEW_SECONDS = 60;

/**
 * Login sessions. Each login opens a session (a refresh-token family). Refresh tokens are opaque, stored as
 * SHA-256 hashes and rotate on every use; presenting a used one again revokes the whole session, so a thief and
 * the owner can't both keep it. Access tokens name their session; a revoked session is remembered for the access
 * tokens' lifetime in every process (revocation-view.ts) and in the cache, so logout and account deletion take
 * effect at once here and as soon as the broadcast arrives elsewhere.
 */
export class Sessions {
  private readonly revocations: RevocationView;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: IdentityRepo,
    private readonly signer: TokenSigner,
    private readonly cache: Cache,
    private readonly ids: IdGenerator,
  ) {
    this.revocations = new RevocationView(cache, (seconds) => repo.sessionsRevokedWithin(db, seconds), signer.accessTtlSeconds + REVOCATION_SKEW_SECONDS);
  }

  async open(trx: Transaction<Database>, userId: string): Promise<TokenResponse> {
    const sessionId = this.ids.next();
    await this.repo.insertSession(trx, sessionId, userId);
    return this.issue(trx, userId, sessionId);
  }

  async refresh(refreshToken: string): Promise<TokenResponse> {
    return this.db.transaction().execute(async (trx) => {
      const use = await this.repo.useRefreshToken(trx, hashToken(refreshToken));
      if (!use) throw new AppError('REFRESH_TOKEN_INVALID');
      if (use.reused) {
        // Committed even though the request fails: the revocation is the point.
        await this.repo.revokeSession(trx, use.sessionId, 'refresh_token_reused');
        return { revoked: use.sessionId } as const;
      }
      if (use.revoked) throw new AppError('SESSION_REVOKED');
      await this.repo.touchSession(trx, use.sessionId);
      return this.issue(trx, use.userId, use.sessionId);
    }).then(async (result) => {
      if ('revoked' in result) {
        await this.markRevoked([result.revoked]);
        throw new AppError('REFRESH_TOKEN_REUSED');
      }
      return result;
    });
  }

  async close(sessionId: string, reason: string): Promise<void> {
    await this.repo.revokeSession(this.db, sessionId, reason);
    await this.markRevoked([sessionId]);
  }

  /** Revokes all of a user's sessions inside `trx`; call `markRevoked` with the result after commit. */
  async revokeAll(trx: Transaction<Database>, userId: string, reason: string): Promise<string[]> {
    return this.repo.revokeUserSessions(trx, userId, reason);
  }

  /** Makes committed revocations take effect: in this process at once, in the others through the view and the cache. */
  async markRevoked(sessionIds: readonly string[]): Promise<void> {
    const ttlMs = (this.signer.accessTtlSeconds + REVOCATION_SKEW_SECONDS) * 1000;
    await Promise.all(sessionIds.map((id) => this.cache.set(revokedKey(id), '1', ttlMs)));
    await this.revocations.announce(sessionIds);
  }

  /** Bearer-token authenticator for the access-control hook. */
  authenticate = async (request: FastifyRequest): Promise<Actor | null> => {
    const header = request.headers.authorization;
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError('TOKEN_INVALID');
    const claims = await this.signer.verify(match[1]!);
    if (await this.isRevoked(claims.sid)) throw new AppError('SESSION_REVOKED');
    return { kind: 'user', id: claims.sub, roles: claims.roles, merchantIds: claims.merchant_ids, sessionId: claims.sid };
  };

  private async isRevoked(sessionId: string): Promise<boolean> {
    this.revocations.start();
    const known = this.revocations.isRevoked(sessionId);
    if (known !== undefined) return known;
    try {
      return (await this.cache.get(revokedKey(sessionId))) !== null;
    } catch {
      return this.repo.isSessionRevoked(this.db, sessionId); // cache down: ask the source of truth
    }
  }

  private async issue(trx: Transaction<Database>, userId: string, sessionId: string): Promise<TokenResponse> {
    const grants = await this.repo.rolesOf(trx, userId);
    const roles = ['consumer', ...new Set(grants.map((g) => g.role).filter((r) => r !== 'consumer'))];
    const merchantIds = grants.filter((g) => g.role === 'merchant_staff' && g.merchantId).map((g) => g.merchantId);
    const refreshToken = randomBytes(32).toString('base64url');
    await this.repo.insertRefreshToken(trx, hashToken(refreshToken), sessionId, userId, REFRESH_TTL_SECONDS);
    const accessToken = await this.signer.sign({ sub: userId, sid: sessionId, roles, merchant_ids: merchantIds });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.signer.accessTtlSeconds, refresh_token: refreshToken };
  }
}

/** Refresh tokens carry 256 random bits, so a plain SHA-256 is enough to make a stolen table useless. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function revokedKey(sessionId: string): string {
  return `session-revoked:${sessionId}`;
}
