import type { DataSource } from 'typeorm';
import { ListEntry } from '../../infra/database/entities/registry';
import type {
  ConsequenceInput,
  ConsequenceResult,
  InterviewRecordInput,
  RectificationActivities,
} from '../../workflows/rectification/activities-contract';
import { registryRefusals } from '../case/registry-refusals';
import { createCommitmentActivities } from '../commitment/commitment-activities';
import { Clock, createRegistry, systemClock } from '../registry';
import { completedRectifications } from './completed-rectifications';

/**
 * The rectification procedure's effects on the registry (限期整改、约谈), each idempotent under
 * retry: the interview record (one per case and interview: the document number is the case's),
 * pushed to the platform with the outbox in the same transaction; the confirmed consequence (the
 * 重点关注名单 entry found again by its document number, measures applied once per entry); and
 * the read of completed rectifications for the repair procedure.
 */
export function createRectificationActivities(deps: {
  dataSource: DataSource;
  clock?: Clock;
}): RectificationActivities {
  const registry = createRegistry(deps.dataSource, deps.clock ?? systemClock);
  // Measures of the published list, applied once per entry with refusals returned: the same
  // application as a commitment's breach measures.
  const applyMeasures = createCommitmentActivities(deps).applyCommitmentMeasures;

  async function watchListEntry(input: ConsequenceInput & { consequence: { kind: 'watch-list' } }) {
    const subject = await registry.subjects.findByCode(input.subjectCode);
    const earlier = await deps.dataSource.getRepository(ListEntry).findOneBy({
      subjectId: subject.id,
      listType: 'watch',
      department: input.department,
      documentNo: input.documentNo,
    });
    if (earlier) return earlier.id;
    const { entry } = await registry.lists.addEntry({
      subjectCode: input.subjectCode,
      listType: 'watch',
      domain: input.domain,
      listName: input.consequence.listName,
      department: input.department,
      basis: input.basis,
      documentNo: input.documentNo,
      recordId: input.recordId ?? null,
      effectiveFrom: input.effectiveFrom,
      expiresOn: input.expiresOn ?? null,
      actor: input.actor,
    });
    return entry.id;
  }

  return {
    registerInterviewRecord: (input: InterviewRecordInput) =>
      registryRefusals(async () => {
        const { record, created } = await registry.records.register({
          subjectCode: input.subjectCode,
          kind: 'interview-record',
          department: input.department,
          documentNo: input.documentNo,
          decisionDate: input.decisionDate,
          title: input.title,
          content: input.content,
          actor: input.actor,
          push: true,
        });
        return { recordId: record.id, created };
      }),

    applyRectificationConsequence: (input: ConsequenceInput) =>
      registryRefusals(async (): Promise<ConsequenceResult> => {
        const result: ConsequenceResult = { appliedMeasureIds: [], refused: [] };
        const { consequence } = input;
        if (consequence.kind === 'watch-list') {
          result.listEntryId = await watchListEntry({ ...input, consequence });
        }
        if (consequence.kind === 'measures') {
          const { appliedMeasureIds, refused } = await applyMeasures({
            caseRef: input.caseRef,
            subjectCode: input.subjectCode,
            measureCodes: consequence.measureCodes,
            matter: input.matter,
            executingDepartment: input.department,
            actor: input.actor,
          });
          result.appliedMeasureIds = appliedMeasureIds;
          result.refused = refused;
        }
        return result;
      }),

    completedRectifications: (input: { subjectCode: string; recordId: string }) =>
      completedRectifications(deps.dataSource, input.subjectCode, input.recordId),
  };
}
