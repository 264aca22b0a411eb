import type { TransparencyLog } from '../audit/transparency-log.js';
import { AppError } from '../../platform/errors/app-error.js';
import { subjectOfBeacon } from './beacons.js';
import { subjectOfCampaign } from './log-entries.js';
import type { WeeklyDraws } from './weekly.js';

export { BUNDLE_FORMAT, type DrawBundle } from './verify/bundle-format.js';
import { BUNDLE_FORMAT, type DrawBundle } from './verify/bundle-format.js';

const b64 = (hash: Uint8Array) => Buffer.from(hash).toString('base64');

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
