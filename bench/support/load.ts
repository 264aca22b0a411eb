import autocannon from 'autocannon';

export interface LoadResult {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Percent of one core used by each process group during the run (see cpu.ts). */
  readonly cpu?: Readonly<Record<string, number>>;
}

export interface LoadOptions {
  readonly url: string;
  /** Rewrites each request before it is sent (fresh signatures, distinct codes). */
  readonly setupRequest?: (request: { method?: string; path: string; headers?: Record<string, string>; body?: string }) => { method?: string; path: string; headers?: Record<string, string>; body?: string };
  readonly connections?: number;
  readonly durationSeconds?: number;
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** A closed-model load run (autocannon) against 127.0.0.1, bounded in time. Prints nothing; returns figures. */
export async function load(name: string, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 50,
    duration: options.durationSeconds ?? 8,
    method: options.method ?? 'GET',
    body: options.body,
    headers: options.headers,
    ...(options.setupRequest ? { requests: [{ setupRequest: options.setupRequest as never }] } : {}),
  });
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export function printTable(rows: readonly LoadResult[], baseline?: LoadResult): void {
  const cpuGroups = [...new Set(rows.flatMap((r) => Object.keys(r.cpu ?? {})))];
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', baseline ? 'vs baseline' : '', ...cpuGroups.map((g) => `${g} CPU%`)];
  console.log(header.join('\t'));
  for (const r of rows) {
    const ratio = baseline ? `${((r.requestsPerSecond / baseline.requestsPerSecond) * 100).toFixed(1)}%` : '';
    console.log([r.name, r.requestsPerSecond, r.p50Ms, r.p99Ms, r.errors, r.non2xx, ratio, ...cpuGroups.map((g) => r.cpu?.[g] ?? '')].join('\t'));
  }
  if (cpuGroups.length === 0) return;
  // The same CPU figures per request: what one more request costs each process, and so which one caps the rate.
  console.log(['CPU µs per request', ...cpuGroups].join('\t'));
  for (const r of rows) {
    if (!r.cpu || r.requestsPerSecond === 0) continue;
    console.log([r.name, ...cpuGroups.map((g) => (r.cpu![g] === undefined ? '' : Math.round((r.cpu![g]! * 10_000) / r.requestsPerSecond)))].join('\t'));
  }
}
