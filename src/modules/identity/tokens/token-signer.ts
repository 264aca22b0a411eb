import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { errors, exportJWK, jwtVerify, SignJWT, type JWK, type KeyObject } from 'jose';
import { AppError } from '../../../platform/errors/app-error.js';
import type { HsmSigningKey } from '../../../platform/hsm/hsm-keys.js';
import { HsmOperationError } from '../../../platform/hsm/hsm-error.js';

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
  readonly publicKey: KeyObject;
  /** A software key (jose signs with it), or else a key in the HSM that signs the JWS input itself. */
  readonly privateKey?: KeyObject;
  readonly signInToken?: (data: Uint8Array) => Uint8Array;
}

/** SubjectPublicKeyInfo DER of an Ed25519 key is this prefix and the 32 raw bytes (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

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

  /**
   * Keys that live in a hardware security module (KEY_PROVIDER=pkcs11): the first signs in the token. The key id
   * is derived from the public key exactly as for software keys (SHA-256 of the SPKI, 16 base64url characters).
   */
  static fromHsm(hsmKeys: readonly HsmSigningKey[], accessTtlSeconds = 900): TokenSigner {
    if (hsmKeys.length === 0) throw new Error('no token signing key');
    const keys = hsmKeys.map((key) => {
      const spki = Buffer.concat([ED25519_SPKI_PREFIX, key.publicKey]);
      return { kid: TokenSigner.kidOf(key.publicKey), publicKey: createPublicKey({ key: spki, format: 'der', type: 'spki' }), signInToken: (data: Uint8Array) => key.sign(data) };
    });
    return new TokenSigner(keys, accessTtlSeconds);
  }

  /** The key id of a raw Ed25519 public key, as in the JWKS. */
  static kidOf(publicKey: Uint8Array): string {
    return createHash('sha256').update(Buffer.concat([ED25519_SPKI_PREFIX, publicKey])).digest('base64url').slice(0, 16);
  }

  async sign(claims: AccessClaims): Promise<string> {
    const key = this.keys[0]!;
    if (key.signInToken) return this.signInToken(key.kid, key.signInToken, claims);
    return new SignJWT({ sid: claims.sid, roles: [...claims.roles], merchant_ids: [...claims.merchant_ids] })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.accessTtlSeconds}s`)
      .sign(key.privateKey!);
  }

  /** The same compact JWS jose writes (header, then the claims in the same order), signed by the HSM. */
  private signInToken(kid: string, sign: (data: Uint8Array) => Uint8Array, claims: AccessClaims): string {
    const iat = Math.floor(Date.now() / 1000);
    const header = { alg: 'EdDSA', kid, typ: 'at+jwt' };
    const payload = {
      sid: claims.sid,
      roles: [...claims.roles],
      merchant_ids: [...claims.merchant_ids],
      sub: claims.sub,
      iss: ISSUER,
      aud: AUDIENCE,
      iat,
      exp: iat + this.accessTtlSeconds,
    };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    let signature: Uint8Array;
    try {
      signature = sign(Buffer.from(input, 'ascii'));
    } catch (error) {
      if (error instanceof HsmOperationError) throw new AppError('KEY_STORE_UNAVAILABLE');
      throw error;
    }
    return `${input}.${Buffer.from(signature).toString('base64url')}`;
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

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
