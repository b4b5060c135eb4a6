import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes of the procedures, for supervisors' listings in Temporal's visibility
 * (the read model in PostgreSQL serves the API; these let an operator find cases with the
 * Temporal UI or CLI too). The worker registers them at start (apps/worker/search-attributes).
 */
export const CASE_NO = defineSearchAttributeKey('CaseNo', SearchAttributeType.KEYWORD);
export const CASE_STATUS = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const CASE_STEP = defineSearchAttributeKey('CaseStep', SearchAttributeType.KEYWORD);
export const CASE_JURISDICTION = defineSearchAttributeKey('CaseJurisdiction', SearchAttributeType.KEYWORD);
/** The office and, while verifying, the provider department. */
export const CASE_DEPARTMENTS = defineSearchAttributeKey('CaseDepartments', SearchAttributeType.KEYWORD_LIST);
export const CASE_OVERDUE = defineSearchAttributeKey('CaseOverdue', SearchAttributeType.BOOL);
export const CASE_STEP_DUE_AT = defineSearchAttributeKey('CaseStepDueAt', SearchAttributeType.DATETIME);
export const CASE_ESCALATION_LEVEL = defineSearchAttributeKey('CaseEscalationLevel', SearchAttributeType.INT);

export const CASE_SEARCH_ATTRIBUTES = [
  CASE_NO,
  CASE_STATUS,
  CASE_STEP,
  CASE_JURISDICTION,
  CASE_DEPARTMENTS,
  CASE_OVERDUE,
  CASE_STEP_DUE_AT,
  CASE_ESCALATION_LEVEL,
];
