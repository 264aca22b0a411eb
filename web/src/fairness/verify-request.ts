import type { VerifyReport } from './verify-report';

/** What the page asks the verification worker: re-run this draw against this pinned key. */
export interface VerifyRequest {
  readonly drawId: string;
  readonly pinnedKey: string;
  /** The UI's language, so the server's refusals (a draw not found) come back in it. */
  readonly locale: string;
}

export type VerifyResponse = { readonly report: VerifyReport };
