import type { Client } from '@temporalio/client';
import { CASE_PROCEDURES } from '../../activities';
import { rebuildCaseIndex } from '../../apps/case-index/rebuild-case-index';
import { TEMPORAL_CLIENT } from '../../apps/api/core/runtime';
import { shanghaiDate } from '../../workflows/calendar/working-days';
import { usccCheckCharacter } from '../../workflows/registry/identifiers';
import { commitmentActors, DEPARTMENT as COMMITMENT_DEPARTMENT } from './commitments-support';
import { actors, eventually, OFFICE, startObjectionStack, type ObjectionStack } from './objections-support';

/**
 * End to end: cases of two procedures started through the API reach the supervision board
 * through the case kit's publication, and the index, deleted or corrupted, is rebuilt from the
 * workflows (`npm run index:rebuild`) to what it was.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const uscc = (first17: string) => first17 + usccCheckCharacter(first17);

describe('supervision board end to end', () => {
  let stack: ObjectionStack;
  let client: Client;
  beforeAll(async () => {
    stack = await startObjectionStack();
    client = stack.api.app.get<Client>(TEMPORAL_CLIENT);
  });
  afterAll(() => stack.close());

  /** The index rows as stored, without the time of writing. */
  const indexRows = async () =>
    (await stack.api.dataSource.query(`SELECT * FROM case_index ORDER BY procedure, case_id`)).map(
      ({ updated_at: _, ...row }: Json) => row,
    );

  /** The index row of each case has the revision its workflow is at (nothing left to publish). */
  const settled = async (cases: { procedure: string; id: string; workflowId: string }[]) => {
    for (const c of cases) {
      const procedure = CASE_PROCEDURES.find((p) => p.procedure === c.procedure)!;
      await eventually(
        async () => {
          const state = (await client.workflow.getHandle(c.workflowId).query(procedure.stateQuery)) as Json;
          const [row] = await stack.api.dataSource.query(
            `SELECT revision FROM case_index WHERE procedure = $1 AND case_id = $2`,
            [c.procedure, c.id],
          );
          return { state: state.revision as number, row: row?.revision as number | undefined };
        },
        (r) => r.state === r.row,
      );
    }
  };

  it('an objection and a commitment started through the API appear on the board, and the index is rebuilt from the workflows', async () => {
    const a = actors(stack);
    const cm = commitmentActors(stack);
    const objection = await a.createCase();
    await a.forward(objection.id);
    // A subject of its own: the two helpers' subject codes follow the same pattern.
    const subjectCode = uscc(`52410422MK${String(process.pid % 100).padStart(2, '0')}00001`);
    await stack
      .http()
      .post('/api/subjects')
      .set(cm.caseworker())
      .send({
        kind: 'other-organisation',
        code: subjectCode,
        name: '叶县督查测试养老院',
        jurisdiction: 'yexian-mz',
      })
      .expect(201);
    const { case: commitment } = await cm.create('deferred-materials', { subjectCode });
    await cm.planned(commitment.id);

    const board = await eventually(
      () =>
        stack
          .http()
          .get('/api/supervision/cases')
          .query({ procedure: 'objection,commitment' })
          .set(a.supervisor())
          .expect(200)
          .then((r) => r.body as Json),
      (b) =>
        b.items.some((c: Json) => c.caseId === objection.id && c.currentStep === 'verify') &&
        b.items.some((c: Json) => c.caseId === commitment.id && c.stepDueAt !== null),
    );
    const objectionOnBoard = board.items.find((c: Json) => c.caseId === objection.id);
    expect(objectionOnBoard).toMatchObject({
      procedure: 'objection',
      procedureName: '异议处理',
      status: 'forwarded',
      statusName: '核查中',
      officeDepartment: OFFICE,
      currentStepName: '信息提供单位核查答复',
      overdue: false,
      workingDaysOver: null,
      closedAt: null,
      metLimit: null,
    });
    // 叶县's policy sets no limit of its own for forwarding: no closed step yet.
    expect(objectionOnBoard.closedSteps).toEqual([]);
    expect(board.items.find((c: Json) => c.caseId === commitment.id)).toMatchObject({
      procedure: 'commitment',
      status: 'in-force',
      officeDepartment: COMMITMENT_DEPARTMENT,
      currentStepName: expect.stringMatching(/^补交材料：/),
    });
    const counts = await stack.http().get('/api/supervision/counts').set(a.supervisor()).expect(200);
    expect(counts.body.counts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          procedure: 'objection',
          department: OFFICE,
          status: 'forwarded',
          count: 1,
        }),
        expect.objectContaining({
          procedure: 'commitment',
          department: COMMITMENT_DEPARTMENT,
          status: 'in-force',
          count: 1,
        }),
      ]),
    );

    // The provider verifies, the office replies: the case closes within its limits, and the
    // office's on-time figure for the period counts it.
    // The period around today (Beijing dates), so that a run across midnight counts the same.
    const day = (n: number) => shanghaiDate(new Date(Date.now() + n * 86_400_000).toISOString());
    const figures = () =>
      stack
        .http()
        .get('/api/supervision/departments')
        .query({ from: day(-1), to: day(1), procedure: 'objection' })
        .set(a.supervisor())
        .expect(200)
        .then((r) => r.body as Json);
    expect((await figures()).departments).toEqual([]);
    await stack
      .http()
      .post(`/api/objections/${objection.id}/verification`)
      .set(a.provider())
      .send({ outcome: 'upheld', opinion: '经核实，信息无误' })
      .expect(200);
    await a.readyForReply(objection.id);
    await stack.http().post(`/api/objections/${objection.id}/reply`).set(a.caseworker()).send({}).expect(200);
    const closed = await eventually(
      () =>
        stack
          .http()
          .get('/api/supervision/cases')
          .query({ procedure: 'objection', status: 'closed' })
          .set(a.supervisor())
          .expect(200)
          .then((r) => r.body as Json),
      (b) => b.items.some((c: Json) => c.caseId === objection.id),
    );
    expect(closed.items[0]).toMatchObject({
      caseId: objection.id,
      statusName: '已办结',
      currentStep: null,
      metLimit: true,
      closedSteps: [
        expect.objectContaining({
          step: 'verify',
          name: '信息提供单位核查答复',
          metLimit: true,
          escalates: true,
        }),
      ],
    });
    expect((await figures()).departments).toEqual(
      expect.arrayContaining([
        {
          department: OFFICE,
          closed: 1,
          closedOnTime: 1,
          onTimeRate: 1,
          medianWorkingDays: 0,
          p90WorkingDays: 0,
        },
      ]),
    );

    await settled([
      { procedure: 'objection', id: objection.id, workflowId: `objection-${objection.id}` },
      { procedure: 'commitment', id: commitment.id, workflowId: `commitment-${commitment.id}` },
    ]);
    const before = await indexRows();
    expect(before).toHaveLength(2);

    // A lost row and a corrupted one (same revision, wrong content).
    await stack.api.dataSource.query(`DELETE FROM case_index WHERE case_id = $1`, [objection.id]);
    await stack.api.dataSource.query(
      `UPDATE case_index SET status = 'kept', status_name = '已履约', departments = '{}', closed_steps = '[]',
         step_due_at = NULL, met_limit = true WHERE case_id = $1`,
      [commitment.id],
    );
    expect(await indexRows()).not.toEqual(before);

    const report = await rebuildCaseIndex({
      client,
      dataSource: stack.api.dataSource,
      procedures: CASE_PROCEDURES,
    });
    expect(report.map((r) => [r.procedure, r.workflows, r.written, r.newer, r.failed])).toEqual([
      ['objection', 1, 1, 0, []],
      ['commitment', 1, 1, 0, []],
      ['repair', 0, 0, 0, []],
      ['rectification', 0, 0, 0, []],
    ]);
    expect(await indexRows()).toEqual(before);

    // A row that is newer than the workflow's state (published meanwhile) is left alone.
    await stack.api.dataSource.query(`UPDATE case_index SET revision = revision + 100 WHERE case_id = $1`, [
      objection.id,
    ]);
    const again = await rebuildCaseIndex({
      client,
      dataSource: stack.api.dataSource,
      procedures: CASE_PROCEDURES,
      only: ['objection'],
    });
    expect(again).toEqual([{ procedure: 'objection', workflows: 1, written: 0, newer: 1, failed: [] }]);
  });
});
