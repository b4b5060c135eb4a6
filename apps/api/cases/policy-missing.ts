import type { PolicyStore } from '../../../activities/policies/policy-store';
import { jurisdictionByCode } from '../../../workflows/reference/directory';
import { ApiError, notFound, unprocessable } from '../common/errors';

/**
 * 422 `<PROCEDURE>_POLICY_MISSING` for a jurisdiction without a policy in force, for every
 * procedure: the message names the jurisdictions that have one (code and Chinese name) and where
 * the whole directory is (GET /api/jurisdictions), so the caller need not guess a code.
 */
export async function policyMissing(
  policies: PolicyStore,
  code: string,
  policyName: string,
  jurisdiction: string,
): Promise<ApiError> {
  const available = await policies.jurisdictions();
  const named = available.map((j) => {
    const name = jurisdictionByCode(j)?.name;
    return name ? `${j}（${name}）` : j;
  });
  return unprocessable(
    code,
    `辖区“${jurisdiction}”没有现行有效的${policyName}。` +
      (named.length ? `已有政策的辖区：${named.join('、')}。` : '尚无任何辖区的政策。') +
      '辖区与部门代码见 GET /api/jurisdictions。',
    { jurisdiction, jurisdictions: available },
  );
}

/** 404 JURISDICTION_NOT_FOUND for a code no policy names, listing the ones that exist. */
export async function unknownJurisdiction(policies: PolicyStore, jurisdiction: string): Promise<ApiError> {
  const known = await policies.jurisdictions();
  return notFound(
    'JURISDICTION_NOT_FOUND',
    `未知的辖区：${jurisdiction}。已有政策的辖区：${known.join('、')}；辖区与部门代码见 GET /api/jurisdictions。`,
    { jurisdiction, jurisdictions: known },
  );
}
