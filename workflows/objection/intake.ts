import { chineseDate } from '../case/notices';
import { recordStep, registry, tellApplicant, type ObjectionCase } from './objection-case';
import { CHANNEL_NAMES_ZH, GROUND_NAMES_ZH } from './types';

/**
 * 受理: the case goes on file, the record is treated as the case's policy says while the
 * objection runs (flag, hide, suspend measures), and the applicant is told.
 */
export async function receive(c: ObjectionCase): Promise<void> {
  const { kit, s } = c;
  kit.record(
    'received',
    s.receivedBy,
    `通过${CHANNEL_NAMES_ZH[s.channel]}受理异议申请；异议理由：${s.grounds.map((g) => GROUND_NAMES_ZH[g]).join('、')}`,
    { channel: s.channel, grounds: s.grounds, policyVersion: s.policyVersion },
  );
  await kit.publish();
  await treatRecordWhileContested(c);
  await tellApplicant(c, 'received', {
    kind: 'objection.received',
    title: `【受理通知】异议申请${s.caseNo}`,
    body:
      `${s.officeName}已于${chineseDate(s.receivedAt)}受理您对“${s.recordDescription}”提出的异议申请（受理编号${s.caseNo}），` +
      `将转请信息提供单位核查，并书面告知处理结果。`,
  });
}

async function treatRecordWhileContested(c: ObjectionCase): Promise<void> {
  const { kit, s } = c;
  if (s.suspension !== 'none') {
    s.recordMarked = !!(await kit.effect('标注异议', () =>
      registry.markRecordDisputed(recordStep(c, '受理异议，标注异议')),
    ));
  }
  if (s.suspension === 'hide' && s.recordMarked) {
    s.recordHidden = !!(await kit.effect('暂停公示', () =>
      registry.hideRecord(recordStep(c, '异议核查期间暂停公示')),
    ));
  }
  if (s.suspension === 'suspend-measures' && s.recordMarked) {
    const suspended = await kit.effect('暂停执行惩戒措施', () =>
      registry.suspendRecordMeasures(recordStep(c, '信息核实期间暂不执行联合惩戒措施')),
    );
    s.suspendedMeasureIds = suspended?.appliedMeasureIds ?? [];
  }
  const done = [
    s.recordMarked ? '信用记录已标注“异议处理中”' : undefined,
    s.recordHidden ? '核查期间暂停公示' : undefined,
    s.suspension === 'suspend-measures' && s.recordMarked
      ? `暂停执行联合惩戒措施 ${s.suspendedMeasureIds.length} 项`
      : undefined,
  ].filter(Boolean);
  kit.record(
    'record-disputed',
    'system',
    s.suspension === 'none'
      ? '依本地政策，异议处理期间不影响该信息的记录、公示与使用'
      : done.join('；') || '未能标注异议，已提请人工处理',
    { suspension: s.suspension, suspendedMeasureIds: s.suspendedMeasureIds },
  );
}

/** Withdrawal, lapse or abort: the record returns to what it was before the objection. */
export async function undoRecordTreatment(c: ObjectionCase, why: string): Promise<void> {
  const { kit, s } = c;
  if (s.suspendedMeasureIds.length > 0) {
    await kit.effect('恢复执行惩戒措施', () => registry.reinstateRecordMeasures(recordStep(c, why)));
  }
  if (s.recordHidden) await kit.effect('恢复公示', () => registry.unhideRecord(recordStep(c, why)));
  if (s.recordMarked)
    await kit.effect('撤销异议标注', () => registry.resolveRecordDispute(recordStep(c, why)));
}
