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

  async verify(token: string): Promise<AccessClaims> {
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
      return {
        sub: payload.sub,
        sid: payload.sid,
        roles: payload.roles.map(String),
        merchant_ids: Array.isArray(payload.merchant_ids) ? payload.merchant_ids.map(String) : [],
      };
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
