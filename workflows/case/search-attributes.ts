import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  CASE_DEPARTMENTS,
  CASE_ESCALATION_LEVEL,
  CASE_JURISDICTION,
  CASE_NO,
  CASE_OVERDUE,
  CASE_STATUS,
  CASE_STEP,
  CASE_STEP_DUE_AT,
} from '../search-attributes';
import type { CaseBase } from './types';

/**
 * The search attributes every case publishes (`searchAttributes` of the kit's options): number,
 * status, the step that is due next and when, jurisdiction, departments, overdue, escalation.
 */
export function caseSearchAttributes(
  s: CaseBase,
  next: { step?: string; due?: string } | undefined,
  departments: string[],
): SearchAttributeUpdatePair[] {
  return [
    { key: CASE_NO, value: s.caseNo },
    { key: CASE_STATUS, value: s.status },
    { key: CASE_STEP, value: next?.step ?? null },
    { key: CASE_JURISDICTION, value: s.jurisdiction },
    { key: CASE_DEPARTMENTS, value: [...new Set(departments)] },
    { key: CASE_OVERDUE, value: s.overdue },
    { key: CASE_STEP_DUE_AT, value: next?.due ? new Date(next.due) : null },
    { key: CASE_ESCALATION_LEVEL, value: s.escalationLevel },
  ];
}
