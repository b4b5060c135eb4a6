import { HttpStatus } from '@nestjs/common';
import type { Principal } from '../auth/roles';
import { ApiError } from '../common/errors';

/**
 * Who sees which case, for every procedure:
 * - supervisor (负责人/信用办): every case of its jurisdiction; a token may omit the jurisdiction
 *   only when it also holds `admin` (TokenService refuses other supervisor tokens without one),
 *   and then it sees every jurisdiction;
 * - caseworker: the cases of its own department (the office that received them) in its own
 *   jurisdiction — both must match the case row;
 * - provider: the cases on records its department provided (谁认定、谁核查), in procedures that
 *   have a provider department, wherever the case was filed. The match is on the department's
 *   name, which the token service resolved from the directory (names are unique across the
 *   directory, so another jurisdiction's token can never match);
 * - admin alone: no case.
 * A caller with several roles sees the union. The token service guarantees that a principal with
 * a department also has a jurisdiction and that both come from the directory.
 */
export interface CaseScope {
  all: boolean;
  jurisdictions: string[];
  /** The caseworker's office, matched on jurisdiction and department together. */
  office?: { jurisdiction: string; department: string };
  providerDepartments: string[];
}

/** The departments of a case row that the scope is matched against. */
export interface ScopedCase {
  jurisdiction: string;
  officeDepartment: string;
  providerDepartment?: string;
}

/** Columns of those fields on alias `c` (a procedure without provider department leaves it out). */
export interface ScopeColumns {
  officeDepartment: string;
  providerDepartment?: string;
}

export function scopeOf(principal: Principal): CaseScope {
  const scope: CaseScope = { all: false, jurisdictions: [], providerDepartments: [] };
  if (principal.roles.includes('supervisor')) {
    if (principal.jurisdiction) scope.jurisdictions.push(principal.jurisdiction);
    else if (principal.roles.includes('admin')) scope.all = true;
  }
  if (principal.roles.includes('caseworker') && principal.department && principal.jurisdiction) {
    scope.office = { jurisdiction: principal.jurisdiction, department: principal.department };
  }
  if (principal.roles.includes('provider') && principal.department) {
    scope.providerDepartments.push(principal.department);
  }
  return scope;
}

export function inScope(scope: CaseScope, row: ScopedCase): boolean {
  return (
    scope.all ||
    scope.jurisdictions.includes(row.jurisdiction) ||
    (scope.office !== undefined &&
      scope.office.jurisdiction === row.jurisdiction &&
      scope.office.department === row.officeDepartment) ||
    (row.providerDepartment !== undefined && scope.providerDepartments.includes(row.providerDepartment))
  );
}

/** SQL condition on alias `c` for the scope (parameters named scope*). */
export function scopeCondition(
  scope: CaseScope,
  columns: ScopeColumns,
): { sql: string; params: Record<string, unknown> } {
  if (scope.all) return { sql: 'TRUE', params: {} };
  const parts: string[] = [];
  if (scope.jurisdictions.length) parts.push('c.jurisdiction IN (:...scopeJurisdictions)');
  if (scope.office) {
    parts.push(`(c.jurisdiction = :scopeOfficeJurisdiction AND ${columns.officeDepartment} = :scopeOffice)`);
  }
  if (scope.providerDepartments.length && columns.providerDepartment) {
    parts.push(`${columns.providerDepartment} IN (:...scopeProviders)`);
  }
  return {
    sql: parts.length ? `(${parts.join(' OR ')})` : 'FALSE',
    params: {
      scopeJurisdictions: scope.jurisdictions,
      scopeOfficeJurisdiction: scope.office?.jurisdiction,
      scopeOffice: scope.office?.department,
      scopeProviders: scope.providerDepartments,
    },
  };
}

/**
 * How a caseworker's office stands to a case's office: `own` (same jurisdiction and department),
 * `jurisdiction` (another department of the same jurisdiction: refused with 403, naming the
 * office but nothing of the case) or `elsewhere` (another jurisdiction: the case does not exist
 * for it, 404).
 */
export function officeRelation(
  principal: Principal,
  row: { jurisdiction: string; officeDepartment: string },
): 'own' | 'jurisdiction' | 'elsewhere' {
  if (!principal.jurisdiction || principal.jurisdiction !== row.jurisdiction) return 'elsewhere';
  return principal.department === row.officeDepartment ? 'own' : 'jurisdiction';
}

/**
 * The token's department or jurisdiction, which registering and acting need; `procedure` names
 * the cases (`异议案件`) and `policy` the rules the jurisdiction picks (`异议处理政策`).
 */
export function requireClaim(
  principal: Principal,
  claim: 'department' | 'jurisdiction',
  names: { procedure: string; policy: string },
): string {
  const value = principal[claim];
  if (!value) {
    throw new ApiError(
      HttpStatus.FORBIDDEN,
      claim === 'department' ? 'AUTH_DEPARTMENT_REQUIRED' : 'AUTH_JURISDICTION_REQUIRED',
      claim === 'department'
        ? `访问令牌未注明所属部门，不能办理${names.procedure}。`
        : `访问令牌未注明所属辖区，无法确定适用的${names.policy}。`,
    );
  }
  return value;
}
