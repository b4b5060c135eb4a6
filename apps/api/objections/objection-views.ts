import type { ObjectionCase, ObjectionEvent } from '../../../infra/database/entities';
import {
  STEP_NAMES_ZH,
  type ObjectionView,
  type TimelineEntry,
  type TimelineKind,
} from '../../../workflows/objection/state';
import { OUTCOME_NAMES_ZH, STATUS_NAMES_ZH } from '../../../workflows/objection/types';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** One line of a supervisor's listing: from the read-model row, no timeline. */
export function caseSummary(row: ObjectionCase) {
  return {
    id: row.id,
    caseNo: row.caseNo,
    status: row.status,
    statusName: STATUS_NAMES_ZH[row.status],
    jurisdiction: row.jurisdiction,
    officeDepartment: row.officeDepartment,
    providerDepartment: row.providerDepartment,
    subjectCode: row.subjectCode,
    subjectName: row.subjectName,
    applicantName: row.applicantName,
    channel: row.channel,
    recordId: row.recordId,
    recordDescription: row.recordDescription,
    step: row.currentStep,
    stepName: row.currentStep ? STEP_NAMES_ZH[row.currentStep as keyof typeof STEP_NAMES_ZH] : null,
    stepDepartment: row.stepDepartment,
    assignee: row.assignee,
    stepDueAt: iso(row.stepDueAt),
    caseDueAt: iso(row.caseDueAt),
    dueProvisional: row.dueProvisional,
    overdue: row.overdue,
    escalationLevel: row.escalationLevel,
    outcome: row.outcome,
    receivedAt: iso(row.receivedAt),
    closedAt: iso(row.closedAt),
    revision: row.revision,
  };
}

/** The case's timeline as stored (append-only, by seq). */
export function timelineOf(events: ObjectionEvent[]): TimelineEntry[] {
  return events.map((e) => ({
    seq: e.seq,
    at: e.at.toISOString(),
    kind: e.kind as TimelineKind,
    actor: e.actor,
    summary: e.summary,
    ...(e.detail && Object.keys(e.detail).length > 0 ? { detail: e.detail } : {}),
  }));
}

const ESCALATION_KINDS: readonly TimelineKind[] = ['reminder', 'overdue', 'escalated'];

/** The case file for staff: the newest snapshot, with its deadlines and escalations drawn out. */
export function caseDetail(row: ObjectionCase, events: ObjectionEvent[]) {
  const s = row.snapshot;
  const timeline = timelineOf(events);
  return {
    ...caseSummary(row),
    case: s ? { ...s, timeline } : null,
    deadlines: s
      ? {
          step: s.step ?? null,
          caseDue: s.caseDue ?? null,
          caseDueProvisional: s.caseDueProvisional,
          clockStops: s.clockStops,
        }
      : null,
    escalations: timeline.filter((e) => ESCALATION_KINDS.includes(e.kind)),
    timeline,
    // What the caseworker acts on next, drawn out of the snapshot as the other procedures' files do.
    pendingMaterials: s?.pendingMaterials ?? null,
    clockStops: s?.clockStops ?? [],
    reply: s?.reply ?? null,
    replyLetter: s?.replyLetter ?? null,
    endReason: s?.endReason ?? null,
    restorationTaskId: s?.restorationTaskId ?? null,
  };
}

/**
 * What the applicant sees (look-up with query code and subject code, no login): progress in the
 * applicant's words. No internal actors, no reminders or escalations among staff, no registry
 * internals; the written reply once the case is closed.
 */
const PUBLIC_KINDS: readonly TimelineKind[] = [
  'received',
  'materials-requested',
  'materials-received',
  'forwarded',
  'extended',
  'provider-replied',
  'reply-issued',
  'withdrawn',
  'lapsed',
  'deadlines-recomputed',
];

const PUBLIC_SUMMARIES: Partial<Record<TimelineKind, string>> = {
  forwarded: '已转交信息提供单位核查',
  'provider-replied': '信息提供单位已作出核查结论',
};

export function applicantView(row: ObjectionCase, events: ObjectionEvent[]) {
  const s: ObjectionView | null = row.snapshot;
  return {
    caseNo: row.caseNo,
    status: row.status,
    statusName: STATUS_NAMES_ZH[row.status],
    officeName: s?.officeName ?? row.officeDepartment,
    recordDescription: row.recordDescription,
    receivedAt: iso(row.receivedAt),
    step: s?.step
      ? {
          step: s.step.step,
          name: STEP_NAMES_ZH[s.step.step],
          due: s.step.due || null,
          provisional: s.step.provisional,
        }
      : null,
    caseDue: s?.caseDue ?? null,
    pendingMaterials: s?.pendingMaterials
      ? { items: s.pendingMaterials.items, lapsesAt: s.pendingMaterials.lapsesAt }
      : null,
    timeline: timelineOf(events)
      .filter((e) => PUBLIC_KINDS.includes(e.kind))
      .map((e) => ({ at: e.at, kind: e.kind, summary: PUBLIC_SUMMARIES[e.kind] ?? e.summary })),
    outcome:
      row.status === 'closed' && s?.outcome ? { code: s.outcome, name: OUTCOME_NAMES_ZH[s.outcome] } : null,
    replyLetter: row.status === 'closed' ? (s?.replyLetter ?? null) : null,
    endReason: ['withdrawn', 'lapsed', 'aborted'].includes(row.status) ? (s?.endReason ?? null) : null,
    closedAt: iso(row.closedAt),
  };
}
