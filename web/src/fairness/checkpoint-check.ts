import { CheckpointError, openCheckpoint } from '@server/modules/audit/domain/checkpoint.js';
import { NoteError, verifierFromKey } from '@server/modules/audit/domain/signed-note.js';
import { encodeBase64 } from '@server/modules/audit/domain/base64.js';
import type { CheckpointView } from './public-api';

export type CheckpointCheck =
  | { readonly ok: true; readonly matchesFields: boolean }
  | { readonly ok: false; readonly reason: CheckpointFailure; readonly detail: string };

/** Why a checkpoint did not open, in the terms the page explains (the library's own message is shown beside it). */
export type CheckpointFailure = 'KEY' | 'NOT_SIGNED_BY_KEY' | 'BAD_SIGNATURE' | 'OTHER_LOG' | 'MALFORMED';

/**
 * Checks the latest checkpoint's Ed25519 signature against the pinned key with the log's own code
 * (src/modules/audit/domain: C2SP signed note, @noble/curves), and that the fields the API lists are the ones signed.
 */
export function checkCheckpoint(checkpoint: CheckpointView, verifierKey: string): CheckpointCheck {
  try {
    const opened = openCheckpoint(checkpoint.note, verifierFromKey(verifierKey.trim()));
    const matchesFields = opened.origin === checkpoint.origin && opened.size === checkpoint.size && encodeBase64(opened.rootHash) === checkpoint.root_hash;
    return { ok: true, matchesFields };
  } catch (error) {
    return { ok: false, reason: failureOf(error), detail: (error as Error).message };
  }
}

function failureOf(error: unknown): CheckpointFailure {
  if (error instanceof NoteError) {
    if (error.reason === 'MALFORMED_KEY' || error.reason === 'INVALID_NAME') return 'KEY';
    if (error.reason === 'UNVERIFIED') return 'NOT_SIGNED_BY_KEY';
    if (error.reason === 'INVALID_SIGNATURE') return 'BAD_SIGNATURE';
  }
  if (error instanceof CheckpointError && error.reason === 'ORIGIN_MISMATCH') return 'OTHER_LOG';
  return 'MALFORMED';
}
