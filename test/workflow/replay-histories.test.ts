import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import * as workflows from '../../workflows';
import { createTimeSkippingEnv } from '../dev-server/support';
import {
  historyFile,
  readRecordedHistory,
  recordedHistoryFiles,
  recordHistory,
  REPLAY_ROOT,
} from '../support/replay';

/** Procedures whose running cases CI protects; each must keep at least one recorded history. */
const PROCEDURES_WITH_HISTORIES = [
  'objection',
  'commitment',
  'repair',
  'rectification',
  'supervision',
  'maintenance',
];

const recorded = recordedHistoryFiles();

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => console.error(m),
};

function bundleOnce(workflowsPath: string): () => Promise<WorkflowBundleWithSourceMap> {
  let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
  return () => (bundle ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger }));
}

const productionBundle = bundleOnce(require.resolve('../../workflows'));

describe('recorded histories replay on the current workflow code (see docs/workflow-versioning.md)', () => {
  it.each(PROCEDURES_WITH_HISTORIES)(
    'keeps at least one recorded history of the %s procedure',
    (procedure) => {
      if (!recorded.some((f) => f.startsWith(`${procedure}/`))) {
        throw new Error(
          `test/replay/${procedure}/ holds no history: the ${procedure} workflow tests record theirs ` +
            'with recordHistory (test/support/replay.ts); nothing would stop a change that breaks running cases',
        );
      }
    },
  );

  if (recorded.length > 0) {
    it.each(recorded)('%s replays without a determinism violation', async (file) => {
      const { history, workflowType, workflowId } = readRecordedHistory(path.join(REPLAY_ROOT, file));
      if (!(workflowType in workflows)) {
        throw new Error(
          `${file}: workflows/index.ts no longer exports ${workflowType}; running cases of that type would stop`,
        );
      }
      await Worker.runReplayHistory({ workflowBundle: await productionBundle() }, history, workflowId);
    });
  }
});

describe('the replay check itself, on a fixture procedure in three versions', () => {
  const fixtureBundle = bundleOnce(require.resolve('./replay-fixtures/workflows'));
  let env: TestWorkflowEnvironment;
  let root: string;
  let worker: Worker;
  let running: Promise<void>;
  let taskQueue: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    env = await createTimeSkippingEnv();
    taskQueue = `replay-${randomUUID()}`;
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await fixtureBundle(),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    rmSync(root, { recursive: true, force: true });
  });

  const runV1 = async () => {
    const handle = await env.client.workflow.start('reviewThenReply', {
      taskQueue,
      workflowId: `review-${randomUUID()}`,
    });
    expect(await handle.result()).toBe('replied');
    return handle;
  };

  /** The recorded v1 history as the code of its type would meet it after the type changed to `version`. */
  const v1HistoryMetBy = (file: string, version: string) => {
    const recording = readRecordedHistory(file);
    recording.history.events![0].workflowExecutionStartedEventAttributes!.workflowType!.name = version;
    return recording;
  };
  const replay = async (file: string, version: string) => {
    const { history, workflowId } = v1HistoryMetBy(file, version);
    await Worker.runReplayHistory({ workflowBundle: await fixtureBundle() }, history, workflowId);
  };

  let v1File: string;
  beforeAll(async () => {
    const handle = await runV1();
    await recordHistory(handle, 'review', 'v1: waits out the review, then replies', { root });
    v1File = historyFile('review', 'v1: waits out the review, then replies', root);
    expect(readRecordedHistory(v1File)).toMatchObject({
      workflowType: 'reviewThenReply',
      workflowId: handle.workflowId,
    });
  });

  it('replays a recorded history on the code that made it', async () => {
    await expect(replay(v1File, 'reviewThenReply')).resolves.toBeUndefined();
  });

  it('fails with a DeterminismViolationError when a new first step would break running cases', async () => {
    await expect(replay(v1File, 'reviewThenReplyWithNotice')).rejects.toThrow(DeterminismViolationError);
  });

  it('replays once the new step is behind patched()', async () => {
    await expect(replay(v1File, 'reviewThenReplyWithPatchedNotice')).resolves.toBeUndefined();
  });

  it('records a new scenario once and rewrites it only under REPLAY_RECORD=1', async () => {
    const scenario = 'recorded once';
    const file = historyFile('review', scenario, root);
    const first = await runV1();
    const second = await runV1();
    await withReplayRecord(undefined, async () => {
      await recordHistory(first, 'review', scenario, { root });
      await recordHistory(second, 'review', scenario, { root });
    });
    expect(readRecordedHistory(file).workflowId).toBe(first.workflowId);

    await withReplayRecord('1', () => recordHistory(second, 'review', scenario, { root }));
    expect(readRecordedHistory(file).workflowId).toBe(second.workflowId);
    expect(readFileSync(file, 'utf8')).toMatch(/^{\n {2}"events": \[\n/);
  });
});

/** Runs `fn` with REPLAY_RECORD set as given (`npm run replay:record` sets it for the whole run). */
async function withReplayRecord(value: string | undefined, fn: () => Promise<void>): Promise<void> {
  const before = process.env.REPLAY_RECORD;
  const set = (v: string | undefined) => {
    if (v === undefined) delete process.env.REPLAY_RECORD;
    else process.env.REPLAY_RECORD = v;
  };
  set(value);
  try {
    await fn();
  } finally {
    set(before);
  }
}
