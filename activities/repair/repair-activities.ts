import { ApplicationFailure } from '@temporalio/common';
import { In, Not, type DataSource } from 'typeorm';
import { RepairCase } from '../../infra/database/entities/repair';
import { AppliedMeasure, CreditRecord, Measure } from '../../infra/database/entities/registry';
import type {
  LiftedMeasure,
  RepairActivities,
  RepairFacts,
  RepairFactsInput,
} from '../../workflows/repair/activities-contract';
import { completedRectifications } from '../rectification/completed-rectifications';
import { recordNotFound } from '../registry';

/**
 * The repair procedure's reads (信用修复): the record as it stands at application and the
 * subject's bars after revoked repairs, its rectifications of the record verified as done (完成信用整改); and the measures a repair lifted, named with their
 * executing departments. Reads only: idempotent by nature.
 */
export function createRepairActivities(deps: { dataSource: DataSource }): RepairActivities {
  return {
    async repairFacts(input: RepairFactsInput): Promise<RepairFacts> {
      const record = /^[0-9a-f-]{36}$/i.test(input.recordId)
        ? await deps.dataSource.getRepository(CreditRecord).findOneBy({ id: input.recordId })
        : null;
      if (!record) {
        const err = recordNotFound(input.recordId);
        throw ApplicationFailure.create({ message: err.message, type: err.code, nonRetryable: true });
      }
      const revoked = await deps.dataSource.getRepository(RepairCase).find({
        where: { subjectCode: input.subjectCode, status: 'revoked', id: Not(input.caseId) },
      });
      return {
        record: {
          id: record.id,
          kind: record.kind,
          status: record.status,
          department: record.department,
          documentNo: record.documentNo,
          title: record.title,
          severityTier: record.severityTier,
          decisionDate: record.decisionDate,
          publicityStart: record.publicityStart,
        },
        bars: revoked
          .filter((r) => r.barredUntil !== null)
          .map((r) => ({ caseNo: r.caseNo, until: r.barredUntil! })),
        rectifications: await completedRectifications(deps.dataSource, input.subjectCode, record.id),
      };
    },

    async describeAppliedMeasures(input: { appliedMeasureIds: string[] }): Promise<LiftedMeasure[]> {
      if (input.appliedMeasureIds.length === 0) return [];
      const applied = await deps.dataSource
        .getRepository(AppliedMeasure)
        .findBy({ id: In(input.appliedMeasureIds) });
      const measures = await deps.dataSource
        .getRepository(Measure)
        .findBy({ id: In([...new Set(applied.map((a) => a.measureId))]) });
      return applied.map((a) => ({
        id: a.id,
        measureName: measures.find((m) => m.id === a.measureId)?.name ?? a.measureId,
        executingDepartment: a.executingDepartment,
      }));
    },
  };
}
