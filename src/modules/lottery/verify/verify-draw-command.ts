import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { DrawBundle } from './bundle-format.js';
import { verifyBundle } from './verify-bundle.js';

export const VERIFY_DRAW_USAGE = `verify-draw --bundle FILE [--key VKEY]
verify-draw --url BASE --draw ID [--key VKEY]`;

export class UsageError extends Error {}

/**
 * `quanyi verify-draw`: re-runs a draw from a bundle file or from a server, printing each check. Returns the exit
 * code: 0 only if everything matches. Pin the log's key with --key (as published out of band); otherwise the
 * bundle's own key is used, and said so.
 */
export async function verifyDrawCommand(args: readonly string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { bundle: { type: 'string' }, url: { type: 'string' }, draw: { type: 'string' }, key: { type: 'string' } },
  });
  let bundle: DrawBundle;
  if (values.bundle) {
    bundle = JSON.parse(fs.readFileSync(values.bundle, 'utf8')) as DrawBundle;
  } else if (values.url && values.draw) {
    const url = `${values.url.replace(/\/$/, '')}/api/v1/lottery/draws/${encodeURIComponent(values.draw)}/bundle`;
    const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    bundle = (await response.json()) as DrawBundle;
  } else {
    throw new UsageError(`verify-draw needs --bundle, or --url and --draw\n${VERIFY_DRAW_USAGE}`);
  }
  if (!values.key) out(`note: no --key given; trusting the key the bundle names (${bundle.log?.verifier_key})`);
  const result = verifyBundle(bundle, { pinnedKey: values.key });
  for (const check of result.checks) out(`ok   ${check}`);
  if (!result.ok) {
    out(`FAIL ${result.failure}`);
    return 1;
  }
  out(`PASS ${JSON.stringify(result.summary)}`);
  return 0;
}
