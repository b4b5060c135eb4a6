import { setHandler } from '@temporalio/workflow';
import { chineseDate } from '../case/notices';
import { askForMaterials, missingMaterials } from './intake';
import {
  acceptRepairUpdate,
  decideRepairUpdate,
  repairCommitmentEndedSignal,
  repairStateQuery,
  requestRepairMaterialsUpdate,
  revokeRepairUpdate,
  supplyRepairMaterialsUpdate,
  withdrawRepairUpdate,
  type AcceptRepairInput,
  type DecideRepairInput,
  type RequestRepairMaterialsInput,
  type RevokeRepairInput,
  type SupplyRepairMaterialsInput,
  type WithdrawRepairInput,
} from './messages';
import { daysFromToday, tellApplicant, type RepairCase } from './repair-case';
import { REPAIR_MATERIAL_NAMES_ZH, REPAIR_MATERIALS, type RepairMaterial } from './types';

const isMaterial = (m: unknown): m is RepairMaterial => REPAIR_MATERIALS.includes(m as RepairMaterial);

/**
 * The office's, the department's and the applicant's updates. Each validator checks the table
 * and the input; each handler changes the case before its first await. The decision and a
 * revocation answer once their effects and the letter are on file.
 */
export function registerRepairHandlers(c: RepairCase): void {
  const { kit, s } = c;
  setHandler(repairStateQuery, () => s);
  const ownDepartment = (department: unknown, what: string) => {
    if (department !== s.record.department) {
      kit.refuse(
        'REPAIR_OTHER_DEPARTMENT',
        `该信息由${s.record.department}认定，只有认定部门可以${what}（谁认定、谁修复）。`,
      );
    }
  };

  kit.update(requestRepairMaterialsUpdate, {
    action: 'requestMaterials',
    validate: (input: RequestRepairMaterialsInput) => {
      if (!Array.isArray(input.items) || input.items.length === 0 || !input.items.every(isMaterial)) {
        kit.invalid(`请列明需要补正的材料（${REPAIR_MATERIALS.join('、')}）。`);
      }
    },
    accept: (input) => askForMaterials(c, [...new Set(input.items)], input.actor, input.note?.trim()),
    until: () => s.status !== 'awaiting-materials' || s.pendingMaterials?.lapsesAt !== '',
    after: async (input, entry) => {
      if (!entry || !s.pendingMaterials) return;
      await tellApplicant(c, `materials-requested:${entry.seq}`, {
        kind: 'repair.materials.requested',
        title: `【补正材料通知】${s.caseNo}`,
        body:
          `您的信用修复申请（编号${s.caseNo}）需补正：${input.items.map((i) => REPAIR_MATERIAL_NAMES_ZH[i]).join('、')}，` +
          `请于${chineseDate(s.pendingMaterials.lapsesAt)}前提交；逾期未补正的，申请终止。`,
      });
    },
  });

  kit.update(supplyRepairMaterialsUpdate, {
    action: 'supplyMaterials',
    validate: (input: SupplyRepairMaterialsInput) => {
      if (
        !Array.isArray(input.materials) ||
        input.materials.length === 0 ||
        input.materials.some(
          (m) => !isMaterial(m?.kind) || !m.attachment?.ref?.trim() || !m.attachment?.name?.trim(),
        )
      ) {
        kit.invalid('请逐项提交材料：材料类型（kind）和存档编号、名称（attachment.ref、attachment.name）。');
      }
    },
    accept: (input) => {
      const at = new Date().toISOString();
      for (const m of input.materials) {
        s.materials.push({
          kind: m.kind,
          attachment: { ref: m.attachment.ref.trim(), name: m.attachment.name.trim() },
          at,
        });
      }
      const entry = kit.record(
        'materials-received',
        input.actor,
        `收到材料：${input.materials.map((m) => `${REPAIR_MATERIAL_NAMES_ZH[m.kind]}（${m.attachment.name.trim()}）`).join('、')}`,
        { kinds: input.materials.map((m) => m.kind) },
      );
      const pending = s.pendingMaterials;
      if (s.status === 'awaiting-materials' && pending) {
        const have = new Set(s.materials.map((m) => m.kind));
        if (pending.items.every((i) => have.has(i)) && missingMaterials(c).length === 0) {
          const stop = s.clockStops[s.clockStops.length - 1];
          if (stop && !stop.to) stop.to = at;
          delete s.pendingMaterials;
          kit.transition('materialsReceived');
          kit.record('materials-received', 'system', '补正材料已齐全，受理时限恢复计算');
        }
      }
      return entry;
    },
  });

  kit.update(acceptRepairUpdate, {
    action: 'accept',
    validate: () => {
      const missing = missingMaterials(c);
      if (missing.length > 0) {
        kit.refuse(
          'REPAIR_MATERIALS_MISSING',
          `申请材料不齐全，尚缺：${missing.map((m) => REPAIR_MATERIAL_NAMES_ZH[m]).join('、')}；请先要求补正。`,
        );
      }
    },
    accept: (input: AcceptRepairInput) => {
      s.acceptedAt = new Date().toISOString();
      s.acceptedBy = input.actor;
      return kit.record(
        'accepted',
        input.actor,
        `受理信用修复申请，转${s.record.department}审核决定${input.note?.trim() ? `；${input.note.trim()}` : ''}`,
      );
    },
    until: () => s.step?.step === 'decide' && s.step.due !== '',
  });

  kit.update(decideRepairUpdate, {
    action: (input: DecideRepairInput) => (input.approved ? 'approve' : 'refuse'),
    validate: (input: DecideRepairInput) => {
      ownDepartment(input.department, '决定是否修复');
      if (s.status !== 'accepted')
        kit.refuse('REPAIR_WRONG_STATUS', `${s.caseNo}尚未受理，认定部门不能作出决定。`);
      if (typeof input.approved !== 'boolean') kit.invalid('请注明是否准予修复（approved）。');
      kit.requireText(input.reasons, '决定理由');
    },
    accept: (input) => {
      s.decision = {
        approved: input.approved,
        reasons: input.reasons.trim(),
        by: input.actor,
        at: new Date().toISOString(),
      };
      return kit.record(
        'decided',
        input.actor,
        `${s.record.department}决定${input.approved ? '准予信用修复' : '不予信用修复'}：${s.decision.reasons}`,
        { approved: input.approved },
      );
    },
    until: () => s.decisionLetter !== undefined,
  });

  kit.update(withdrawRepairUpdate, {
    action: 'withdraw',
    validate: (input: WithdrawRepairInput) => kit.requireText(input.reason, '撤回理由'),
    accept: (input) => {
      s.closedAt = new Date().toISOString();
      return kit.record('withdrawn', input.actor, `申请人撤回信用修复申请：${input.reason.trim()}`);
    },
    after: async (_input, entry) => {
      if (!entry) return;
      await tellApplicant(c, 'withdrawn', {
        kind: 'repair.withdrawn',
        title: `【信用修复申请撤回】${s.caseNo}`,
        body: `您的信用修复申请（编号${s.caseNo}）已撤回。`,
      });
    },
  });

  kit.update(revokeRepairUpdate, {
    action: 'revoke',
    validate: (input: RevokeRepairInput) => {
      ownDepartment(input.department, '撤销信用修复');
      if (!s.decisionLetter) {
        kit.refuseForNow('REPAIR_WRONG_STATUS', `${s.caseNo}的修复决定正在执行，请稍后再办理撤销。`);
      }
      kit.requireText(input.reason, '撤销理由');
    },
    accept: (input) => {
      s.revocation = {
        cause: 'false-materials',
        reason: input.reason.trim(),
        by: input.actor,
        at: new Date().toISOString(),
        barredUntil: daysFromToday(c.rules.barAfterRevocation),
      };
      return kit.record('revoked', input.actor, `发现申请材料虚假，撤销信用修复：${s.revocation.reason}`);
    },
    until: () => s.closedAt !== undefined,
  });

  setHandler(repairCommitmentEndedSignal, (ended) => {
    if (!s.commitment || s.commitment.caseId !== ended.commitmentCaseId || s.commitment.endedAs) return;
    s.commitment.endedAs = ended.outcome;
    kit.record(
      'commitment-ended',
      'system',
      `信用修复承诺（${s.commitment.caseNo}）${ended.outcome === 'kept' ? '期满履约' : `违约：${ended.summary}`}`,
      { outcome: ended.outcome },
    );
  });
}
