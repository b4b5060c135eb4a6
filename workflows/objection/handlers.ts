import { setHandler } from '@temporalio/workflow';
import { chineseDate } from '../case/notices';
import {
  extendUpdate,
  forwardUpdate,
  issueReplyUpdate,
  materialsReceivedUpdate,
  objectionStateQuery,
  requestMaterialsUpdate,
  withdrawUpdate,
  type ExtendInput,
  type MaterialsReceivedInput,
  type RequestMaterialsInput,
  type WithdrawInput,
} from './messages';
import { dueWithCase, tellApplicant, type ObjectionCase } from './objection-case';
import { STEP_NAMES_ZH } from './state';

export const MAX_EXTENSION_WORKING_DAYS = 30;

/**
 * The caseworker's updates. Each validator checks the transition table and the input; each
 * handler changes the case before its first await (so the next validator already sees it).
 * Forwarding, withdrawal and the written reply are carried out by the procedure's steps.
 */
export function registerObjectionHandlers(c: ObjectionCase): void {
  const { kit, s } = c;
  setHandler(objectionStateQuery, () => s);

  kit.update(requestMaterialsUpdate, {
    action: 'requestMaterials',
    validate: (input: RequestMaterialsInput) => {
      if (
        !Array.isArray(input.items) ||
        input.items.length === 0 ||
        input.items.some((i) => typeof i !== 'string' || !i.trim())
      ) {
        kit.invalid('请逐项列明需要补正的材料。');
      }
    },
    accept: (input) => {
      const requestedAt = new Date().toISOString();
      const items = input.items.map((i) => i.trim());
      s.clockStops.push({ from: requestedAt });
      // The lapse date comes from the materials step's clock (on the calendar in force).
      s.pendingMaterials = { items, ...(input.note ? { note: input.note } : {}), requestedAt, lapsesAt: '' };
      return kit.record(
        'materials-requested',
        input.actor,
        `告知申请人补正材料：${items.join('、')}；办理时限中止计算`,
        {
          items,
        },
      );
    },
    until: () => s.status !== 'awaiting-materials' || s.pendingMaterials?.lapsesAt !== '',
    after: async (_input, entry) => {
      const pending = s.pendingMaterials;
      if (!pending || !entry) return;
      await tellApplicant(c, `materials-requested:${entry.seq}`, {
        kind: 'objection.materials.requested',
        title: `【补正通知】异议申请${s.caseNo}`,
        body:
          `您的异议申请（${s.caseNo}）材料不全，请于${chineseDate(pending.lapsesAt)}前补正：${pending.items.join('、')}。` +
          `补正期间办理时限中止计算；逾期未补正的，异议申请将终止办理。`,
      });
    },
  });

  kit.update(materialsReceivedUpdate, {
    action: 'materialsReceived',
    validate: (input: MaterialsReceivedInput) => {
      if (
        !Array.isArray(input.attachments) ||
        input.attachments.length === 0 ||
        input.attachments.some(
          (a) =>
            !a || typeof a.ref !== 'string' || !a.ref.trim() || typeof a.name !== 'string' || !a.name.trim(),
        )
      ) {
        kit.invalid('请登记收到的补正材料（每份材料的编号和名称）。');
      }
    },
    accept: (input) => {
      s.clockStops[s.clockStops.length - 1].to = new Date().toISOString();
      s.attachments.push(...input.attachments);
      delete s.pendingMaterials;
      s.step = kit.deadline('forward') ?? dueWithCase(c, 'forward', s.receivedAt);
      return kit.record(
        'materials-received',
        input.actor,
        `收到补正材料：${input.attachments.map((a) => a.name).join('、')}；办理时限恢复计算`,
        { attachments: input.attachments },
      );
    },
    until: () => kit.clocksSettled(),
  });

  kit.update(forwardUpdate, {
    action: 'forward',
    carriedOut: true,
    // Answered once the provider's step is on file with its due date.
    until: () => kit.ended() || (s.step?.step === 'verify' && s.step.due !== ''),
  });

  kit.update(extendUpdate, {
    action: 'extend',
    validate: (input: ExtendInput) => {
      if (
        !Number.isInteger(input.workingDays) ||
        input.workingDays < 1 ||
        input.workingDays > MAX_EXTENSION_WORKING_DAYS
      ) {
        kit.invalid(`延期天数必须是 1 到 ${MAX_EXTENSION_WORKING_DAYS} 之间的整数（工作日）。`);
      }
      kit.requireText(input.reason, '延期理由');
      if (!s.step) kit.refuseForNow('OBJECTION_WRONG_STATUS', '当前环节尚未开始，请稍后再试。');
    },
    accept: (input) => {
      const step = s.step!.step;
      s.extensions[step] = (s.extensions[step] ?? 0) + input.workingDays;
      s.extensions.case = (s.extensions.case ?? 0) + input.workingDays;
      if (s.step) s.step.extendedBy = s.extensions[step] ?? 0;
      return kit.record(
        'extended',
        input.actor,
        `“${STEP_NAMES_ZH[step]}”延期 ${input.workingDays} 个工作日：${input.reason.trim()}`,
        { step, workingDays: input.workingDays, reason: input.reason.trim() },
      );
    },
    // The step clocks re-plan on their own; the answer shows the new due time.
    until: () => kit.clocksSettled(),
    after: async (input, entry) => {
      if (!entry) return;
      const step = (entry.detail as { step: keyof typeof STEP_NAMES_ZH }).step;
      await tellApplicant(c, `extended:${entry.seq}`, {
        kind: 'objection.extended',
        title: `【延期告知】异议申请${s.caseNo}`,
        body:
          `您的异议申请（${s.caseNo}）“${STEP_NAMES_ZH[step]}”环节延期 ${input.workingDays} 个工作日，理由：${input.reason.trim()}。` +
          (s.step?.step === step && s.step.due ? `延期后期限为${chineseDate(s.step.due)}。` : ''),
      });
    },
  });

  kit.update(withdrawUpdate, {
    action: 'withdraw',
    carriedOut: true,
    validate: (input: WithdrawInput) => kit.requireText(input.reason, '撤回理由'),
  });

  kit.update(issueReplyUpdate, {
    action: 'issueReply',
    carriedOut: true,
    validate: () => {
      if (!s.outcomeApplied)
        kit.refuseForNow('OBJECTION_WRONG_STATUS', '核查结果正在处理中，请稍后再出具书面告知。');
    },
  });
}
