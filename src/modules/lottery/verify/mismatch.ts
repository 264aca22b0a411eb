/** A check that failed; its message names what did not match. */
export class BundleMismatch extends Error {}

/** A log entry whose inclusion in the signed tree has been checked, with its parsed body. */
export interface VerifiedEntry {
  readonly index: number;
  readonly fields: Readonly<Record<string, unknown>>;
}
