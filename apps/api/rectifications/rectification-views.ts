import type { RectificationCase, RectificationEvent } from '../../../infra/database/entities';
import { isoOrNull, publicTimeline, timelineOf } from '../cases/case-views';
import { nextDeadline } from '../../../workflows/rectification/rules';
import {
  INTERVIEW_KIND_NAMES_ZH,
  RECTIFICATION_STAGE_NAMES_ZH,
  RECTIFICATION_STATUS_NAMES_ZH,
  VERIFICATION_RESULT_NAMES_ZH,
  type RectificationEventKind,
  type RectificationView,
} from '../../../workflows/rectification/types';

const iso = isoOrNull;

const where = (row: RectificationCase) => ({
  status: row.status,
  statusName: RECTIFICATION_STATUS_NAMES_ZH[row.status],
  stage: row.stage,
  stageName: RECTIFICATION_STAGE_NAMES_ZH[row.stage],
});

/** One line of a staff listing, from the read-model row. */
export function rectificationSummary(row: RectificationCase) {
  const s = row.snapshot;
  return {
    id: row.id,
    caseNo: row.caseNo,
    ...where(row),
    jurisdiction: row.jurisdiction,
    department: row.department,
    subject: { code: row.subjectCode, name: row.subjectName, kind: row.subjectKind },
    basis: s?.basis ?? { kind: row.basisKind, recordId: row.recordId, listEntryId: row.listEntryId },
    termDueAt: iso(row.termDueAt),
    nextDueAt: iso(row.nextDueAt),
    overdue: row.overdue,
    escalationLevel: row.escalationLevel,
    interviewsHeld: row.interviewsHeld,
    rectifiedAt: iso(row.rectifiedAt),
    startedAt: iso(row.startedAt),
    closedAt: iso(row.closedAt),
    revision: row.revision,
  };
}

const interviewsOf = (s: RectificationView) =>
  s.interviews.map((i) => ({ ...i, kindName: INTERVIEW_KIND_NAMES_ZH[i.kind] }));

/** The rectification's file for staff: the newest view, every deadline and step, the timeline. */
export function rectificationDetail(row: RectificationCase, events: RectificationEvent[]) {
  const s = row.snapshot;
  const next = s && !row.closedAt ? nextDeadline(s) : undefined;
  return {
    ...rectificationSummary(row),
    policyVersion: row.policyVersion,
    officeName: s?.officeName ?? null,
    contact: s?.contact ?? null,
    obligations: s?.obligations ?? [],
    domain: s?.domain ?? null,
    nextStep: next ? { step: next.step, due: next.due, overdue: next.overdueAt !== undefined } : null,
    terms: s?.terms ?? [],
    reports: s?.reports ?? [],
    interviews: s ? interviewsOf(s) : [],
    consequence: s?.consequence ?? null,
    cancellation: s?.cancellation ?? null,
    startedBy: row.createdBy,
    timeline: timelineOf<RectificationEventKind>(events),
  };
}

/** What the subject reads (query code): no staff actors, no internal reminders or escalations. */
const SUBJECT_KINDS: readonly RectificationEventKind[] = [
  'started',
  'subject-reminded',
  'reported',
  'verified',
  'deadline-passed',
  'interview-scheduled',
  'interview-rescheduled',
  'interview-held',
  'interview-absent',
  'record-registered',
  'consequence-applied',
  'rectified',
  'unrectified',
  'cancelled',
  'deadlines-recomputed',
];

export function subjectView(row: RectificationCase, events: RectificationEvent[]) {
  const s = row.snapshot;
  return {
    caseNo: row.caseNo,
    ...where(row),
    officeName: s?.officeName ?? null,
    department: row.department,
    subjectName: row.subjectName,
    basis: s ? { documentNo: s.basis.documentNo, title: s.basis.title } : null,
    obligations: s?.obligations ?? [],
    /** The current deadline to rectify by, while one runs. */
    deadline: iso(row.termDueAt),
    reports: (s?.reports ?? []).map((r) => ({
      no: r.no,
      at: r.at,
      description: r.description,
      attachments: r.attachments,
      verification: r.verification
        ? {
            result: r.verification.result,
            resultName: VERIFICATION_RESULT_NAMES_ZH[r.verification.result],
            opinion: r.verification.opinion,
            at: r.verification.at,
          }
        : null,
    })),
    interviews: (s?.interviews ?? []).map((i) => {
      const at = i.schedules.at(-1);
      return {
        kind: i.kind,
        kindName: INTERVIEW_KIND_NAMES_ZH[i.kind],
        at: at?.at ?? null,
        place: at?.place ?? null,
        appeared: i.record ? i.record.appeared : null,
        undertakings: i.record?.undertakings ?? null,
      };
    }),
    consequence:
      s?.consequence?.decision?.confirmed === true
        ? { summary: s.consequence.summary, decidedAt: s.consequence.decision.at }
        : null,
    timeline: publicTimeline(events, SUBJECT_KINDS),
    rectifiedAt: iso(row.rectifiedAt),
    closedAt: iso(row.closedAt),
  };
}
