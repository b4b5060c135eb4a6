import { getExternalWorkflowHandle } from '@temporalio/workflow';
import { chineseDate, supervisorOf } from '../case/notices';
import { repairCommitmentEndedSignal } from '../repair/messages';
import { todayInBeijing as today } from '../case/periods';
import { caseRef, commitments, dayAfter, tellSigner, type CommitmentCase } from './commitment-case';
import type { Verdict } from './tracking';
import { COMMITMENT_KIND_NAMES_ZH } from './types';

/**
 * 违约: the breach is entered into the credit record (违约信息录入公共信用信息系统), published
 * where the policy says so and pushed to the shared platform (one record per case, also under
 * retries and worker restarts: its document number is the case's), measures of the published list
 * applied, the fast track barred, and the signer and the supervisor told.
 */
export async function recordBreach(
  c: CommitmentCase,
  v: Extract<Verdict, { kind: 'breach' }>,
): Promise<void> {
  const { kit, s, rules } = c;
  kit.transition('breach');
  const at = new Date().toISOString();
  const barredUntil = await dayAfter(rules.fastTrackBar);
  s.breach = { at, cause: v.cause, summary: v.summary, appliedMeasureIds: [], barredUntil };
  kit.record('breached', 'system', `认定违约：${v.summary}`, { cause: v.cause, barredUntil });

  const decided = today();
  const publicityEnd = rules.breachPublicity ? await dayAfter(rules.breachPublicity) : undefined;
  const record = await kit.effect('录入违约信息', () =>
    commitments.registerCommitmentRecord({
      caseRef: caseRef(c),
      kind: 'commitment-breach',
      subjectCode: s.subject.code,
      department: s.department,
      documentNo: `${s.caseNo}-违约`,
      decisionDate: decided,
      title: `违背信用承诺：${s.matter}`,
      content: `${s.subject.name}签署的${COMMITMENT_KIND_NAMES_ZH[s.kind]}（${s.caseNo}）违约：${v.summary}。`,
      ...(publicityEnd ? { publicityStart: decided, publicityMaxEnd: publicityEnd } : {}),
      actor: 'system',
    }),
  );
  if (record) {
    s.breach.recordId = record.recordId;
    kit.record(
      'record-registered',
      'system',
      `违约信息已录入公共信用信息系统${publicityEnd ? `，公示至${publicityEnd}` : ''}，并推送至信用信息共享平台`,
      { recordId: record.recordId, created: record.created },
    );
  }

  const codes = [...new Set([...rules.breachMeasures, ...v.measureCodes])];
  if (codes.length > 0) {
    const applied = await kit.effect('实施失信约束措施', () =>
      commitments.applyCommitmentMeasures({
        caseRef: caseRef(c),
        subjectCode: s.subject.code,
        measureCodes: codes,
        matter: s.matter,
        executingDepartment: s.department,
        actor: 'system',
      }),
    );
    if (applied) {
      s.breach.appliedMeasureIds = applied.appliedMeasureIds;
      const refused = applied.refused.map((r) => `${r.measureCode}（${r.message}）`).join('；');
      kit.record(
        'measure-applied',
        'system',
        `实施失信约束措施${applied.appliedMeasureIds.length}项${refused ? `；未实施：${refused}` : ''}`,
        { appliedMeasureIds: applied.appliedMeasureIds, refused: applied.refused },
      );
    }
  }

  const kind = COMMITMENT_KIND_NAMES_ZH[s.kind];
  await tellSigner(c, 'breached', {
    kind: 'commitment.breached',
    title: `【违约告知书】${s.caseNo}`,
    body:
      `您就“${s.matter}”签署的${kind}（编号${s.caseNo}）经认定违约：${v.summary}。` +
      `依据承诺约定，违约信息已录入公共信用信息系统；` +
      `${chineseDate(`${barredUntil}T12:00:00+08:00`)}前（或违约记录完成信用修复前），您不能再适用容缺受理、告知承诺等便利措施。` +
      `如对认定有异议，可向${s.officeName}提出异议申请。`,
  });
  await kit.tellStaff(`breached`, [supervisorOf(s.department)], {
    kind: 'commitment.breached.staff',
    title: `【承诺违约】${s.caseNo}`,
    body: `${s.subject.name}的${kind}（${s.caseNo}，${s.matter}）已认定违约：${v.summary}。`,
  });
  s.closedAt = new Date().toISOString();
  kit.touch();
  await tellRepairCase(c, 'breached', v.summary);
}

/** A 信用修复承诺 tells its repair case how it ended (a breach revokes the repair). */
async function tellRepairCase(
  c: CommitmentCase,
  outcome: 'kept' | 'breached',
  summary: string,
): Promise<void> {
  const { kit, s } = c;
  if (!s.repairWorkflowId) return;
  const id = s.repairWorkflowId;
  await kit.effect('告知信用修复案件', () =>
    getExternalWorkflowHandle(id).signal(repairCommitmentEndedSignal, {
      commitmentCaseId: s.caseId,
      outcome,
      summary,
    }),
  );
}

/** 履约: the commitment is kept, recorded as a positive entry, and the signer is told. */
export async function recordKept(c: CommitmentCase, v: Extract<Verdict, { kind: 'kept' }>): Promise<void> {
  const { kit, s } = c;
  kit.transition('keep');
  kit.record('kept', 'system', `确认履约：${v.summary}`);
  const record = await kit.effect('登记履约信息', () =>
    commitments.registerCommitmentRecord({
      caseRef: caseRef(c),
      kind: 'commitment-kept',
      subjectCode: s.subject.code,
      department: s.department,
      documentNo: `${s.caseNo}-履约`,
      decisionDate: today(),
      title: `履行信用承诺：${s.matter}`,
      content: `${s.subject.name}签署的${COMMITMENT_KIND_NAMES_ZH[s.kind]}（${s.caseNo}）已履约：${v.summary}。`,
      actor: 'system',
    }),
  );
  if (record) {
    s.keptRecordId = record.recordId;
    kit.record('record-registered', 'system', '履约信息已记入该主体的信用记录', {
      recordId: record.recordId,
      created: record.created,
    });
  }
  await tellSigner(c, 'kept', {
    kind: 'commitment.kept',
    title: `【履约确认】${s.caseNo}`,
    body: `您就“${s.matter}”签署的${COMMITMENT_KIND_NAMES_ZH[s.kind]}（编号${s.caseNo}）已确认履约：${v.summary}。履约情况已记入您的信用记录。`,
  });
  s.closedAt = new Date().toISOString();
  kit.touch();
  await tellRepairCase(c, 'kept', v.summary);
}
