import { randomBytes } from 'node:crypto';
import { signRequest } from '../../src/modules/merchants/signature.js';
import { http, type HttpResult } from './http.js';

export interface MerchantCredentialsForTest {
  readonly merchant_id: string;
  readonly api_key: string;
  readonly api_secret: string;
}

/** A cashier call signed as docs/security.md describes (X-Api-Key, X-Timestamp, X-Nonce, X-Signature). */
export function signedCall(
  base: string,
  merchant: MerchantCredentialsForTest,
  method: string,
  pathWithQuery: string,
  body: unknown,
  overrides: { timestamp?: string; nonce?: string; signature?: string; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const rawBody = overrides.rawBody ?? (body === undefined ? '' : JSON.stringify(body));
  const timestamp = overrides.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = overrides.nonce ?? randomBytes(12).toString('hex');
  const signature = overrides.signature ?? signRequest(merchant.api_secret, method, pathWithQuery, timestamp, nonce, rawBody);
  return http(`${base}${pathWithQuery}`, {
    method,
    rawBody: rawBody || undefined,
    headers: {
      ...(rawBody ? { 'content-type': 'application/json' } : {}),
      'x-api-key': merchant.api_key,
      'x-timestamp': timestamp,
      'x-nonce': nonce,
      'x-signature': signature,
      ...overrides.headers,
    },
  });
}
