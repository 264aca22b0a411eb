import { createPrivateKey, createPublicKey } from 'node:crypto';
import { errors, exportJWK, jwtVerify, SignJWT, type JWK, type KeyObject } from 'jose';
import { AppError } from '../../../platform/errors/app-error.js';

export const ISSUER = 'quanyi';
export const AUDIENCE = 'quanyi-api';

export interface AccessClaims {
  readonly sub: string;
  readonly sid: string;
  readonly roles: readonly string[];
  readonly merchant_ids: readonly string[];
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** Access tokens live 15 minutes; this many recent ones stay verified in memory (about 3 MB). */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Short-lived access tokens: EdDSA (Ed25519) JWTs with the key id in the header, verifiable by anyone with the
 * public keys at /.well-known/jwks.json. The first key signs; older keys keep verifying during rotation.
 */
export class TokenSigner {
  private constructor(
    private readonly keys: readonly SigningKey[],
    readonly accessTtlSeconds: number,
  ) {}

  static create(pems: readonly { kid: string; privateKeyPem: string }[], accessTtlSeconds = 900): TokenSigner {
    if (pems.length === 0) throw new Error('no token signing key');
    const keys = pems.map(({ kid, privateKeyPem }) => {
      const privateKey = createPrivateKey(privateKeyPem);
      return { kid, privateKey, publicKey: createPublicKey(privateKey) };
    });
    return new TokenSigner(keys, accessTtlSeconds);
  }

  async sign(claims: AccessClaims): Promise<string> {
    const key = this.keys[0]!;
    return new SignJWT({ sid: claims.sid, roles: [...claims.roles], merchant_ids: [...claims.merchant_ids] })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.accessTtlSeconds}s`)
      .sign(key.privateKey);
  }

  /**
   * Tokens already verified, by their exact text: an Ed25519 check was a quarter of an authenticated request's CPU
   * (docs/benchmarks.md). The same bytes always verify the same way, so only expiry is re-checked on a hit; the
   * session's revocation is still checked on every request by the caller.
   */
  private readonly verified = new Map<string, { readonly claims: AccessClaims; readonly exp: number }>();

  async verify(token: string): Promise<AccessClaims> {
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.exp > Math.floor(Date.now() / 1000)) return cached.claims;
      this.verified.delete(token);
      throw new AppError('TOKEN_EXPIRED');
    }
    const { claims, exp } = await this.verifySignature(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { claims, exp });
    return claims;
  }

  private async verifySignature(token: string): Promise<{ claims: AccessClaims; exp: number }> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = this.keys.find((k) => k.kid === header.kid);
          if (!key) throw new errors.JWKSNoMatchingKey();
          return key.publicKey;
        },
        { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'], typ: 'at+jwt' },
      );
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || !Array.isArray(payload.roles)) {
        throw new AppError('TOKEN_INVALID');
      }
      if (typeof payload.exp !== 'number') throw new AppError('TOKEN_INVALID');
      const claims = {
        sub: payload.sub,
        sid: payload.sid,
        roles: payload.roles.map(String),
        merchant_ids: Array.isArray(payload.merchant_ids) ? payload.merchant_ids.map(String) : [],
      };
      return { claims, exp: payload.exp };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED');
      throw new AppError('TOKEN_INVALID');
    }
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const keys = await Promise.all(
      this.keys.map(async (k) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid, alg: 'EdDSA', use: 'sig' })),
    );
    return { keys };
  }
}
