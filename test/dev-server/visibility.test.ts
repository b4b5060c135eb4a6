import { status as grpcStatus } from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLocalEnv, startTestWorker } from './support';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const TASK_QUEUE = 'visibility';

describe('visibility and continue-as-new through the official SDK', () => {
  let env: TestWorkflowEnvironment;
  let worker: { stop(): Promise<void> };

  beforeAll(async () => {
    env = await createLocalEnv();
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: {
        CaseStatus: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        Overdue: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
        Department: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      },
    });
    worker = await startTestWorker(env, TASK_QUEUE);
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
  });

  const listIds = async (query: string) => {
    const ids: string[] = [];
    for await (const info of env.client.workflow.list({ query })) ids.push(info.workflowId);
    return ids.sort();
  };

  it('registers custom search attributes and lists them beside the system ones', async () => {
    const listed = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(listed.customAttributes).toMatchObject({
      CaseStatus: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    });
    expect(Object.keys(listed.systemAttributes ?? {})).toEqual(
      expect.arrayContaining(['WorkflowId', 'ExecutionStatus', 'StartTime']),
    );
  });

  it('filters, orders, pages and counts executions with the query language', async () => {
    const start = (id: string, status: string, department: string) =>
      env.client.workflow.start('taggedCase', {
        taskQueue: TASK_QUEUE,
        workflowId: id,
        args: [status],
        searchAttributes: { Department: [department] },
      });
    const a = await start('vis-a', 'forwarded', '社会组织管理科');
    const b = await start('vis-b', 'received', '社会组织管理科');
    await start('vis-c', 'forwarded', '养老服务科');
    // Wait for the workflows to record their status.
    for (;;) {
      if ((await listIds(`CaseStatus = 'forwarded'`)).length === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await listIds(`CaseStatus = 'forwarded' AND Department = '社会组织管理科'`)).toEqual(['vis-a']);
    expect(await listIds(`CaseStatus IN ('received', 'forwarded') AND WorkflowType = 'taggedCase'`)).toEqual([
      'vis-a',
      'vis-b',
      'vis-c',
    ]);
    expect(
      await listIds(
        `WorkflowId STARTS_WITH 'vis-' AND (Department = '养老服务科' OR CaseStatus = 'received')`,
      ),
    ).toEqual(['vis-b', 'vis-c']);
    expect(await listIds(`CaseStatus = 'forwarded' AND CloseTime IS NULL`)).toEqual(['vis-a', 'vis-c']);
    const now = new Date().toISOString();
    expect(
      await listIds(
        `StartTime BETWEEN '2020-01-01T00:00:00Z' AND '${now}' AND WorkflowId STARTS_WITH 'vis-'`,
      ),
    ).toHaveLength(3);

    await a.signal('approve', 'x');
    await a.result();
    await b.signal('approve', 'y');
    await b.result();
    expect(await listIds(`ExecutionStatus = 'Completed' AND WorkflowId STARTS_WITH 'vis-'`)).toEqual([
      'vis-a',
      'vis-b',
    ]);

    const ordered = await env.client.workflowService.listWorkflowExecutions({
      namespace: 'default',
      query: `WorkflowId STARTS_WITH 'vis-' ORDER BY WorkflowId ASC`,
      pageSize: 2,
    });
    expect(ordered.executions!.map((e) => e.execution!.workflowId)).toEqual(['vis-a', 'vis-b']);
    const next = await env.client.workflowService.listWorkflowExecutions({
      namespace: 'default',
      query: `WorkflowId STARTS_WITH 'vis-' ORDER BY WorkflowId ASC`,
      pageSize: 2,
      nextPageToken: ordered.nextPageToken,
    });
    expect(next.executions!.map((e) => e.execution!.workflowId)).toEqual(['vis-c']);

    const counted = await env.client.workflow.count(`WorkflowId STARTS_WITH 'vis-' GROUP BY ExecutionStatus`);
    expect(counted.count).toBe(3);
    // The SDK's untyped search-attribute converter wraps each value in an array.
    expect(counted.groups.map((g) => [g.groupValues[0], g.count]).sort()).toEqual([
      [['Completed'], 2],
      [['Running'], 1],
    ]);
  });

  it('answers INVALID_ARGUMENT with the reason for a bad query or an unregistered attribute', async () => {
    await expect(
      env.client.workflowService.listWorkflowExecutions({ namespace: 'default', query: `CaseStatus = ` }),
    ).rejects.toMatchObject({
      code: grpcStatus.INVALID_ARGUMENT,
      details: expect.stringContaining('expected a value'),
    });
    await expect(
      env.client.workflowService.countWorkflowExecutions({
        namespace: 'default',
        query: `NoSuchAttribute = 'x'`,
      }),
    ).rejects.toMatchObject({
      code: grpcStatus.INVALID_ARGUMENT,
      details: expect.stringContaining('NoSuchAttribute'),
    });
    const refused = await env.client.workflow
      .start('taggedCase', {
        taskQueue: TASK_QUEUE,
        workflowId: 'vis-bad',
        args: ['x'],
        searchAttributes: { Unregistered: ['x'] },
      })
      .catch((e: unknown) => e);
    expect((refused as { cause?: { code?: number; details?: string } }).cause).toMatchObject({
      code: grpcStatus.INVALID_ARGUMENT,
      details: expect.stringContaining('Unregistered'),
    });
  });

  it('follows a continue-as-new chain to the final result', async () => {
    const handle = await env.client.workflow.start('loops', {
      taskQueue: TASK_QUEUE,
      workflowId: 'loops',
      args: [3],
    });
    expect(await handle.result()).toBe(3);
    const runs = await listIds(`WorkflowId = 'loops'`);
    expect(runs).toEqual(['loops', 'loops', 'loops', 'loops']);
    expect(
      await env.client.workflow.count(`WorkflowId = 'loops' AND ExecutionStatus = 'ContinuedAsNew'`),
    ).toMatchObject({
      count: 3,
    });
  });
});
