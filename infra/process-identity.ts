import { readFileSync } from 'node:fs';

/**
 * Which process a pid names, robust against pid reuse: the pid with its start time (Linux
 * /proc/<pid>/stat, field 22, clock ticks since boot). Used by the launcher to recognise the
 * embedded PostgreSQL and Temporal dev server a crashed earlier start left running, and never to
 * mistake another process that got the same pid for them.
 */
export interface ProcessIdentity {
  pid: number;
  /** Absent where /proc is not available; then only the pid is compared. */
  startTime?: string;
}

/** True while a process with this pid exists (also one of another user: EPERM). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's start time (since boot) from /proc, or undefined when unknown. */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/** The process's command line (argv), or undefined when unknown. */
export function commandOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

export function identityOf(pid: number): ProcessIdentity {
  return { pid, startTime: startTimeOf(pid) };
}

/** True when the process the identity was taken of is still running (not a reused pid). */
export function stillRunning(identity: ProcessIdentity): boolean {
  if (!isAlive(identity.pid)) return false;
  if (identity.startTime === undefined) return true;
  const now = startTimeOf(identity.pid);
  return now === undefined || now === identity.startTime;
}

/** Polls (every 100 ms) until the process is gone or `timeoutMs` has passed; tells which. */
export async function waitForExit(identity: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (stillRunning(identity)) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/**
 * Stops a process by escalating signals, each given `graceMs` to take effect (e.g. PostgreSQL:
 * SIGINT = fast shutdown, SIGQUIT = immediate, then SIGKILL). Resolves true once it is gone.
 */
export async function stopProcess(
  identity: ProcessIdentity,
  steps: Array<{ signal: NodeJS.Signals; graceMs: number }>,
): Promise<boolean> {
  for (const { signal, graceMs } of steps) {
    if (!stillRunning(identity)) return true;
    try {
      process.kill(identity.pid, signal);
    } catch {
      return !stillRunning(identity);
    }
    if (await waitForExit(identity, graceMs)) return true;
  }
  return !stillRunning(identity);
}
