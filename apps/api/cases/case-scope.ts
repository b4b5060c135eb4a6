import { HttpStatus } from '@nestjs/common';
import type { Principal } from '../auth/roles';
import { ApiError } from '../common/errors';

/**
 * Who sees which case, for every procedure:
 * - supervisor (负责人/信用办): every case of its jurisdiction (all jurisdictions without the claim);
 * - caseworker: the cases of its own department (the office that received them);
 * - provider: the cases on records its department provided (谁认定、谁核查), in procedures that
 *   have a provider department (the objection); none in the others.
 * A caller with several roles sees the union.
 */
export interface CaseScope {
  all: boolean;
  jurisdictions: string[];
  officeDepartments: string[];
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
  const scope: CaseScope = { all: false, jurisdictions: [], officeDepartments: [], providerDepartments: [] };
  if (principal.roles.includes('supervisor')) {
    if (principal.jurisdiction) scope.jurisdictions.push(principal.jurisdiction);
    else scope.all = true;
  }
  if (principal.roles.includes('caseworker') && principal.department) {
    scope.officeDepartments.push(principal.department);
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
    scope.officeDepartments.includes(row.officeDepartment) ||
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
  if (scope.officeDepartments.length) parts.push(`${columns.officeDepartment} IN (:...scopeOffices)`);
  if (scope.providerDepartments.length && columns.providerDepartment) {
    parts.push(`${columns.providerDepartment} IN (:...scopeProviders)`);
  }
  return {
    sql: parts.length ? `(${parts.join(' OR ')})` : 'FALSE',
    params: {
      scopeJurisdictions: scope.jurisdictions,
      scopeOffices: scope.officeDepartments,
      scopeProviders: scope.providerDepartments,
    },
  };
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
