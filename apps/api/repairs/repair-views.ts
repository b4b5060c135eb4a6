import type { RepairCase, RepairEvent } from '../../../infra/database/entities/repair';
import { materialsMissing } from '../../../workflows/repair/eligibility';
import {
  REPAIR_MATERIAL_NAMES_ZH,
  REPAIR_STATUS_NAMES_ZH,
  type RepairChannel,
  type RepairEligibility,
  type RepairEventKind,
  type RepairMaterial,
  type RepairState,
  type RepairView,
} from '../../../workflows/repair/types';
import { isoOrNull, publicTimeline, timelineOf } from '../cases/case-views';

/** How the API names the repair's steps and channels (the workflow keeps the codes). */
export const REPAIR_STEP_NAMES_ZH: Record<NonNullable<RepairState['step']>['step'], string> = {
  accept: '受理',
  materials: '补正材料',
  decide: '认定部门审核决定',
};

export const REPAIR_CHANNEL_NAMES_ZH: Record<RepairChannel, string> = {
  window: '窗口',
  website: '网站',
  app: '移动应用',
  mail: '邮寄',
  department: '部门转交',
};

const named = (kind: RepairMaterial) => ({ kind, name: REPAIR_MATERIAL_NAMES_ZH[kind] });

/** The eligibility (the workflow's at intake, or the pre-check's), materials named in Chinese. */
export function eligibilityView(e: RepairEligibility) {
  return {
    eligible: e.eligible,
    reasons: e.reasons,
    /** The first day an application can succeed, when one can be given. */
    retryFrom: e.retryFrom ?? null,
    tier: e.tier ?? null,
    policyVersion: e.policyVersion ?? null,
    /** The last day of the minimum publicity period. */
    minPublicityEnd: e.minPublicityEnd ?? null,
    required: e.required.map(named),
    /** 完成信用整改 and other proofs the service holds already: the applicant need not bring them. */
    evidence: (e.evidence ?? []).map((proof) => ({ ...proof, materialName: named(proof.material).name })),
  };
}

/** Required materials the case does not have yet. */
function missingOf(s: RepairView): RepairMaterial[] {
  return materialsMissing(s.eligibility, s.materials);
}

const statusOf = (row: RepairCase) => ({
  status: row.status,
  statusName: REPAIR_STATUS_NAMES_ZH[row.status],
});

/** The step on show while the case runs (the read model clears it once the case is decided). */
function stepOf(row: RepairCase) {
  const step = row.currentStep ? row.snapshot?.step : undefined;
  return step
    ? {
        step: step.step,
        name: REPAIR_STEP_NAMES_ZH[step.step],
        due: step.due || null,
        provisional: step.provisional,
      }
    : null;
}

/** One line of a staff listing, from the read-model row. */
export function repairSummary(row: RepairCase) {
  const s = row.snapshot;
  return {
    id: row.id,
    caseNo: row.caseNo,
    ...statusOf(row),
    jurisdiction: row.jurisdiction,
    office: row.office,
    officeName: s?.officeName ?? null,
    channel: row.channel,
    channelName: REPAIR_CHANNEL_NAMES_ZH[row.channel as RepairChannel] ?? row.channel,
    subject: { code: row.subjectCode, name: row.subjectName },
    applicantName: row.applicantName,
    record: {
      id: row.recordId,
      department: row.recordDepartment,
      title: s?.record.title ?? null,
      documentNo: s?.record.documentNo ?? null,
    },
    tier: row.tier,
    step: stepOf(row),
    stepDueAt: isoOrNull(row.stepDueAt),
    overdue: row.overdue,
    escalationLevel: row.escalationLevel,
    /** The eligibility checked at intake; null until the workflow has checked it. */
    eligibility: s?.eligibility ? eligibilityView(s.eligibility) : null,
    approved: row.approved,
    decidedAt: isoOrNull(row.decidedAt),
    reapplyFrom: row.reapplyFrom,
    barredUntil: row.barredUntil,
    commitmentCaseId: row.commitmentCaseId,
    receivedAt: isoOrNull(row.receivedAt),
    closedAt: isoOrNull(row.closedAt),
    revision: row.revision,
  };
}

/** A listing line for the identifying department: what it decides on. */
export function pendingDecision(row: RepairCase) {
  const s = row.snapshot;
  return {
    ...repairSummary(row),
    recordDetail: s?.record ?? null,
    materials: (s?.materials ?? []).map((m) => ({ ...named(m.kind), attachment: m.attachment, at: m.at })),
    acceptedAt: s?.acceptedAt ?? null,
  };
}

const ESCALATION_KINDS: readonly RepairEventKind[] = ['reminder', 'overdue', 'escalated'];

/** The case file for staff: the newest view, materials, deadlines, decision, effects, letter, timeline. */
export function repairDetail(row: RepairCase, events: RepairEvent[]) {
  const s = row.snapshot;
  const timeline = timelineOf<RepairEventKind>(events);
  return {
    ...pendingDecision(row),
    policyVersion: row.policyVersion,
    applicant: { name: row.applicantName, contact: row.applicantContact },
    createdBy: row.createdBy,
    receivedBy: s?.receivedBy ?? null,
    missingMaterials: s ? missingOf(s).map(named) : [],
    pendingMaterials: s?.pendingMaterials
      ? { ...s.pendingMaterials, items: s.pendingMaterials.items.map(named) }
      : null,
    deadline: s?.step ?? null,
    clockStops: s?.clockStops ?? [],
    acceptedBy: s?.acceptedBy ?? null,
    decision: s?.decision ?? null,
    effects: s?.effects ?? null,
    decisionLetter: s?.decisionLetter ?? null,
    commitment: s?.commitment ?? null,
    revocation: s?.revocation ?? null,
    escalations: timeline.filter((e) => ESCALATION_KINDS.includes(e.kind)),
    timeline,
  };
}

/**
 * What the applicant sees with the query code (no login): where the application stands in
 * Chinese, what is still missing and by when, the step and its due date, the decision and its
 * letter once issued. No staff actors, contacts, internal reminders or escalations, no other
 * applications.
 */
const APPLICANT_KINDS: readonly RepairEventKind[] = [
  'received',
  'eligibility-checked',
  'refused',
  'materials-requested',
  'materials-received',
  'lapsed',
  'accepted',
  'decided',
  'effect-applied',
  'decision-issued',
  'commitment-started',
  'commitment-ended',
  'revoked',
  'closed',
  'withdrawn',
  'deadlines-recomputed',
];

export function applicantView(row: RepairCase, events: RepairEvent[]) {
  const s = row.snapshot;
  return {
    caseNo: row.caseNo,
    ...statusOf(row),
    officeName: s?.officeName ?? null,
    channel: row.channel,
    subjectName: row.subjectName,
    record: s
      ? {
          department: s.record.department,
          title: s.record.title,
          documentNo: s.record.documentNo,
          decisionDate: s.record.decisionDate,
        }
      : { department: row.recordDepartment, title: null, documentNo: null, decisionDate: null },
    receivedAt: isoOrNull(row.receivedAt),
    eligibility: s?.eligibility ? eligibilityView(s.eligibility) : null,
    materials: (s?.materials ?? []).map((m) => ({ ...named(m.kind), fileName: m.attachment.name, at: m.at })),
    missingMaterials: s ? missingOf(s).map(named) : [],
    pendingMaterials: s?.pendingMaterials
      ? { items: s.pendingMaterials.items.map(named), lapsesAt: s.pendingMaterials.lapsesAt || null }
      : null,
    step: stepOf(row),
    decision: s?.decision
      ? { approved: s.decision.approved, reasons: s.decision.reasons, at: s.decision.at }
      : null,
    decisionLetter: s?.decisionLetter ?? null,
    reapplyFrom: row.reapplyFrom,
    commitment: s?.commitment ? { caseNo: s.commitment.caseNo, endedAs: s.commitment.endedAs ?? null } : null,
    revocation: s?.revocation
      ? { at: s.revocation.at, reason: s.revocation.reason, barredUntil: s.revocation.barredUntil }
      : null,
    timeline: publicTimeline(events, APPLICANT_KINDS),
    closedAt: isoOrNull(row.closedAt),
  };
}
