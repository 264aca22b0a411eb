import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** CPU seconds used so far by a process (user + system), from /proc; 0 where /proc is absent. */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

function pidsNamed(name: string): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

export interface CpuShare {
  /** Percent of one core, per watched process group, over the measured span. */
  readonly [group: string]: number;
}

/**
 * Measures how busy each group of processes was while `work` ran, as a percentage of one core (200% = both
 * cores of this machine). Shows whether a scenario is bound by the server, the database or the load generator.
 */
export async function measureCpu<T>(groups: Record<string, () => number[]>, work: () => Promise<T>): Promise<{ result: T; cpu: CpuShare }> {
  const sample = () => Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids().reduce((sum, pid) => sum + cpuSecondsOf(pid), 0)]));
  const before = sample();
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = sample();
  const cpu = Object.fromEntries(Object.keys(groups).map((name) => [name, Math.round(((after[name]! - before[name]!) / seconds) * 100)]));
  return { result, cpu };
}

export const processes = {
  pid: (pid: number | undefined) => () => (pid ? [pid] : []),
  named: (name: string) => () => pidsNamed(name),
  self: () => [process.pid],
};

export const cores = os.cpus().length;
