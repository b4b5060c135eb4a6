import { setHandler } from '@temporalio/workflow';
import { chineseDate, supervisorOf } from '../case/notices';
import {
  commitmentStateQuery,
  decideBreachUpdate,
  extendItemUpdate,
  recordVerificationUpdate,
  reportBreachUpdate,
  supplyItemUpdate,
  withdrawCommitmentUpdate,
  type DecideBreachInput,
  type ExtendItemInput,
  type RecordVerificationInput,
  type ReportBreachInput,
  type SupplyItemInput,
  type WithdrawInput,
} from './messages';
import { tellSigner, type CommitmentCase } from './commitment-case';
import { startReportClock, verdict } from './tracking';
import { COMMITMENT_KIND_NAMES_ZH, VALIDITY_KINDS, type PromisedItem } from './types';

export const MAX_ITEM_EXTENSION_WORKING_DAYS = 30;

/**
 * The staff's updates. Each validator checks the transition table, the kind and the input; each
 * handler changes the case before its first await. An update that decides the commitment
 * (the last item supplied, the verification, a confirmed breach) answers once the outcome and
 * its effects are on file.
 */
export function registerCommitmentHandlers(c: CommitmentCase): void {
  const { kit, s } = c;
  setHandler(commitmentStateQuery, () => s);
  /** An update that may decide the case waits until the outcome has been applied. */
  const decided = () => verdict(s) === undefined || s.closedAt !== undefined;

  const onlyKind = (kind: CommitmentCase['s']['kind'], what: string) => {
    if (s.kind !== kind) {
      kit.refuse(
        'COMMITMENT_WRONG_STATUS',
        `${COMMITMENT_KIND_NAMES_ZH[s.kind]}没有“${what}”这一环节，只有${COMMITMENT_KIND_NAMES_ZH[kind]}有。`,
      );
    }
  };
  const itemOf = (no: unknown): PromisedItem => {
    const item = s.items.find((i) => i.no === no);
    if (!item) return kit.invalid(`本承诺没有第${String(no)}项承诺材料（共${s.items.length}项）。`);
    return item;
  };
  const openItem = (no: unknown): PromisedItem => {
    const item = itemOf(no);
    if (item.suppliedAt) {
      kit.refuse(
        'COMMITMENT_ITEM_SUPPLIED',
        `第${item.no}项“${item.name}”已于${chineseDate(item.suppliedAt)}补交。`,
      );
    }
    if (item.missedAt) {
      kit.refuse(
        'COMMITMENT_DEADLINE_PASSED',
        `第${item.no}项“${item.name}”逾期未补交，已按违约处理，不能再补交或延期。`,
      );
    }
    return item;
  };

  kit.update(supplyItemUpdate, {
    action: 'supplyItem',
    validate: (input: SupplyItemInput) => {
      onlyKind('deferred-materials', '补交材料');
      openItem(input.itemNo);
      kit.requireText(input.attachment?.ref, '材料的存档编号（attachment.ref）');
      kit.requireText(input.attachment?.name, '材料名称（attachment.name）');
    },
    accept: (input) => {
      const item = itemOf(input.itemNo);
      const at = new Date().toISOString();
      item.suppliedAt = at;
      item.suppliedBy = input.actor;
      item.attachment = { ref: input.attachment.ref.trim(), name: input.attachment.name.trim() };
      item.late = item.deadline?.overdueAt !== undefined;
      return kit.record(
        'item-supplied',
        input.actor,
        `登记补交第${item.no}项材料“${item.name}”：${item.attachment.name}${item.late ? '（逾期补交）' : ''}`,
        { itemNo: item.no, attachment: item.attachment, late: item.late, note: input.note },
      );
    },
    until: decided,
  });

  kit.update(extendItemUpdate, {
    action: 'extendItem',
    validate: (input: ExtendItemInput) => {
      onlyKind('deferred-materials', '延长补交期限');
      openItem(input.itemNo);
      if (
        !Number.isInteger(input.workingDays) ||
        input.workingDays < 1 ||
        input.workingDays > MAX_ITEM_EXTENSION_WORKING_DAYS
      ) {
        kit.invalid(`延长的期限应为 1 至 ${MAX_ITEM_EXTENSION_WORKING_DAYS} 个工作日。`);
      }
      kit.requireText(input.reason, '延期理由');
    },
    accept: (input) => {
      const item = itemOf(input.itemNo);
      item.extendedBy += input.workingDays;
      return kit.record(
        'item-extended',
        input.actor,
        `第${item.no}项“${item.name}”补交期限延长${input.workingDays}个工作日；理由：${input.reason.trim()}`,
        { itemNo: item.no, workingDays: input.workingDays, reason: input.reason.trim() },
      );
    },
    until: () => kit.clocksSettled(),
    after: async (input, entry) => {
      const item = itemOf(input.itemNo);
      if (!entry || !item.deadline?.due) return;
      await tellSigner(c, `extended:${entry.seq}`, {
        kind: 'commitment.item.extended',
        title: `【延期通知】${s.caseNo}`,
        body: `您承诺补交的“${item.name}”期限已延长至${chineseDate(item.deadline.due)}；理由：${input.reason.trim()}。`,
      });
    },
  });

  kit.update(recordVerificationUpdate, {
    action: 'recordVerification',
    validate: (input: RecordVerificationInput) => {
      onlyKind('notice-commitment', '事后核查');
      if (typeof input.truthful !== 'boolean')
        kit.invalid('请注明核查结论：承诺属实（true）或不实（false）。');
      kit.requireText(input.finding, '核查情况');
    },
    accept: (input) => {
      const at = new Date().toISOString();
      s.verification!.result = {
        truthful: input.truthful,
        finding: input.finding.trim(),
        by: input.actor,
        at,
      };
      return kit.record(
        'verified',
        input.actor,
        `事后核查：${input.truthful ? '承诺属实' : '承诺不实'}；${input.finding.trim()}`,
        { truthful: input.truthful },
      );
    },
    until: decided,
  });

  kit.update(reportBreachUpdate, {
    action: 'reportBreach',
    validate: (input: ReportBreachInput) => {
      kit.requireText(input.description, '违诺情况');
    },
    accept: (input) => {
      const report = {
        no: s.reports.length + 1,
        reportedBy: input.actor,
        reportedAt: new Date().toISOString(),
        description: input.description.trim(),
        ...(input.source?.trim() ? { source: input.source.trim() } : {}),
        status: 'reported' as const,
      };
      s.reports.push(report);
      startReportClock(c, report);
      return kit.record(
        'breach-reported',
        input.actor,
        `登记违诺线索（第${report.no}条）${report.source ? `，来源：${report.source}` : ''}：${report.description}`,
        { reportNo: report.no },
      );
    },
    until: () => kit.clocksSettled(),
    after: async (_input, entry) => {
      const report = s.reports.at(-1);
      if (!entry || !report) return;
      await kit.tellStaff(`reported:${entry.seq}`, [s.signedBy, supervisorOf(s.department)], {
        kind: 'commitment.breach.reported',
        title: `【违诺线索】${s.caseNo}`,
        body:
          `${s.subject.name}的信用承诺（${s.caseNo}，${s.matter}）收到违诺线索：${report.description}。` +
          `请于${report.deadline?.due ? chineseDate(report.deadline.due) : '规定期限'}前核实并认定。`,
      });
    },
  });

  kit.update(decideBreachUpdate, {
    action: 'decideBreach',
    validate: (input: DecideBreachInput) => {
      const report = s.reports.find((r) => r.no === input.reportNo);
      if (!report) return kit.invalid(`本承诺没有第${String(input.reportNo)}条违诺线索。`);
      if (report.status !== 'reported') {
        kit.refuse(
          'COMMITMENT_REPORT_DECIDED',
          `第${report.no}条违诺线索已于${chineseDate(report.decidedAt!)}${report.status === 'confirmed' ? '认定属实' : '认定不属实'}。`,
        );
      }
      if (typeof input.confirmed !== 'boolean')
        kit.invalid('请注明认定结论：属实（true）或不属实（false）。');
      kit.requireText(input.reason, '认定理由');
      if (
        input.measureCodes !== undefined &&
        (!Array.isArray(input.measureCodes) ||
          input.measureCodes.some((m) => typeof m !== 'string' || !m.trim()))
      ) {
        kit.invalid('措施编码应为非空字符串的列表。');
      }
    },
    accept: (input) => {
      const report = s.reports.find((r) => r.no === input.reportNo)!;
      report.status = input.confirmed ? 'confirmed' : 'dismissed';
      report.decidedBy = input.actor;
      report.decidedAt = new Date().toISOString();
      report.decision = input.reason.trim();
      if (input.confirmed && input.measureCodes?.length) {
        report.measureCodes = input.measureCodes.map((m) => m.trim());
      }
      return kit.record(
        input.confirmed ? 'breach-confirmed' : 'breach-dismissed',
        input.actor,
        `第${report.no}条违诺线索认定${input.confirmed ? '属实' : '不属实'}：${report.decision}`,
        { reportNo: report.no },
      );
    },
    until: decided,
  });

  kit.update(withdrawCommitmentUpdate, {
    action: 'withdraw',
    validate: (input: WithdrawInput) => {
      if (VALIDITY_KINDS.includes(s.kind)) {
        kit.refuse('COMMITMENT_WRONG_STATUS', `${COMMITMENT_KIND_NAMES_ZH[s.kind]}在有效期内不能撤回。`);
      }
      const passed = [
        ...s.items.filter((i) => !i.suppliedAt && i.deadline?.overdueAt).map((i) => `“${i.name}”`),
        ...(s.verification?.deadline?.overdueAt ? ['事后核查'] : []),
      ];
      if (passed.length > 0) {
        kit.refuse(
          'COMMITMENT_DEADLINE_PASSED',
          `${passed.join('、')}的期限已过，不能撤回申请以免除违约责任。`,
        );
      }
      if (s.reports.some((r) => r.status === 'reported')) {
        kit.refuse('COMMITMENT_WRONG_STATUS', '有尚未认定的违诺线索，认定前不能撤回申请。');
      }
      kit.requireText(input.reason, '撤回理由');
    },
    accept: (input) => {
      const at = new Date().toISOString();
      s.withdrawal = { at, by: input.actor, reason: input.reason.trim() };
      s.closedAt = at;
      return kit.record(
        'withdrawn',
        input.actor,
        `申请人撤回“${s.matter}”的申请，承诺终止（不作违约处理）；理由：${s.withdrawal.reason}`,
      );
    },
    after: async (_input, entry) => {
      if (!entry) return;
      await tellSigner(c, 'withdrawn', {
        kind: 'commitment.withdrawn',
        title: `【承诺终止通知】${s.caseNo}`,
        body: `您已撤回“${s.matter}”的申请，编号${s.caseNo}的${COMMITMENT_KIND_NAMES_ZH[s.kind]}随之终止，不作违约处理。`,
      });
    },
  });
}
