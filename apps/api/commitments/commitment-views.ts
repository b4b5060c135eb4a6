import type { CommitmentCase, CommitmentEvent, CommitmentItem } from '../../../infra/database/entities';
import type { StepDeadline, TimelineEntry } from '../../../workflows/case/types';
import {
  COMMITMENT_KIND_NAMES_ZH,
  COMMITMENT_STATUS_NAMES_ZH,
  type CommitmentEventKind,
  type CommitmentStatus,
  type CommitmentView,
  type PromisedItem,
} from '../../../workflows/commitment/types';
import { checkResidentId, maskResidentId } from '../../../workflows/registry/identifiers';
import { SUBJECT_KIND_NAMES_ZH, type SubjectKind } from '../../../workflows/registry/types';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const subjectOf = (row: CommitmentCase, code = row.subjectCode) => ({
  code,
  name: row.subjectName,
  kind: row.subjectKind,
  kindName: SUBJECT_KIND_NAMES_ZH[row.subjectKind as SubjectKind] ?? row.subjectKind,
});

const kindAndStatus = (row: CommitmentCase) => ({
  kind: row.kind,
  kindName: COMMITMENT_KIND_NAMES_ZH[row.kind],
  status: row.status,
  statusName: COMMITMENT_STATUS_NAMES_ZH[row.status],
});

/** One line of a staff listing, from the read-model row. */
export function commitmentSummary(row: CommitmentCase) {
  const s = row.snapshot;
  return {
    id: row.id,
    caseNo: row.caseNo,
    ...kindAndStatus(row),
    jurisdiction: row.jurisdiction,
    department: row.department,
    officeName: s?.officeName ?? null,
    subject: subjectOf(row),
    signerName: row.signerName,
    matter: row.matter,
    published: row.published,
    nextDueAt: iso(row.nextDueAt),
    overdue: row.overdue,
    escalationLevel: row.escalationLevel,
    validUntil: iso(row.validUntil),
    breached: row.status === 'breached',
    /** The intake's credit check (逢办必查) and its decision; null while it runs. */
    eligibility: s?.eligibility ?? null,
    signedAt: iso(row.signedAt),
    closedAt: iso(row.closedAt),
    revision: row.revision,
  };
}

/** The timeline as stored (append-only, by seq). */
function timelineOf(events: CommitmentEvent[]): TimelineEntry<CommitmentEventKind>[] {
  return events.map((e) => ({
    seq: e.seq,
    at: e.at.toISOString(),
    kind: e.kind as CommitmentEventKind,
    actor: e.actor,
    summary: e.summary,
    ...(e.detail && Object.keys(e.detail).length > 0 ? { detail: e.detail } : {}),
  }));
}

const dueOf = (deadline: StepDeadline | undefined) =>
  deadline?.due
    ? { due: deadline.due, provisional: deadline.provisional }
    : { due: null, provisional: false };

/** A promised item as staff see it: the workflow's item with its due time and where it stands. */
function itemView(item: PromisedItem, row: CommitmentItem | undefined) {
  const overdue = !item.suppliedAt && (row?.overdue ?? item.deadline?.overdueAt !== undefined);
  return {
    no: item.no,
    name: item.name,
    limit: item.limit,
    extendedBy: item.extendedBy,
    due: item.deadline?.due || iso(row?.dueAt ?? null),
    provisional: item.deadline?.provisional ?? false,
    state: item.suppliedAt ? (item.late ? 'supplied-late' : 'supplied') : overdue ? 'overdue' : 'open',
    overdue,
    escalationLevel: item.deadline?.escalationLevel ?? 0,
    suppliedAt: item.suppliedAt ?? null,
    suppliedBy: item.suppliedBy ?? null,
    attachment: item.attachment ?? null,
  };
}

const ESCALATION_KINDS: readonly CommitmentEventKind[] = ['reminder', 'overdue', 'escalated'];

/** The commitment's file for staff: the newest view, items, deadlines, breach reports, timeline. */
export function commitmentDetail(row: CommitmentCase, items: CommitmentItem[], events: CommitmentEvent[]) {
  const s: CommitmentView | null = row.snapshot;
  const timeline = timelineOf(events);
  const itemRows = new Map(items.map((i) => [i.no, i]));
  return {
    ...commitmentSummary(row),
    policyVersion: row.policyVersion,
    signer: s?.signer ?? { name: row.signerName, capacity: null, contact: row.signerContact },
    signedBy: row.createdBy,
    text: s?.text ?? null,
    items: (s?.items ?? []).map((item) => itemView(item, itemRows.get(item.no))),
    verification: s?.verification
      ? {
          limit: s.verification.limit,
          ...dueOf(s.verification.deadline),
          result: s.verification.result ?? null,
        }
      : null,
    breachReports: s?.reports ?? [],
    breach: s?.breach ?? null,
    breachRecordId: row.breachRecordId,
    keptRecordId: row.keptRecordId,
    withdrawal: s?.withdrawal ?? null,
    escalations: timeline.filter((e) => ESCALATION_KINDS.includes(e.kind)),
    timeline,
  };
}

/**
 * What the signer sees with the query code (no login): where the commitment stands, what is
 * still owed and by when, why it was refused or breached. No staff actors, no internal reminders
 * or escalations, nothing of reported breaches before a decision.
 */
const SIGNER_KINDS: readonly CommitmentEventKind[] = [
  'signed',
  'refused',
  'item-supplied',
  'item-extended',
  'verified',
  'breach-confirmed',
  'kept',
  'breached',
  'withdrawn',
  'deadlines-recomputed',
];

export function signerView(row: CommitmentCase, events: CommitmentEvent[]) {
  const s = row.snapshot;
  return {
    caseNo: row.caseNo,
    ...kindAndStatus(row),
    officeName: s?.officeName ?? null,
    department: row.department,
    subjectName: row.subjectName,
    matter: row.matter,
    published: row.published,
    text: s?.text ?? null,
    signedAt: iso(row.signedAt),
    validUntil: iso(row.validUntil),
    eligibility: s?.eligibility
      ? {
          eligible: s.eligibility.eligible,
          reasons: s.eligibility.reasons,
          retryFrom: s.eligibility.retryFrom ?? null,
        }
      : null,
    items: (s?.items ?? []).map((item) => ({
      no: item.no,
      name: item.name,
      ...dueOf(item.deadline),
      supplied: item.suppliedAt !== undefined,
      suppliedAt: item.suppliedAt ?? null,
    })),
    verification: s?.verification
      ? { ...dueOf(s.verification.deadline), truthful: s.verification.result?.truthful ?? null }
      : null,
    breach: s?.breach
      ? { at: s.breach.at, summary: s.breach.summary, barredUntil: s.breach.barredUntil }
      : null,
    withdrawal: s?.withdrawal ? { at: s.withdrawal.at, reason: s.withdrawal.reason } : null,
    timeline: timelineOf(events)
      .filter((e) => SIGNER_KINDS.includes(e.kind))
      .map((e) => ({ at: e.at, kind: e.kind, summary: e.summary })),
    closedAt: iso(row.closedAt),
  };
}

/** Shown in the 信用承诺专栏: commitments that were admitted; refused and withdrawn ones are not. */
export const PUBLIC_STATUSES: readonly CommitmentStatus[] = ['in-force', 'kept', 'breached'];

const RESIDENT_ID_LIKE = /\d{17}[\dXx]/g;

/**
 * Public text never carries a full 居民身份证号码 nor the signer's contact: every valid resident
 * number in it is masked (the subject's own, a signer's), and the contact is left out.
 */
function publicText(text: string, contact: string): string {
  const masked = text.replace(RESIDENT_ID_LIKE, (m) => (checkResidentId(m).valid ? maskResidentId(m) : m));
  return contact.length >= 3 ? masked.split(contact).join('（联系方式不公开）') : masked;
}

/** One commitment in the public 信用承诺专栏. */
export function publicCommitment(row: CommitmentCase) {
  const s = row.snapshot;
  const code = row.subjectKind === 'natural-person' ? maskResidentId(row.subjectCode) : row.subjectCode;
  return {
    caseNo: row.caseNo,
    ...kindAndStatus(row),
    officeName: s?.officeName ?? null,
    department: row.department,
    subject: subjectOf(row, code),
    matter: row.matter,
    signedAt: iso(row.signedAt),
    validUntil: iso(row.validUntil),
    text: s?.text ? { title: s.text.title, body: publicText(s.text.body, row.signerContact) } : null,
    breachedAt: row.status === 'breached' ? (s?.breach?.at ?? iso(row.closedAt)) : null,
    closedAt: iso(row.closedAt),
  };
}
