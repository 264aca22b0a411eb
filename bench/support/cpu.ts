import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export const cores = os.cpus().length;

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

/** Busy and total jiffies of the whole machine so far, from /proc/stat (zeros where it is absent). */
function machineJiffies(): { busy: number; total: number } {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const values = fields.map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
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
  const machineBefore = machineJiffies();
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = sample();
  const machineAfter = machineJiffies();
  const cpu: Record<string, number> = Object.fromEntries(Object.keys(groups).map((name) => [name, Math.round(((after[name]! - before[name]!) / seconds) * 100)]));
  // The whole machine (kernel networking, every process), in percent of one core like the rest: near
  // cores × 100 means the scenario is bound by this machine's CPU, whatever the split between processes.
  const machineTotal = machineAfter.total - machineBefore.total;
  if (machineTotal > 0) cpu.machine = Math.round(((machineAfter.busy - machineBefore.busy) / machineTotal) * cores * 100);
  return { result, cpu };
}

export const processes = {
  pid: (pid: number | undefined) => () => (pid ? [pid] : []),
  named: (name: string) => () => pidsNamed(name),
  self: () => [process.pid],
};


