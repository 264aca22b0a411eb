/** Totals of one group-commit queue, from a server's /metrics histograms. */
export interface GroupCommitTotals {
  batches: number;
  commands: number;
  seconds: number;
}

/** Group-commit totals by committer, read from a server's /metrics (histogram sums and counts). */
export async function groupCommitTotals(baseUrl: string): Promise<Map<string, GroupCommitTotals>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const totals = new Map<string, GroupCommitTotals>();
  const entry = (name: string) => totals.get(name) ?? totals.set(name, { batches: 0, commands: 0, seconds: 0 }).get(name)!;
  for (const match of text.matchAll(/^group_commit_batch_(size|seconds)_(sum|count)\{name="([^"]+)"\} (\S+)$/gm)) {
    const [, metric, kind, name, value] = match;
    const e = entry(name!);
    if (metric === 'size' && kind === 'sum') e.commands = Number(value);
    if (metric === 'size' && kind === 'count') e.batches = Number(value);
    if (metric === 'seconds' && kind === 'sum') e.seconds = Number(value);
  }
  return totals;
}

/** What each queue did between two readings. */
export function groupCommitDelta(before: Map<string, GroupCommitTotals>, after: Map<string, GroupCommitTotals>): Map<string, GroupCommitTotals> {
  return new Map(
    [...after].map(([name, a]) => {
      const b = before.get(name) ?? { batches: 0, commands: 0, seconds: 0 };
      return [name, { batches: a.batches - b.batches, commands: a.commands - b.commands, seconds: a.seconds - b.seconds }];
    }),
  );
}
