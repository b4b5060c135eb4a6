import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Reading a V8 CPU profile (`node --cpu-prof`, written when the process exits) for a benchmark's
 * table, within the benchmark's measured window: self time per function and per source file, and
 * the costs of one component's code with what it calls charged to it. Line numbers are those of
 * the code V8 ran (for TypeScript: SWC's output, close to the source's).
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

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface WindowSamples {
  file: string;
  byNode: Map<number, ProfileNode>;
  parentOf: Map<number, number>;
  /** The samples within the window: node and the time it stands for (ms). */
  samples: Array<{ node: ProfileNode; ms: number }>;
}

/**
 * The samples of the CPU profile a process wrote at exit in `dir` that fall within [from, to]
 * (ms, machine clock); `exitedAt` (machine clock) places the profile's end.
 */
function samplesInWindow(dir: string, exitedAt: number, window: { from: number; to: number }): WindowSamples {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no CPU profile in ${dir}`);
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
    endTime: number;
  };
  // Sample times are µs on the profiler's clock; its endTime is (close to) the exit.
  const toMachine = (us: number) => exitedAt - (profile.endTime - us) / 1000;
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const samples: WindowSamples['samples'] = [];
  let t = profile.endTime - profile.timeDeltas.reduce((a, b) => a + b, 0);
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const at = toMachine(t);
    if (at < window.from || at > window.to) continue;
    samples.push({ node: byNode.get(profile.samples[i])!, ms: (profile.timeDeltas[i + 1] ?? 0) / 1000 });
  }
  return { file: path.relative(ROOT, path.join(dir, file)), byNode, parentOf, samples };
}

const frameKey = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'}\t${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

function ranked(costs: Map<string, number>, total: number, top: number): ProfileCost[] {
  return [...costs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, ms]) => {
      const [fn, where] = key.split('\t');
      return { fn, where, selfMs: Math.round(ms), share: round2(ms / Math.max(total, 1)) };
    });
}

/** The top functions by self time within the window, and the top source files. */
export function topOfProfile(
  dir: string,
  exitedAt: number,
  window: { from: number; to: number },
  top = 15,
): ProfileTop {
  const { file, samples } = samplesInWindow(dir, exitedAt, window);
  const self = new Map<string, number>();
  const perFile = new Map<string, number>();
  let total = 0;
  for (const { node, ms } of samples) {
    const key = frameKey(node);
    self.set(key, (self.get(key) ?? 0) + ms);
    const fileKey = shortUrl(node.callFrame.url) || `(${node.callFrame.functionName})`;
    perFile.set(fileKey, (perFile.get(fileKey) ?? 0) + ms);
    total += ms;
  }
  return {
    file,
    sampledMs: Math.round(total),
    top: ranked(self, total, top),
    topFiles: [...perFile.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, ms]) => ({ where, selfMs: Math.round(ms), share: round2(ms / Math.max(total, 1)) })),
  };
}

export interface AttributedCosts {
  /** Sampled time in the window, idle excluded (ms). */
  busyMs: number;
  idleMs: number;
  /**
   * Self time charged to the innermost frame of `within` on the stack: a library's or Node's
   * work (protobufjs' generated coders, gRPC, pg, which have no names of their own) counts for
   * the function of ours that called it. `selfMs` is that charged time; share of `busyMs`.
   */
  charged: ProfileCost[];
  /** Inclusive time of the functions of `within` (each counted once per sample). */
  inclusive: ProfileCost[];
}

/** Costs of the code under `within` (a path part, e.g. `infra/temporal-dev-server/`) in the window. */
export function attributedCosts(
  dir: string,
  exitedAt: number,
  window: { from: number; to: number },
  within: string,
  top = 15,
): AttributedCosts {
  const { byNode, parentOf, samples } = samplesInWindow(dir, exitedAt, window);
  const charged = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const { node, ms } of samples) {
    if (node.callFrame.functionName === '(idle)') {
      idle += ms;
      continue;
    }
    busy += ms;
    let owner: ProfileNode | undefined;
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = node; n; n = byNode.get(parentOf.get(n.id) ?? -1)) {
      if (!n.callFrame.url.includes(within)) continue;
      owner ??= n;
      const key = frameKey(n);
      if (seen.has(key)) continue; // recursion: once per sample
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
    const key = owner
      ? frameKey(owner)
      : `${node.callFrame.functionName || '(anonymous)'}\t(none of ours on the stack)`;
    charged.set(key, (charged.get(key) ?? 0) + ms);
  }
  return {
    busyMs: Math.round(busy),
    idleMs: Math.round(idle),
    charged: ranked(charged, busy, top),
    inclusive: ranked(inclusive, busy, top),
  };
}
