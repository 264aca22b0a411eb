import type { TransparencyLog } from '../audit/transparency-log.js';
import { AppError } from '../../platform/errors/app-error.js';
import { subjectOfBeacon } from './beacons.js';
import { subjectOfCampaign } from './log-entries.js';
import type { WeeklyDraws } from './weekly.js';

export const BUNDLE_FORMAT = 'quanyi-draw-bundle/v1';

const b64 = (hash: Uint8Array) => Buffer.from(hash).toString('base64');

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

export type DrawRef = { readonly kind: 'instant'; readonly campaignId: string } | { readonly kind: 'weekly'; readonly drawId: string };

/** Draw ids name what was drawn: `instant-<campaign id>` is a campaign's instant pool, `weekly-<id>` one weekly draw. */
export function parseDrawId(drawId: string): DrawRef {
  const match = /^(instant|weekly)-(\d{1,20})$/.exec(drawId);
  if (!match) throw new AppError('LOTTERY_DRAW_NOT_FOUND', { draw_id: drawId });
  return match[1] === 'instant' ? { kind: 'instant', campaignId: match[2]! } : { kind: 'weekly', drawId: match[2]! };
}

export async function exportBundle(log: TransparencyLog, weekly: WeeklyDraws, drawId: string): Promise<DrawBundle> {
  const ref = parseDrawId(drawId);
  let entries;
  let entrySet: string[] | undefined;
  if (ref.kind === 'instant') {
    entries = await log.entriesAbout(subjectOfCampaign(ref.campaignId));
  } else {
    const draw = await weekly.requireDraw(ref.drawId);
    // Only the rules and weekly entries: a campaign's instant draws may be many, and are not this draw's.
    const aboutCampaign = await log.entriesAbout(subjectOfCampaign(draw.campaign_id), ['CAMPAIGN_RULES', 'WEEKLY_CLOSE', 'WEEKLY_RESULT']);
    const mine = aboutCampaign.filter((e) => e.type === 'CAMPAIGN_RULES' || (JSON.parse(e.body) as { draw_id?: string }).draw_id === drawId);
    const beacon = await log.entriesAbout(subjectOfBeacon(draw.beacon_id));
    entries = [...mine, ...beacon].sort((a, b) => a.index - b.index);
    entrySet = await weekly.entrySet(ref.drawId);
  }
  if (entries.length === 0) throw new AppError('LOTTERY_DRAW_NOT_FOUND', { draw_id: drawId });
  const checkpoint = await log.checkpoint();
  const proofs = await log.inclusionProofs(entries.map((e) => e.index), checkpoint.size);
  const committedAt = entries.find((e) => e.type === (ref.kind === 'instant' ? 'CAMPAIGN_RULES' : 'WEEKLY_CLOSE'));
  const early = committedAt && (await log.firstCheckpointCovering(committedAt.index));
  const commitment = early && { checkpoint: early.note, consistency: (await log.consistencyProof(early.size, checkpoint.size)).map(b64) };
  return {
    format: BUNDLE_FORMAT,
    draw_id: drawId,
    log: { origin: log.origin, verifier_key: log.keys.verifierKey, checkpoint: checkpoint.note, ...(commitment ? { commitment } : {}) },
    entries: entries.map((e, i) => ({ index: e.index, body: e.body, proof: proofs[i]!.map(b64) })),
    ...(entrySet ? { entry_set: entrySet } : {}),
  };
}
