import type { ListExitWithEntry } from '../../../activities/registry/list-exits';
import type { LinkedPerson, SubjectView } from '../../../activities/registry/subjects';
import type {
  AppliedMeasure,
  AppliedMeasureEvent,
  CreditRecord,
  CreditRecordEvent,
  CreditSubject,
  ListEntry,
  Measure,
} from '../../../infra/database/entities/registry';
import {
  APPLIED_MEASURE_STATUS_NAMES_ZH,
  LIST_EXIT_CAUSE_NAMES_ZH,
  LIST_TYPE_NAMES_ZH,
  MEASURE_KIND_NAMES_ZH,
  PERSON_ROLE_NAMES_ZH,
  RECORD_KIND_NAMES_ZH,
  RECORD_STATUS_NAMES_ZH,
  SUBJECT_KIND_NAMES_ZH,
} from '../../../workflows/registry/types';
import { displayCode } from './disclosure';

/** JSON shapes of the registry API: Chinese names next to codes, identifiers masked as decided. */

export function subjectSummary(subject: CreditSubject, reveal: boolean) {
  return {
    id: subject.id,
    kind: subject.kind,
    kindName: SUBJECT_KIND_NAMES_ZH[subject.kind],
    idType: subject.idType,
    code: displayCode(subject, reveal),
    masked: subject.idType === 'resident-id' && !reveal,
    name: subject.name,
  };
}

const linked = (l: LinkedPerson, reveal: boolean) => ({
  role: l.role,
  roleName: PERSON_ROLE_NAMES_ZH[l.role],
  ...subjectSummary(l.subject, reveal),
});

export function subjectView(view: SubjectView, reveal: boolean) {
  return {
    ...subjectSummary(view.subject, reveal),
    jurisdiction: view.subject.jurisdiction,
    registeredBy: view.subject.registeredBy,
    createdAt: view.subject.createdAt,
    persons: view.persons.map((p) => linked(p, reveal)),
    organisations: view.organisations.map((o) => linked(o, reveal)),
  };
}

export function recordView(record: CreditRecord, subject: CreditSubject, reveal: boolean) {
  return {
    id: record.id,
    subject: subjectSummary(subject, reveal),
    kind: record.kind,
    kindName: RECORD_KIND_NAMES_ZH[record.kind],
    department: record.department,
    documentNo: record.documentNo,
    decisionDate: record.decisionDate,
    conductEndedOn: record.conductEndedOn,
    severityTier: record.severityTier,
    title: record.title,
    content: record.content,
    publicityStart: record.publicityStart,
    publicityMinEnd: record.publicityMinEnd,
    publicityMaxEnd: record.publicityMaxEnd,
    retentionEnd: record.retentionEnd,
    status: record.status,
    statusName: RECORD_STATUS_NAMES_ZH[record.status],
    version: record.version,
    registeredBy: record.registeredBy,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function recordEventView(e: CreditRecordEvent) {
  return {
    seq: e.seq,
    at: e.at,
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    actor: e.actor,
    reason: e.reason,
    caseRef: e.caseRef,
    detail: e.detail,
  };
}

export function listEntryView(e: ListEntry) {
  return {
    id: e.id,
    listType: e.listType,
    listTypeName: LIST_TYPE_NAMES_ZH[e.listType],
    domain: e.domain,
    listName: e.listName,
    department: e.department,
    basis: e.basis,
    documentNo: e.documentNo,
    recordId: e.recordId,
    effectiveFrom: e.effectiveFrom,
    expiresOn: e.expiresOn,
    exitedOn: e.exitedOn,
    exitReason: e.exitReason,
    exitCause: e.exitCause,
    exitCauseName: e.exitCause ? LIST_EXIT_CAUSE_NAMES_ZH[e.exitCause] : null,
    exitedAt: e.exitedAt,
    restoredFrom: e.restoredFrom,
    registeredBy: e.registeredBy,
  };
}

/** One list exit (名单退出): the entry, why and when it ended, what was lifted, who was told. */
export function listExitView({ exit, entry, subject }: ListExitWithEntry, reveal: boolean) {
  return {
    entryId: entry.id,
    subject: subjectSummary(subject, reveal),
    listType: entry.listType,
    listTypeName: LIST_TYPE_NAMES_ZH[entry.listType],
    domain: entry.domain,
    listName: entry.listName,
    department: entry.department,
    documentNo: entry.documentNo,
    recordId: entry.recordId,
    effectiveFrom: entry.effectiveFrom,
    expiresOn: entry.expiresOn,
    exitedOn: exit.exitedOn,
    exitedAt: exit.at,
    cause: exit.cause,
    causeName: LIST_EXIT_CAUSE_NAMES_ZH[exit.cause],
    reason: exit.reason,
    actor: exit.actor,
    caseRef: exit.caseRef,
    triggerRecordId: exit.triggerRecordId,
    liftedMeasureIds: exit.liftedMeasureIds,
    notifiedDepartments: exit.notifiedDepartments,
  };
}

export function measureView(m: Measure, todayDate: string) {
  return {
    code: m.code,
    name: m.name,
    kind: m.kind,
    kindName: MEASURE_KIND_NAMES_ZH[m.kind],
    legalBasis: m.legalBasis,
    applicableLists: m.applicableLists,
    publishedOn: m.publishedOn,
    published: m.publishedOn !== null && m.publishedOn <= todayDate,
  };
}

export function appliedMeasureView(a: AppliedMeasure, m: Measure) {
  return {
    id: a.id,
    measureCode: m.code,
    measureName: m.name,
    kind: m.kind,
    legalBasis: m.legalBasis,
    listEntryId: a.listEntryId,
    recordId: a.recordId,
    derivedFrom: a.derivedFrom,
    executingDepartment: a.executingDepartment,
    matter: a.matter,
    status: a.status,
    statusName: APPLIED_MEASURE_STATUS_NAMES_ZH[a.status],
    appliedBy: a.appliedBy,
    appliedAt: a.appliedAt,
    updatedAt: a.updatedAt,
  };
}

export function appliedMeasureEventView(e: AppliedMeasureEvent) {
  return {
    at: e.at,
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    actor: e.actor,
    department: e.department,
    text: e.text,
    caseRef: e.caseRef,
  };
}
