import { chineseDate } from '../case/notices';
import type { RepairState } from './types';

const dateOf = (day: string) => chineseDate(`${day}T12:00:00+08:00`);
const head = (s: RepairState, title: string) =>
  `${title}\n（${s.caseNo}）\n\n${s.subject.name}（${s.subject.code}）：\n` +
  `你（单位）于${chineseDate(s.receivedAt)}申请对${s.record.department}作出的“${s.record.title}”（${s.record.documentNo}）进行信用修复。`;

/** 信用修复决定书: what the approval did, effect by effect (only what the registry confirmed). */
export function approvalLetter(s: RepairState): string {
  const e = s.effects!;
  const done = [
    e.recordRepaired ? '该失信信息已停止公示，并通知信用信息共享平台停止共享' : undefined,
    e.liftedMeasureIds.length > 0
      ? `基于该信息实施的${e.liftedMeasureIds.length}项联合惩戒措施已解除，并告知${e.toldDepartments.join('、')}`
      : undefined,
    e.exitedListEntryIds.length > 0
      ? `你（单位）已退出基于该信息的${e.exitedListEntryIds.length}个名单`
      : undefined,
    e.fastTrackRestored ? '你（单位）可重新适用容缺受理、告知承诺等便利措施' : undefined,
  ].filter(Boolean);
  return (
    `${head(s, '信用修复决定书')}经${s.record.department}审核，符合信用修复条件，决定准予信用修复。\n` +
    (done.length > 0 ? `${done.map((d, i) => `${i + 1}. ${d}；`).join('\n')}\n` : '') +
    `认定意见：${s.decision!.reasons}\n` +
    `请严格履行信用修复承诺${s.commitment ? `（承诺编号${s.commitment.caseNo}）` : ''}；提供虚假材料或违背承诺的，将撤销信用修复决定，恢复公示相关失信信息。\n\n` +
    `${s.officeName}\n${chineseDate(s.decision!.at)}`
  );
}

/** 不予信用修复决定书: the reasons and the first day a new application can be made. */
export function refusalLetter(s: RepairState, reasons: string[], when: string): string {
  return (
    `${head(s, '不予信用修复决定书')}经审核，决定不予信用修复，理由如下：\n` +
    reasons.map((r, i) => `${i + 1}. ${r}`).join('\n') +
    `\n${s.reapplyFrom ? `你（单位）可于${dateOf(s.reapplyFrom)}起重新提出信用修复申请。` : '依规定该信息不予信用修复。'}\n\n` +
    `${s.officeName}\n${chineseDate(when)}`
  );
}

/** 撤销信用修复决定书. */
export function revocationLetter(s: RepairState): string {
  const r = s.revocation!;
  return (
    `${head(s, '撤销信用修复决定书')}该申请已于${chineseDate(s.decision!.at)}准予信用修复。` +
    `因${r.cause === 'false-materials' ? '发现申请材料虚假' : '违背信用修复承诺'}（${r.reason}），决定撤销该信用修复决定：` +
    `恢复公示该失信信息，恢复实施原联合惩戒措施，恢复相关名单；${dateOf(r.barredUntil)}前不得再次申请信用修复。\n\n` +
    `${s.officeName}\n${chineseDate(r.at)}`
  );
}
