import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DevServerHandle, start } from '../../infra/temporal-dev-server';
import * as activities from './activities';
import { status } from './workflows';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A query that arrives while a workflow task runs waits for that task; it must be answered even
 * when the task's completion is followed at once by another workflow task (here: the external
 * signal the task sent, delivered just after it) and both reach the worker before the worker has
 * heard back about its completion. Seen in the objection workflow tests under load (B4, 宁晋): the
 * query task carried a started event id, so the worker took it for a real workflow task, buffered
 * it in its one slot for those, the next task replaced it there, and the query was never answered.
 */
describe('a query that arrives during a workflow task', () => {
  let server: DevServerHandle;
  let connection: Connection;
  let client: Client;
  let nativeConnection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = 'query-during-task';

  beforeAll(async () => {
    server = await start({ port: 0 });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    nativeConnection = await NativeConnection.connect({ address: server.address });
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities,
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await nativeConnection?.close();
    await connection?.close();
    await server?.stop();
  });

  it.each([
    ['answered at once', 0],
    ['answered after the next task went out', 300],
  ])(
    'is answered when that task is followed at once by another (completion %s)',
    async (_, answerDelayMs) => {
      const id = `qdt-${answerDelayMs}`;
      const target = await client.workflow.start('waitsForSignal', { taskQueue, workflowId: `${id}-target` });
      const handle = await client.workflow.start('signalsOtherOnGo', {
        taskQueue,
        workflowId: id,
        args: [`${id}-target`],
      });
      expect(await handle.query(status)).toBe('waiting'); // cached on the worker: sticky from here on
      const run = server.engine.findRun('default', { workflowId: id });

      // The task that handles `go`: its completion is applied only once a query waits for it, and
      // the worker hears back only after the next task (the signal's delivery) went out to it.
      const tasks = server.engine.workflowTasks;
      const respondCompleted = tasks.respondCompleted.bind(tasks);
      let queried: Promise<string> | undefined;
      tasks.respondCompleted = ((req: Parameters<typeof respondCompleted>[0]) => {
        const token = JSON.parse(Buffer.from(req.taskToken).toString('utf8')) as { rid: string };
        if (queried || token.rid !== run.runId) return respondCompleted(req);
        queried = handle.query(status);
        return (async () => {
          while (run.queries.size === 0) await sleep(5);
          const response = respondCompleted(req);
          const deadline = Date.now() + answerDelayMs;
          while (Date.now() < deadline) await sleep(5);
          return response;
        })();
      }) as typeof tasks.respondCompleted;

      try {
        await handle.signal('go');
        while (!queried) await sleep(5);
        const answer = await Promise.race([queried, sleep(10_000).then(() => 'no answer in 10 s')]);
        expect(answer).toBe('gone');
        expect(await target.result()).toBe('go');
      } finally {
        tasks.respondCompleted = respondCompleted;
      }
    },
  );
});
