import type { DataSource } from 'typeorm';
import { RectificationCase } from '../../infra/database/entities/rectification';
import type { CompletedRectification } from '../../workflows/rectification/activities-contract';
import { normalizeIdentifier } from '../../workflows/registry/identifiers';

/**
 * 完成信用整改 (seed 004 (十二)): the subject's rectifications of a record that the identifying
 * department verified as done, newest first, from the read model. The repair procedure takes one
 * as evidence of the material `rectification` and shows it on its eligibility check; it is also
 * an activity (`completedRectifications`) for a workflow.
 */
export async function completedRectifications(
  dataSource: DataSource,
  subjectCode: string,
  recordId: string,
): Promise<CompletedRectification[]> {
  const rows = await dataSource.getRepository(RectificationCase).find({
    where: { subjectCode: normalizeIdentifier(subjectCode), recordId, status: 'rectified' },
    order: { rectifiedAt: 'DESC' },
  });
  return rows.map((row) => {
    const done = row.snapshot?.reports.find((r) => r.verification?.result === 'done');
    return {
      caseId: row.id,
      caseNo: row.caseNo,
      department: row.department,
      subjectCode: row.subjectCode,
      recordId: row.recordId,
      obligations: row.snapshot?.obligations ?? [],
      rectifiedAt: (row.rectifiedAt ?? row.closedAt ?? row.updatedAt).toISOString(),
      opinion: done?.verification?.opinion ?? null,
    };
  });
}
