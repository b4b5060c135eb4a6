import { openRestorationTask, recordStep, registry, type ObjectionCase } from './objection-case';
import type { OutcomeEffects, ProviderReply } from './state';
import { OUTCOME_NAMES_ZH } from './types';

/**
 * The provider's result applied to the record, its measures and the case: upheld → the dispute
 * mark and any hiding end, suspended measures are reinstated; corrected / revoked → the registry
 * changes the record (and tells the platform); revoked or a wrongful punishment → the measures
 * are lifted and a 恢复信誉 task is opened. What the registry refuses is put on file and handed
 * to the supervisor; `s.effects` records what was actually done, for the letter.
 */
export async function applyOutcome(c: ObjectionCase, reply: ProviderReply): Promise<void> {
  const { kit, s } = c;
  const why = `核查结论：${OUTCOME_NAMES_ZH[reply.outcome]}`;
  const effects: OutcomeEffects = {
    recordChanged: false,
    disputeResolved: false,
    liftedMeasureIds: [],
    reinstatedMeasureIds: [],
    failed: [],
  };
  const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    const done = await kit.effect(what, work);
    if (done === undefined) effects.failed.push(what);
    return done;
  };
  const applied: string[] = [];
  if (reply.outcome === 'upheld') {
    if (s.recordHidden && (await attempt('恢复公示', () => registry.unhideRecord(recordStep(c, why))))) {
      applied.push('恢复公示');
    }
    if (s.recordMarked) {
      effects.disputeResolved = !!(await attempt('撤销异议标注', () =>
        registry.resolveRecordDispute(recordStep(c, why)),
      ));
      if (effects.disputeResolved) applied.push('撤销异议标注，维持原记录');
    }
  } else if (reply.outcome === 'corrected') {
    effects.recordChanged = !!(await attempt('更正信用记录', () =>
      registry.correctRecord({ ...recordStep(c, why), changes: reply.correctedValues ?? {} }),
    ));
    if (effects.recordChanged) applied.push('信用记录已更正并推送共享平台');
  } else {
    effects.recordChanged = !!(await attempt('撤销信用记录', () =>
      registry.revokeRecord(recordStep(c, why)),
    ));
    if (effects.recordChanged) applied.push('信用记录已撤销并推送共享平台');
  }
  if (reply.outcome === 'revoked' || reply.wrongfulPunishment) {
    const lifted = await attempt('解除惩戒措施', () => registry.liftRecordMeasures(recordStep(c, why)));
    effects.liftedMeasureIds = lifted?.appliedMeasureIds ?? [];
    if (effects.liftedMeasureIds.length > 0)
      applied.push(`解除惩戒措施 ${effects.liftedMeasureIds.length} 项`);
  } else if (s.suspendedMeasureIds.length > 0) {
    const reinstated = await attempt('恢复执行惩戒措施', () =>
      registry.reinstateRecordMeasures(recordStep(c, why)),
    );
    effects.reinstatedMeasureIds = reinstated?.appliedMeasureIds ?? [];
    if (reinstated) applied.push(`恢复执行惩戒措施 ${effects.reinstatedMeasureIds.length} 项`);
  }
  s.effects = effects;
  kit.record('outcome-applied', 'system', applied.length > 0 ? applied.join('；') : '核查结果已登记', {
    outcome: reply.outcome,
    liftedMeasureIds: effects.liftedMeasureIds,
    ...(effects.failed.length > 0 ? { failed: effects.failed } : {}),
  });
  if (reply.wrongfulPunishment) await openRestoration(c, reply, effects.liftedMeasureIds);
  s.outcomeApplied = true;
  await kit.publish();
}

async function openRestoration(c: ObjectionCase, reply: ProviderReply, liftedMeasureIds: string[]) {
  const { kit, s } = c;
  const task = await openRestorationTask({
    caseId: s.caseId,
    caseNo: s.caseNo,
    recordId: s.recordId,
    subjectCode: s.applicant.subjectCode,
    subjectName: s.applicant.subjectName,
    department: s.providerDepartment,
    liftedMeasureIds,
    reason: `异议案件${s.caseNo}核查认定惩戒措施实施错误：${reply.opinion}`,
    actor: reply.actor,
  });
  s.restorationTaskId = task.taskId;
  kit.record('restoration-opened', 'system', `已为${s.providerDepartment}开立恢复信誉任务`, {
    taskId: task.taskId,
  });
}
