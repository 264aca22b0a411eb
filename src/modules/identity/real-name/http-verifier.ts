import { outcomeFromTencentCode, type FourFactorResult, type FourFactors, type RealNameVerifier } from './verifier.js';

/**
 * Bank 4-factor verification over HTTP in the request/response shape of Tencent FaceId BankCard4EVerification
 * (`{Name, IdCard, BankCard, Phone}` → `{Response: {Result, Description, RequestId}}`). Points at the sandbox
 * (/sandbox/bank/four-factor) or at a relay that signs requests for the real provider (TC3-HMAC-SHA256).
 * A timeout or a broken answer is UNAVAILABLE: never a verification, never a failed attempt.
 */
export class HttpRealNameVerifier implements RealNameVerifier {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 5_000,
  ) {
    this.name = `http:${new URL(url).host}`;
  }

  async verify(input: FourFactors): Promise<FourFactorResult> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Name: input.name, IdCard: input.idNumber, BankCard: input.bankCard, Phone: input.bankPhone }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) return unavailable(`http-${response.status}`);
      const body = (await response.json()) as { Response?: { Result?: unknown; RequestId?: unknown } };
      const code = body.Response?.Result;
      if (typeof code !== 'string') return unavailable('malformed');
      return { outcome: outcomeFromTencentCode(code), providerCode: code, reference: String(body.Response?.RequestId ?? '') };
    } catch {
      return unavailable('unreachable');
    }
  }
}

function unavailable(providerCode: string): FourFactorResult {
  return { outcome: 'UNAVAILABLE', providerCode, reference: '' };
}
