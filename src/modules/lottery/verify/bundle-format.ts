/** The draw bundle's format, shared by the server that exports it and every verifier (CLI and browser): no server imports here. */
export const BUNDLE_FORMAT = 'quanyi-draw-bundle/v1';

/**
 * Everything needed to re-run a draw offline (docs/draw-spec.md §5): the log's key and a signed checkpoint, every
 * entry about the draw with its inclusion proof in that checkpoint's tree, and for a weekly draw its entry set.
 */
export interface DrawBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly draw_id: string;
  readonly log: {
    readonly origin: string;
    readonly verifier_key: string;
    readonly checkpoint: string;
    /**
     * The first checkpoint signed after the draw's commitment (an instant pool's rules, a weekly close) was logged,
     * with the consistency proof from it to `checkpoint`: the later tree only appended to the one that held it.
     */
    readonly commitment?: { readonly checkpoint: string; readonly consistency: readonly string[] };
  };
  readonly entries: readonly { readonly index: number; readonly body: string; readonly proof: readonly string[] }[];
  /** Weekly draws: the closed entry set in draw order, each `<invoice_commit>:<chance>`. */
  readonly entry_set?: readonly string[];
}
