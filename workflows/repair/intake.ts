import { ActivityFailure, ApplicationFailure, condition } from '@temporalio/workflow';
import { chineseDate } from '../case/notices';
import { materialsMissing, repairEligibility } from './eligibility';
import { refusalLetter } from './letters';
import { todayInBeijing as today } from '../case/periods';
import { repairs, tellApplicant, type RepairCase } from './repair-case';
import { REPAIR_MATERIAL_NAMES_ZH, type RepairMaterial, type RepairStatus } from './types';

const names = (items: RepairMaterial[]) => items.map((i) => REPAIR_MATERIAL_NAMES_ZH[i]).join('、');

/** The required materials not submitted yet. */
export function missingMaterials(c: RepairCase): RepairMaterial[] {
  return materialsMissing(c.s.eligibility, c.s.materials);
}

/**
 * 补正: the clock of acceptance stops and the applicant is asked for the items (synchronous: the
 * intake and the office's update both use it).
 */
export function askForMaterials(c: RepairCase, items: RepairMaterial[], actor: string, note?: string) {
  const { kit, s } = c;
  if (s.status === 'received') kit.transition('requestMaterials'); // the office's update set it already
  const requestedAt = new Date().toISOString();
  s.clockStops.push({ from: requestedAt });
  s.pendingMaterials = { items, requestedAt, lapsesAt: '' };
  return kit.record(
    'materials-requested',
    actor,
    `告知申请人补正材料：${names(items)}${note ? `（${note}）` : ''}；受理时限中止计算`,
    { items },
  );
}

/**
 * 申请 and the eligibility check: the record as it stands now and the subject's bars come from
 * the registry; an ineligible application is refused at once with the reasons and the first day
 * a new one can succeed. Missing materials are asked for at once.
 */
export async function receiveAndCheck(c: RepairCase): Promise<boolean> {
  const { kit, s, start } = c;
  kit.record(
    'received',
    s.receivedBy,
    `收到信用修复申请：${s.record.department}作出的“${s.record.title}”（${s.record.documentNo}）`,
    { recordId: s.record.id, channel: s.channel, materials: s.materials.map((m) => m.kind) },
  );
  let facts;
  try {
    facts = await repairs.repairFacts({
      recordId: s.record.id,
      subjectCode: s.subject.code,
      caseId: s.caseId,
    });
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (!(cause instanceof ApplicationFailure && cause.nonRetryable)) throw err;
    facts = undefined;
  }
  if (facts) s.record = facts.record;
  const eligibility = facts
    ? repairEligibility({
        record: s.record,
        policies: start.policies,
        bars: facts.bars,
        today: today(),
        rectifications: facts.rectifications,
      })
    : { eligible: false, reasons: ['未找到该信用记录，请核对后重新申请。'], required: [] };
  s.eligibility = eligibility;
  kit.record(
    'eligibility-checked',
    'system',
    eligibility.eligible
      ? `符合申请条件：${eligibility.tier}失信，最短公示期已于${eligibility.minPublicityEnd}届满（适用政策第${eligibility.policyVersion}版）${(eligibility.evidence ?? []).map((e) => e.note).join('')}`
      : `不符合申请条件：${eligibility.reasons.join('')}`,
    { ...eligibility },
  );
  if (!eligibility.eligible) {
    await refuse(c, eligibility.reasons, eligibility.retryFrom);
    return false;
  }
  const missing = missingMaterials(c);
  const entry = missing.length > 0 ? askForMaterials(c, missing, 'system') : undefined;
  await tellApplicant(c, 'received', {
    kind: 'repair.received',
    title: `【信用修复申请回执】${s.caseNo}`,
    body:
      `${s.officeName}已收到您于${chineseDate(s.receivedAt)}提交的信用修复申请（编号${s.caseNo}）。` +
      (entry
        ? `请补正以下材料：${names(missing)}；补正期间受理时限中止计算。`
        : `将在规定期限内受理并转${s.record.department}审核。`),
  });
  return true;
}

/** 不予修复 (at intake or by the department): the reasons and when a new application may be made. */
export async function refuse(
  c: RepairCase,
  reasons: string[],
  reapplyFrom: string | undefined,
): Promise<void> {
  const { kit, s } = c;
  if (s.status !== 'refused') kit.transition('refuse'); // the department's decision set it already
  const at = new Date().toISOString();
  if (reapplyFrom) s.reapplyFrom = reapplyFrom;
  s.decisionLetter = refusalLetter(s, reasons, at);
  s.closedAt = at;
  kit.record(
    'refused',
    'system',
    `不予信用修复：${reasons.join('')}${reapplyFrom ? `可于${reapplyFrom}起重新申请。` : ''}`,
    { reapplyFrom },
  );
  await tellApplicant(c, 'refused', {
    kind: 'repair.refused',
    title: `【不予信用修复决定书】${s.caseNo}`,
    body: s.decisionLetter,
  });
}

/**
 * 受理: waits until the office accepts (or the case ends), through rounds of 补正. Each round runs
 * the applicant's clock; when it lapses the application ends.
 */
export async function untilAccepted(c: RepairCase): Promise<boolean> {
  const { kit, s, rules } = c;
  for (;;) {
    await condition(() => s.status !== 'received');
    if (s.status !== 'awaiting-materials') return s.status === 'accepted';
    const pending = s.pendingMaterials!;
    const clock = kit.runStep<'materials'>({
      key: 'materials',
      name: '补正材料',
      startsAt: pending.requestedAt,
      limit: rules.materialsLapse,
      assignee: 'applicant',
      department: s.office,
      isDone: () => s.status !== 'awaiting-materials',
      extendedBy: () => 0,
      show: (deadline) => {
        pending.lapsesAt = deadline.due;
        s.step = deadline;
      },
      onDue: () => {
        if (s.status !== 'awaiting-materials') return;
        kit.transition('lapse');
        s.closedAt = new Date().toISOString();
        kit.record('lapsed', 'system', `申请人逾期未补正${names(pending.items)}，申请终止`);
      },
    });
    await clock.done;
    if ((s.status as RepairStatus) === 'lapsed') {
      await tellApplicant(c, 'lapsed', {
        kind: 'repair.lapsed',
        title: `【信用修复申请终止】${s.caseNo}`,
        body: `您的信用修复申请（编号${s.caseNo}）因逾期未补正材料而终止；材料齐备后可重新申请。`,
      });
      return false;
    }
  }
}
