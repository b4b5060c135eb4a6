import { HttpStatus } from '@nestjs/common';
import type { CreditRecord, CreditSubject } from '../../../infra/database/entities/registry';
import { departmentByName } from '../../../workflows/reference/directory';
import { maskResidentId } from '../../../workflows/registry/identifiers';
import type { RecordAction } from '../../../workflows/registry/record-lifecycle';
import type { Principal, Role } from '../auth/roles';
import { ApiError } from '../common/errors';

/**
 * Who sees full 居民身份证号码 (organisations' credit codes are public and never masked):
 * - admin: always;
 * - supervisor (负责人/信用办): within the jurisdiction it answers for — on records of its
 *   jurisdiction's departments, and on subjects registered in its jurisdiction or holding a record
 *   of one of its departments; another jurisdiction's subjects are masked like anyone's;
 * - provider: on records of its own department, and on subjects its department holds a record
 *   on (it registered that person and must be able to verify the identity: 谁认定、谁负责);
 * - caseworker: masked (110105********1234). The applicant's file holds the number; the
 *   registry does not hand it back to every office that checks a subject;
 * - the public view: always masked.
 */
const isAdmin = (principal: Principal) => principal.roles.includes('admin');

/** Whether `department` (a directory name) belongs to the supervisor's jurisdiction. */
function supervisesDepartment(principal: Principal, department: string): boolean {
  return (
    principal.roles.includes('supervisor') &&
    principal.jurisdiction !== undefined &&
    departmentByName(department)?.jurisdiction.code === principal.jurisdiction
  );
}

/** Full numbers on what rests on a record (the record, its list entries' exits). */
export function revealsOnRecord(principal: Principal, record: Pick<CreditRecord, 'department'>): boolean {
  return (
    isAdmin(principal) ||
    supervisesDepartment(principal, record.department) ||
    isRecordProvider(principal, record)
  );
}

/** Full numbers of a subject (its own code and its persons'), given the departments holding records on it. */
function revealsFor(
  principal: Principal,
  departmentsHoldingRecords: readonly string[],
  subjectJurisdiction?: string | null,
): boolean {
  if (isAdmin(principal)) return true;
  if (principal.roles.includes('supervisor')) {
    if (subjectJurisdiction && principal.jurisdiction && subjectJurisdiction === principal.jurisdiction)
      return true;
    if (departmentsHoldingRecords.some((d) => supervisesDepartment(principal, d))) return true;
  }
  return (
    principal.roles.includes('provider') &&
    principal.department !== undefined &&
    departmentsHoldingRecords.includes(principal.department)
  );
}

/** revealsFor a registered subject, reading the departments that hold records on it. */
export async function revealsSubject(
  principal: Principal,
  subject: Pick<CreditSubject, 'id' | 'jurisdiction'>,
  records: { departmentsHolding(subjectId: string): Promise<string[]> },
): Promise<boolean> {
  return revealsFor(principal, await records.departmentsHolding(subject.id), subject.jurisdiction);
}

export function displayCode(subject: Pick<CreditSubject, 'code' | 'idType'>, reveal: boolean): string {
  return subject.idType === 'resident-id' && !reveal ? maskResidentId(subject.code) : subject.code;
}

/** Which roles may take which lifecycle action on a record through the API. */
export const RECORD_ACTION_ROLES: Record<RecordAction, Role[]> = {
  // The office that receives the objection marks the record disputed and closes the mark.
  dispute: ['caseworker', 'supervisor'],
  'resolve-dispute': ['caseworker', 'supervisor'],
  // Publicity may be suspended by the provider or the credit office.
  hide: ['provider', 'supervisor'],
  unhide: ['provider', 'supervisor'],
  // Content changes belong to the department that provided the record (谁认定、谁修复).
  correct: ['provider'],
  revoke: ['provider'],
  repair: ['provider'],
  // Only the repair procedure revokes a repair: the entries and measures it ended come back with it.
  'revoke-repair': [],
  // Expiry and deletion: the provider, or the administrator running retention.
  expire: ['provider', 'admin'],
  delete: ['provider', 'admin'],
};

/**
 * Checks the caller may take `action`; returns the department the action is restricted to when
 * the caller acts only as a provider (its own records), or undefined when unrestricted.
 */
export function recordActionScope(principal: Principal, action: RecordAction): string | undefined {
  if (RECORD_ACTION_ROLES[action].length === 0) {
    throw new ApiError(
      HttpStatus.FORBIDDEN,
      'RECORD_ACTION_PROCEDURE_ONLY',
      '撤销信用修复须在信用修复案件中办理（同时恢复名单和惩戒措施），不能直接对信用记录操作。',
      { action },
    );
  }
  const allowed = RECORD_ACTION_ROLES[action].filter((r) => principal.roles.includes(r));
  if (allowed.length === 0) {
    throw new ApiError(
      HttpStatus.FORBIDDEN,
      'AUTH_FORBIDDEN_ROLE',
      `无权对信用记录执行此操作（${action}）。`,
      {
        requiredRoles: RECORD_ACTION_ROLES[action],
      },
    );
  }
  if (allowed.some((r) => r !== 'provider')) return undefined;
  return requireDepartment(principal);
}

/** The caller's department claim; providers and executing offices must have one. */
export function requireDepartment(principal: Principal): string {
  if (!principal.department) {
    throw new ApiError(
      HttpStatus.FORBIDDEN,
      'AUTH_DEPARTMENT_REQUIRED',
      '访问令牌未注明所属单位（department），无法代表单位登记或办理，请联系管理员重新签发令牌。',
    );
  }
  return principal.department;
}

/** Departments' own-record check for reads: provider of this record? */
export function isRecordProvider(principal: Principal, record: Pick<CreditRecord, 'department'>): boolean {
  return principal.roles.includes('provider') && principal.department === record.department;
}
