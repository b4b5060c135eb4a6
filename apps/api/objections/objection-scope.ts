import { HttpStatus } from '@nestjs/common';
import type { ObjectionCase } from '../../../infra/database/entities';
import type { Principal } from '../auth/roles';
import { ApiError } from '../common/errors';

/**
 * Who sees which objection case:
 * - supervisor (负责人/信用办): every case of its jurisdiction (all jurisdictions without the claim);
 * - caseworker: the cases of its own department (the office that received them);
 * - provider: the cases on records its department provided (谁认定、谁核查).
 * A caller with several roles sees the union.
 */
export interface CaseScope {
  all: boolean;
  jurisdictions: string[];
  officeDepartments: string[];
  providerDepartments: string[];
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

export function inScope(
  scope: CaseScope,
  row: Pick<ObjectionCase, 'jurisdiction' | 'officeDepartment' | 'providerDepartment'>,
): boolean {
  return (
    scope.all ||
    scope.jurisdictions.includes(row.jurisdiction) ||
    scope.officeDepartments.includes(row.officeDepartment) ||
    scope.providerDepartments.includes(row.providerDepartment)
  );
}

/** SQL condition on alias `c` for the scope (parameters named scope*). */
export function scopeCondition(scope: CaseScope): { sql: string; params: Record<string, unknown> } {
  if (scope.all) return { sql: 'TRUE', params: {} };
  const parts: string[] = [];
  if (scope.jurisdictions.length) parts.push('c.jurisdiction IN (:...scopeJurisdictions)');
  if (scope.officeDepartments.length) parts.push('c.office_department IN (:...scopeOffices)');
  if (scope.providerDepartments.length) parts.push('c.provider_department IN (:...scopeProviders)');
  return {
    sql: parts.length ? `(${parts.join(' OR ')})` : 'FALSE',
    params: {
      scopeJurisdictions: scope.jurisdictions,
      scopeOffices: scope.officeDepartments,
      scopeProviders: scope.providerDepartments,
    },
  };
}

export function requireClaim(principal: Principal, claim: 'department' | 'jurisdiction'): string {
  const value = principal[claim];
  if (!value) {
    throw new ApiError(
      HttpStatus.FORBIDDEN,
      claim === 'department' ? 'AUTH_DEPARTMENT_REQUIRED' : 'AUTH_JURISDICTION_REQUIRED',
      claim === 'department'
        ? '访问令牌未注明所属部门，不能办理异议案件。'
        : '访问令牌未注明所属辖区，无法确定适用的异议处理政策。',
    );
  }
  return value;
}
