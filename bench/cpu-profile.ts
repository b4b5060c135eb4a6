import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Reading a V8 CPU profile (`node --cpu-prof`, written when the process exits) for a benchmark's
 * table: self time per function, and per source file, within the benchmark's measured window.
 */

const ROOT = path.resolve(__dirname, '..');
const round2 = (n: number) => Math.round(n * 100) / 100;

export interface ProfileCost {
  fn: string;
  where: string;
  selfMs: number;
  share: number;
}

export interface ProfileTop {
  file: string;
  sampledMs: number;
  top: ProfileCost[];
  /** Self time summed per source file (all its functions), highest first. */
  topFiles: Array<{ where: string; selfMs: number; share: number }>;
}

/** `node_modules/…`, a path in the repository, or the V8/Node name of the frame's script. */
function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '')
    .replace(ROOT + '/', '');
}

/**
 * The CPU profile a process wrote at exit in `dir`, its top functions by self time within
 * [from, to] (ms, machine clock); `exitedAt` (machine clock) places the profile's end.
 */
export function topOfProfile(
  dir: string,
  exitedAt: number,
  window: { from: number; to: number },
  top = 15,
): ProfileTop {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no CPU profile in ${dir}`);
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
    samples: number[];
    timeDeltas: number[];
    endTime: number;
  };
  // Sample times are µs on the profiler's clock; its endTime is (close to) the exit.
  const toMachine = (us: number) => exitedAt - (profile.endTime - us) / 1000;
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const perFile = new Map<string, number>();
  let t = profile.endTime - profile.timeDeltas.reduce((a, b) => a + b, 0);
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const at = toMachine(t);
    if (at < window.from || at > window.to) continue;
    const node = byNode.get(profile.samples[i])!;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = shortUrl(url);
    const key = `${functionName || '(anonymous)'}\t${where}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const fileKey = where || `(${functionName})`;
    perFile.set(fileKey, (perFile.get(fileKey) ?? 0) + dt);
    total += dt;
  }
  const share = (ms: number) => round2(ms / Math.max(total, 1));
  return {
    file: path.relative(ROOT, path.join(dir, file)),
    sampledMs: Math.round(total),
    top: [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, ms]) => {
        const [fn, where] = key.split('\t');
        return { fn, where, selfMs: Math.round(ms), share: share(ms) };
      }),
    topFiles: [...perFile.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, ms]) => ({ where, selfMs: Math.round(ms), share: share(ms) })),
  };
}
