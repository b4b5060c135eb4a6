import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';

/**
 * Recorded workflow histories, replayed by test/workflow/replay-histories.test.ts against the
 * current workflow code: a change that running cases could not replay fails CI.
 * See docs/workflow-versioning.md.
 */
export const REPLAY_ROOT = path.resolve(__dirname, '..', 'replay');

export interface RecordOptions {
  /** Where the `<procedure>/<scenario>.json` files go; test/replay unless told. */
  root?: string;
}

export interface RecordedHistory {
  history: History;
  workflowType: string;
  /** The recorded run's workflow id; workflows that read `workflowInfo().workflowId` replay with it. */
  workflowId: string | undefined;
}

const rerecording = () => process.env.REPLAY_RECORD === '1';

/**
 * Records the workflow's history as `<root>/<procedure>/<scenario>.json`, in the JSON of
 * `temporal workflow show --output json`. A scenario records itself the first time; an existing
 * file is rewritten only under REPLAY_RECORD=1 (`npm run replay:record`), since the file stands
 * for the cases already running.
 */
export async function recordHistory(
  handle: WorkflowHandle,
  procedure: string,
  scenario: string,
  options: RecordOptions = {},
): Promise<void> {
  const file = historyFile(procedure, scenario, options.root);
  if (!rerecording() && existsSync(file)) return;
  claim(file, scenario);
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`history of ${handle.workflowId} does not begin with its start`);
  // The dev server leaves the started event's workflowId empty; the replay needs it.
  started.workflowId ||= handle.workflowId;
  const json = await prettierFormatted(file, historyToJSON(history));
  await writeAtomically(file, json, { overwrite: rerecording() });
}

/**
 * Records several workflows of one scenario (a case and its children), each as
 * `<scenarioPrefix> <workflow type>` (with an ordinal when the type occurs more than once), so
 * the file names stay the same from run to run whatever the workflow ids are.
 */
export async function recordHistories(
  handles: readonly WorkflowHandle[],
  procedure: string,
  scenarioPrefix: string,
  options: RecordOptions = {},
): Promise<void> {
  const seen = new Map<string, number>();
  for (const handle of handles) {
    const { type } = await handle.describe();
    const n = (seen.get(type) ?? 0) + 1;
    seen.set(type, n);
    await recordHistory(handle, procedure, `${scenarioPrefix} ${type}${n > 1 ? ` ${n}` : ''}`, options);
  }
}

/** Every recorded history under `root`, as paths relative to it (`objection/two-rounds.json`), sorted. */
export function recordedHistoryFiles(root: string = REPLAY_ROOT): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

export function readRecordedHistory(file: string): RecordedHistory {
  const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const workflowType = started?.workflowType?.name;
  if (!workflowType) throw new Error(`${file} does not begin with a workflow start`);
  return { history, workflowType, workflowId: started.workflowId || undefined };
}

/** `<root>/<procedure>/<slug of scenario>.json` */
export function historyFile(procedure: string, scenario: string, root: string = REPLAY_ROOT): string {
  if (!/^[a-z][a-z0-9-]*$/.test(procedure)) throw new Error(`procedure "${procedure}" is not a folder name`);
  return path.join(root, procedure, `${scenarioSlug(scenario)}.json`);
}

/** Letters (any script) and digits, lower-cased, everything else one `-`; at most 100 characters. */
export function scenarioSlug(scenario: string): string {
  const words =
    scenario
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const slug = Array.from(words.join('-')).slice(0, 100).join('').replace(/-+$/, '');
  if (!slug) throw new Error(`scenario "${scenario}" has no letters or digits to name its file`);
  return slug;
}

// Two scenarios whose names slug alike would silently share one file.
const claimed = new Map<string, string>();
function claim(file: string, scenario: string): void {
  const holder = claimed.get(file);
  if (holder !== undefined && holder !== scenario) {
    throw new Error(
      `scenarios "${holder}" and "${scenario}" would share ${path.basename(file)}; name them apart`,
    );
  }
  claimed.set(file, scenario);
}

/**
 * The files are checked by `prettier --check .`, so they are written as Prettier writes them.
 * Prettier runs in its own process: its API loads ES modules, which Jest's sandbox refuses.
 */
function prettierFormatted(file: string, json: string): Promise<string> {
  const bin = path.join(path.dirname(require.resolve('prettier/package.json')), 'bin', 'prettier.cjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '--stdin-filepath', file], { stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(new Error(`prettier failed on ${file}: ${Buffer.concat(err).toString('utf8')}`)),
    );
    child.stdin.end(json);
  });
}

/**
 * The conversion of `historyToJSON`/`historyFromJSON` (@temporalio/common/lib/proto-utils), with
 * the protojson of the protobufjs copy that built the History type. Those functions take protojson
 * from @temporalio/common's own copy, and here each @temporalio package has its own (the root
 * protobufjs is 7.x, for @grpc/proto-loader), so they refuse the type: "type must be a Type".
 */
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History | null;
}
const protojson = (): ProtoJson =>
  createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson');
const HistoryType = temporal.api.history.v1.History;

function historyToJSON(history: History): string {
  return JSON.stringify(protojson().toJson(HistoryType, HistoryType.fromObject(history)));
}

function historyFromJSON(json: unknown): History {
  const history = protojson().fromJson(HistoryType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('not a history');
  return history;
}

/** Readers (a replay test in another Jest worker) never see a half-written file. */
async function writeAtomically(file: string, text: string, { overwrite }: { overwrite: boolean }) {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, text);
  try {
    if (overwrite) await rename(tmp, file);
    else
      await link(tmp, file).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
  } finally {
    await rm(tmp, { force: true });
  }
}
