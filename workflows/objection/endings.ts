import type { WithdrawInput } from './messages';
import { undoRecordTreatment } from './intake';
import { tellApplicant, type ObjectionCase } from './objection-case';
import { chineseDate, supervisorOf } from '../case/notices';

export type EndWithoutResult =
  { kind: 'withdrawn' } | { kind: 'lapsed' } | { kind: 'aborted'; reason: string };

/**
 * A case that ends without a result — withdrawn by the applicant, lapsed for want of 补正, or
 * aborted because its verification failed: the record returns to what it was before the
 * objection, the case file says why, the applicant is told (and for an abort, the supervisor).
 */
export async function endWithoutResult(c: ObjectionCase, end: EndWithoutResult): Promise<void> {
  const { kit, s } = c;
  const withdrawal = kit.requested<WithdrawInput>('withdraw');
  const how = withdrawal ? 'withdrawn' : end.kind;
  const lapsesAt = s.pendingMaterials?.lapsesAt ?? '';
  kit.transition(how === 'withdrawn' ? 'withdraw' : how === 'lapsed' ? 'lapse' : 'abort');
  s.closedAt = new Date().toISOString();
  s.endReason =
    how === 'withdrawn'
      ? withdrawal!.reason.trim()
      : how === 'lapsed'
        ? `申请人未在${chineseDate(lapsesAt)}前补正材料，异议申请终止办理`
        : `核查流程异常终止：${end.kind === 'aborted' ? end.reason : ''}`;
  delete s.step;
  delete s.pendingMaterials;
  const open = s.clockStops[s.clockStops.length - 1];
  if (open && !open.to) open.to = s.closedAt;
  kit.touch();
  await undoRecordTreatment(
    c,
    how === 'withdrawn'
      ? '申请人撤回异议'
      : how === 'lapsed'
        ? '逾期未补正，异议终止'
        : '异议核查流程异常终止',
  );
  if (how === 'withdrawn') {
    kit.record('withdrawn', withdrawal!.actor, `申请人撤回异议申请：${s.endReason}`);
    kit.settle('withdraw');
  } else {
    kit.record(
      how,
      'system',
      how === 'aborted' ? `${s.endReason}；信用记录已恢复原状，已提请负责人处理` : s.endReason,
    );
  }
  await kit.publish();
  await tellApplicant(c, how, letterOf(c, how, lapsesAt));
  if (how === 'aborted') {
    await kit.tellStaff('aborted', [supervisorOf(s.officeDepartment)], {
      kind: 'objection.aborted',
      title: `【需人工处理】异议案件${s.caseNo}`,
      body: `异议案件${s.caseNo}的核查流程异常终止（${s.endReason}），信用记录已恢复原状。请核实后重新受理或人工办理。`,
    });
  }
}

function letterOf(c: ObjectionCase, how: 'withdrawn' | 'lapsed' | 'aborted', lapsesAt: string) {
  const { s } = c;
  switch (how) {
    case 'withdrawn':
      return {
        kind: 'objection.withdrawn',
        title: `【撤回确认】异议申请${s.caseNo}`,
        body: `您已撤回异议申请（${s.caseNo}），本机关终止办理。撤回理由：${s.endReason}。`,
      };
    case 'lapsed':
      return {
        kind: 'objection.lapsed',
        title: `【终止告知】异议申请${s.caseNo}`,
        body:
          `您的异议申请（${s.caseNo}）未在${chineseDate(lapsesAt)}前补正材料，依规终止办理。` +
          '如有新的证据，可重新提出异议申请。',
      };
    case 'aborted':
      return {
        kind: 'objection.aborted',
        title: `【办理告知】异议申请${s.caseNo}`,
        body: `您的异议申请（${s.caseNo}）因核查流程出现异常未能办结，本机关将核实后与您联系，您也可重新提出异议申请。`,
      };
  }
}
