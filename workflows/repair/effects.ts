import { startChild, uuid4, workflowInfo } from '@temporalio/workflow';
import { supervisorOf } from '../case/notices';
import { nextDay } from '../case/periods';
import type { commitment } from '../commitment/commitment';
import { commitmentWorkflowId, type CommitmentStart } from '../commitment/types';
import { refuse } from './intake';
import { approvalLetter, revocationLetter } from './letters';
import { daysFromToday, recordStep, registry, repairs, tellApplicant, type RepairCase } from './repair-case';
import type { RepairEffects } from './types';

/**
 * 准予修复: every effect applied and recorded — publicity stopped and sharing stopped (the record's
 * repair pushes `record.repaired`), the joint punishment measures on the record lifted and their
 * executing departments told, the list entries resting on it exited, the fast track open again
 * (a repaired breach record no longer bars it) — then the 修复决定书 and the 信用修复承诺.
 */
export async function applyApproval(c: RepairCase): Promise<void> {
  const { kit, s } = c;
  const effects: RepairEffects = {
    liftedMeasureIds: [],
    toldDepartments: [],
    exitedListEntryIds: [],
    fastTrackRestored: false,
  };
  s.effects = effects;
  const repaired = await kit.effect('停止公示该失信信息', () =>
    registry.repairRecord(recordStep(c, '准予信用修复，停止公示和共享')),
  );
  effects.recordRepaired = repaired !== undefined;
  if (repaired) {
    kit.record('effect-applied', 'system', '失信信息已停止公示，已通知信用信息共享平台停止共享', {
      effect: 'record-repaired',
    });
    const lifted = await kit.effect('解除联合惩戒措施', () =>
      registry.liftRecordMeasures(recordStep(c, '信用修复，解除联合惩戒措施')),
    );
    effects.liftedMeasureIds = lifted?.appliedMeasureIds ?? [];
    if (effects.liftedMeasureIds.length > 0) {
      const measures = await repairs.describeAppliedMeasures({ appliedMeasureIds: effects.liftedMeasureIds });
      effects.toldDepartments = [...new Set(measures.map((m) => m.executingDepartment))];
      kit.record(
        'effect-applied',
        'system',
        `解除联合惩戒措施${measures.length}项：${measures.map((m) => `${m.measureName}（${m.executingDepartment}）`).join('、')}`,
        { effect: 'measures-lifted', appliedMeasureIds: effects.liftedMeasureIds },
      );
      for (const department of effects.toldDepartments) {
        const own = measures.filter((m) => m.executingDepartment === department).map((m) => m.measureName);
        await kit.tellStaff(`measures-lifted:${department}`, [supervisorOf(department)], {
          kind: 'repair.measures.lifted',
          title: `【解除惩戒措施】${s.subject.name}`,
          body:
            `${s.subject.name}（${s.subject.code}）的“${s.record.title}”已准予信用修复（${s.caseNo}），` +
            `请停止实施：${own.join('、')}，并反馈执行情况。`,
        });
      }
    }
    const exited = await kit.effect('退出相关名单', () =>
      registry.exitRecordListEntries(recordStep(c, '信用修复，退出基于该信息的名单')),
    );
    effects.exitedListEntryIds = exited?.exitedEntryIds ?? [];
    if (effects.exitedListEntryIds.length > 0) {
      kit.record('effect-applied', 'system', `已退出基于该信息的名单${effects.exitedListEntryIds.length}个`, {
        effect: 'lists-exited',
        entryIds: effects.exitedListEntryIds,
      });
    }
    effects.fastTrackRestored = s.record.kind === 'commitment-breach';
    if (effects.fastTrackRestored) {
      kit.record('effect-applied', 'system', '违约记录已修复，恢复适用容缺受理、告知承诺等便利措施', {
        effect: 'fast-track-restored',
      });
    }
  }
  await startRepairCommitment(c);
  // The letter is the last thing the approval writes: the decision's answer, and a revocation's
  // validator, wait for it.
  s.decisionLetter = approvalLetter(s);
  kit.record('decision-issued', 'system', '已出具信用修复决定书');
  await tellApplicant(c, 'approved', {
    kind: 'repair.approved',
    title: `【信用修复决定书】${s.caseNo}`,
    body: s.decisionLetter,
  });
}

/** The 信用修复承诺 the application's letter promised, tracked as a commitment of its own. */
async function startRepairCommitment(c: RepairCase): Promise<void> {
  const { kit, s, rules, start } = c;
  const caseId = uuid4();
  const input: CommitmentStart = {
    caseId,
    caseNo: `${s.caseNo}-CN`,
    jurisdiction: s.jurisdiction,
    policy: start.policy,
    kind: 'repair',
    department: s.record.department,
    subject: s.subject,
    signer: { name: s.applicant.name, capacity: '信用修复申请人', contact: s.applicant.contact },
    matter: `信用修复：${s.record.title}（${s.record.documentNo}）`,
    validity: rules.commitmentValidity,
    signedBy: s.decision?.by ?? s.receivedBy,
    signedAt: new Date().toISOString(),
    repairWorkflowId: workflowInfo().workflowId,
  };
  const child = await kit.effect('启动信用修复承诺跟踪', () =>
    startChild<typeof commitment>('commitment', {
      workflowId: commitmentWorkflowId(caseId),
      args: [input],
      parentClosePolicy: 'ABANDON',
    }),
  );
  if (!child) return;
  s.commitment = { caseId, caseNo: input.caseNo, workflowId: child.workflowId };
  kit.record(
    'commitment-started',
    'system',
    `信用修复承诺（${input.caseNo}）开始跟踪，期限${rules.commitmentValidity.value}${rules.commitmentValidity.unit === 'years' ? '年' : '个月'}`,
    {
      commitmentCaseId: caseId,
    },
  );
}

/** 不予修复 by the identifying department: its reasons, and when a new application may be made. */
export async function applyRefusal(c: RepairCase): Promise<void> {
  const { s, rules } = c;
  await refuse(c, [s.decision!.reasons], nextDay(daysFromToday(rules.reapplyAfterRefusal)));
}

/**
 * 撤销修复: the record is published again, the lifted measures applied again, the exited list
 * entries restored, and the subject barred from repair for the policy's period.
 */
export async function applyRevocation(c: RepairCase): Promise<void> {
  const { kit, s } = c;
  const why =
    s.revocation!.cause === 'false-materials'
      ? '申请材料虚假，撤销信用修复'
      : '违背信用修复承诺，撤销信用修复';
  const restored = await kit.effect('恢复公示该失信信息', () => registry.unrepairRecord(recordStep(c, why)));
  if (restored)
    kit.record('effect-applied', 'system', '失信信息已恢复公示和共享', { effect: 'record-restored' });
  const lifted = s.effects?.liftedMeasureIds ?? [];
  if (restored && lifted.length > 0) {
    const again = await kit.effect('恢复实施联合惩戒措施', () =>
      registry.reapplyRecordMeasures({ ...recordStep(c, why), appliedMeasureIds: lifted }),
    );
    if (again) {
      kit.record('effect-applied', 'system', `恢复实施联合惩戒措施${again.appliedMeasureIds.length}项`, {
        effect: 'measures-reapplied',
        appliedMeasureIds: again.appliedMeasureIds,
      });
    }
  }
  const exited = s.effects?.exitedListEntryIds ?? [];
  if (restored && exited.length > 0) {
    const back = await kit.effect('恢复相关名单', () =>
      registry.restoreListEntries({ ...recordStep(c, why), entryIds: exited }),
    );
    if (back) {
      kit.record('effect-applied', 'system', `已恢复名单${back.entryIds.length}个`, {
        effect: 'lists-restored',
        entryIds: back.entryIds,
      });
    }
  }
  s.decisionLetter = revocationLetter(s);
  s.closedAt = new Date().toISOString();
  kit.touch();
  await tellApplicant(c, 'revoked', {
    kind: 'repair.revoked',
    title: `【撤销信用修复决定书】${s.caseNo}`,
    body: s.decisionLetter,
  });
  for (const department of s.effects?.toldDepartments ?? []) {
    await kit.tellStaff(`measures-reapplied:${department}`, [supervisorOf(department)], {
      kind: 'repair.revoked.staff',
      title: `【恢复惩戒措施】${s.subject.name}`,
      body: `${s.subject.name}的信用修复（${s.caseNo}）已撤销，请恢复实施原联合惩戒措施。`,
    });
  }
}
