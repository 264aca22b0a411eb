import type { TransparencyLog } from '../audit/transparency-log.js';
import { AppError } from '../../platform/errors/app-error.js';
import { subjectOfCampaign } from './log-entries.js';

export const BUNDLE_FORMAT = 'quanyi-draw-bundle/v1';

/**
 * Everything needed to re-run a draw offline (docs/draw-spec.md §Bundle): the log's key and a signed checkpoint,
 * and every entry about the draw with its inclusion proof in that checkpoint's tree.
 */
export interface DrawBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly draw_id: string;
  readonly log: { readonly origin: string; readonly verifier_key: string; readonly checkpoint: string };
  readonly entries: readonly { readonly index: number; readonly body: string; readonly proof: readonly string[] }[];
}

/** Draw ids name what was drawn: `instant-<campaign id>` is a campaign's instant pool. */
export function parseDrawId(drawId: string): { kind: 'instant'; campaignId: string } {
  const match = /^instant-(\d{1,20})$/.exec(drawId);
  if (!match) throw new AppError('LOTTERY_DRAW_NOT_FOUND', { draw_id: drawId });
  return { kind: 'instant', campaignId: match[1]! };
}

export async function exportBundle(log: TransparencyLog, drawId: string): Promise<DrawBundle> {
  const { campaignId } = parseDrawId(drawId);
  const entries = await log.entriesAbout(subjectOfCampaign(campaignId));
  if (entries.length === 0) throw new AppError('LOTTERY_DRAW_NOT_FOUND', { draw_id: drawId });
  const checkpoint = await log.checkpoint();
  const proofs = await Promise.all(entries.map((e) => log.inclusionProof(e.index, checkpoint.size)));
  return {
    format: BUNDLE_FORMAT,
    draw_id: drawId,
    log: { origin: log.origin, verifier_key: log.keys.verifierKey, checkpoint: checkpoint.note },
    entries: entries.map((e, i) => ({ index: e.index, body: e.body, proof: proofs[i]!.map((h) => Buffer.from(h).toString('base64')) })),
  };
}
