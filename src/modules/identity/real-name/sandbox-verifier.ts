import { sandboxDecision } from './sandbox-rules.js';
import type { FourFactorResult, FourFactors, RealNameVerifier } from './verifier.js';

/**
 * The sandbox bank 4-factor service, answering in-process with the documented deterministic rules
 * (docs/sandbox-identities.md). The same rules answer over HTTP at POST /sandbox/bank/four-factor.
 */
export class SandboxRealNameVerifier implements RealNameVerifier {
  readonly name = 'sandbox';

  async verify(input: FourFactors): Promise<FourFactorResult> {
    return sandboxDecision(input);
  }
}
