import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors/app-error.js';
import type { Authenticator } from '../../platform/http/access.js';
import type { Clock } from '../../platform/time/clock.js';
import type { SignatureNonces } from './signature-nonces.js';

export const SIGNATURE_WINDOW_SECONDS = 300;

export interface MerchantCredentials {
  readonly merchantId: string;
  readonly secret: string;
  readonly active: boolean;
}

/**
 * The string a cashier signs (docs/security.md): METHOD \\n path-with-query \\n timestamp \\n nonce \\n hex SHA-256 of
 * the raw body. Exported so clients, tests and the docs compute exactly the same thing.
 */
export function canonicalRequest(method: string, pathWithQuery: string, timestamp: string, nonce: string, rawBody: string): string {
  const bodyHash = createHash('sha256').update(rawBody).digest('hex');
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${bodyHash}`;
}

export function signRequest(secret: string, method: string, pathWithQuery: string, timestamp: string, nonce: string, rawBody: string): string {
  return createHmac('sha256', secret).update(canonicalRequest(method, pathWithQuery, timestamp, nonce, rawBody)).digest('hex');
}

/**
 * Signed cashier calls: X-Api-Key, X-Timestamp (unix seconds, within 5 minutes), X-Nonce (16–64 chars, never
 * twice within the window) and X-Signature (HMAC-SHA256 with the merchant's secret). The headers are checked
 * when the request arrives; the signature once the body has been read. A nonce is remembered only after its
 * signature checks out, so nobody can burn a cashier's nonces by replaying them with a bad signature. Used nonces
 * are kept in the database (`SignatureNonces`), so a replay is refused by every process and after a cache restart.
 */
export function merchantSignatureAuthenticator(
  lookup: (apiKey: string) => Promise<MerchantCredentials | undefined>,
  nonces: SignatureNonces,
  clock: Clock,
): Authenticator {
  return async (request: FastifyRequest) => {
    const apiKey = header(request, 'x-api-key');
    if (!apiKey) return null;
    const timestamp = header(request, 'x-timestamp');
    const nonce = header(request, 'x-nonce');
    const signature = header(request, 'x-signature');
    if (!timestamp || !nonce || !signature || !/^\d{1,12}$/.test(timestamp) || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce) || !/^[0-9a-f]{64}$/.test(signature)) {
      throw new AppError('SIGNATURE_INVALID');
    }
    if (Math.abs(clock.now().getTime() / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) throw new AppError('SIGNATURE_EXPIRED');
    const merchant = await lookup(apiKey);
    if (!merchant || !merchant.active) throw new AppError('SIGNATURE_INVALID');
    return {
      actor: { kind: 'merchant', id: merchant.merchantId, roles: ['merchant_staff'], merchantIds: [merchant.merchantId] },
      verifyBody: async (req: FastifyRequest) => {
        const expected = Buffer.from(signRequest(merchant.secret, req.method, req.url, timestamp, nonce, req.rawBody ?? ''), 'hex');
        if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) throw new AppError('SIGNATURE_INVALID');
        const now = clock.now();
        // Kept for twice the window, so a timestamp at the far edge of the window plus clock skew between
        // processes is still covered.
        const fresh = await nonces.claim(merchant.merchantId, nonce, now, new Date(now.getTime() + SIGNATURE_WINDOW_SECONDS * 2 * 1000));
        if (!fresh) throw new AppError('SIGNATURE_REPLAYED');
      },
    };
  };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
