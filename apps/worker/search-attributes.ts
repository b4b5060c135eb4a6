import { temporal } from '@temporalio/proto';
import type { NativeConnection } from '@temporalio/worker';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

type OperatorConnection = Pick<NativeConnection, 'operatorService'>;

/**
 * Registers the procedures' custom search attributes on the namespace (what `temporal operator
 * search-attribute create` does), so workflows can upsert them and supervisors can list by them.
 * Attributes already there are left alone; one with the same name and another type is an error
 * an operator must resolve, so the worker refuses to start.
 */
export async function ensureSearchAttributes(
  connection: OperatorConnection,
  namespace: string,
): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = { ...(existing.systemAttributes ?? {}), ...(existing.customAttributes ?? {}) };
  const missing: Record<string, number> = {};
  for (const key of CASE_SEARCH_ATTRIBUTES) {
    const type = temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`];
    const have = known[key.name];
    if (have === undefined || have === null) missing[key.name] = type;
    else if (have !== type) {
      throw new Error(
        `搜索属性 ${key.name} 已在命名空间 ${namespace} 中以其他类型注册（${have}，应为 ${type}），请由运维人员处理后再启动 worker。`,
      );
    }
  }
  if (Object.keys(missing).length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  }
  return Object.keys(missing);
}
