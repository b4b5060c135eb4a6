import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * What bench/peer.ts reads about processes from /proc (Linux): resident memory, CPU time, and
 * PostgreSQL's processes (the postmaster and its children). Figures in MiB and seconds.
 */

const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0);
  } catch {
    return 0; // the process has exited
  }
}

/** Resident set now, MiB. */
export const rssMiB = (pid: number) => mib(statusKiB(pid, 'VmRSS'));
/** Peak resident set since the process started (VmHWM), MiB. */
export const peakRssMiB = (pid: number) => mib(statusKiB(pid, 'VmHWM'));

/** The fields of /proc/<pid>/stat (or of one of its threads) after the command name: [state, ppid, …]; undefined once gone. */
function statFields(pid: number, thread?: number): string[] | undefined {
  try {
    const stat = readFileSync(
      thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
      'utf8',
    );
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds of the process itself; with `children`, also of its waited-for children. */
export function cpuSeconds(pid: number, children = false): number {
  const f = statFields(pid);
  if (!f) return 0;
  // utime, stime, cutime, cstime are fields 14–17 of stat, 11–14 after the name.
  const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  return ticks / clockTicks();
}

/**
 * User + system CPU seconds of the process's main thread alone (Node's JavaScript thread), without
 * its GC, compiler and libuv threads: the one that saturates at one core.
 */
export function mainThreadCpuSeconds(pid: number): number {
  const f = statFields(pid, pid);
  return f ? (Number(f[11]) + Number(f[12])) / clockTicks() : 0;
}

/** The postmaster and its children (backends, checkpointer, WAL writer…). */
export function postgresPids(postmaster: number): number[] {
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[1]) === postmaster) pids.push(Number(entry));
  }
  return pids;
}

/**
 * PostgreSQL's memory as the sum of its processes' proportional set sizes (shared buffers counted
 * once, not once per backend as summed RSS would), MiB.
 */
export function postgresPssMiB(postmaster: number): number {
  let kib = 0;
  for (const pid of postgresPids(postmaster)) {
    try {
      const line = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('Pss:'));
      kib += Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0);
    } catch {
      // a backend that just exited
    }
  }
  return mib(kib);
}

/** CPU seconds of every PostgreSQL process so far, exited backends included (the postmaster's children's time). */
export function postgresCpuSeconds(postmaster: number): number {
  return postgresPids(postmaster).reduce((sum, pid) => sum + cpuSeconds(pid, pid === postmaster), 0);
}

/**
 * CPU time of the whole machine so far (first line of /proc/stat), seconds summed over all cores:
 * busy (every process, this benchmark's and anyone else's) and all (busy + idle + I/O wait).
 */
export function machineCpuSeconds(): { busy: number; all: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user and nice)
    const all = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = fields[3] + fields[4];
    return { busy: (all - idle) / clockTicks(), all: all / clockTicks() };
  } catch {
    return { busy: 0, all: 0 };
  }
}
