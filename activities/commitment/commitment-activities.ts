import { ApplicationFailure } from '@temporalio/common';
import { In, MoreThanOrEqual, Not, type DataSource } from 'typeorm';
import { CreditRecord } from '../../infra/database/entities/registry';
import type {
  CommitmentActivities,
  CommitmentMeasuresInput,
  CommitmentMeasuresResult,
  CommitmentRecordInput,
  EligibilityFacts,
  EligibilityFactsInput,
  NegativeRecordFact,
} from '../../workflows/commitment/activities-contract';
import type { RecordKind, RecordStatus } from '../../workflows/registry/types';
import { Clock, createRegistry, RegistryError, systemClock } from '../registry';

/** Negative records (不良信用记录) for the green channel's clean-record rule. */
const NEGATIVE_KINDS: RecordKind[] = [
  'administrative-penalty',
  'dishonesty-list-entry',
  'commitment-breach',
  'interview-record',
];
/** Records that no longer stand: revoked by an objection or deleted at the end of retention. */
const GONE: RecordStatus[] = ['revoked', 'deleted'];
/**
 * A breach record no longer bars the fast track once repaired, revoked or deleted. A corrected one
 * still stands (the correction changed what it says, not that the commitment was breached), and
 * so do disputed, hidden and expired ones (an objection undecided, publicity paused or ended).
 */
const BREACH_LIFTED: RecordStatus[] = ['repaired', 'revoked', 'deleted'];

/** A registry refusal as a non-retryable failure carrying the registry's code (as registry-activities does). */
function refusal(err: RegistryError): ApplicationFailure {
  return ApplicationFailure.create({
    message: err.message,
    type: err.code,
    nonRetryable: true,
    details: err.details === undefined ? [] : [err.details],
  });
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof RegistryError ? refusal(err) : err;
  }
}

const fact = (r: CreditRecord): NegativeRecordFact => ({
  recordId: r.id,
  kind: r.kind,
  status: r.status,
  documentNo: r.documentNo,
  title: r.title,
  decisionDate: r.decisionDate,
});

/**
 * The commitment procedure's effects on the registry (信用承诺), each idempotent under retry:
 * the credit check of the intake (stored with the case), the breach or kept record (one per case
 * and kind: the document number is the case's), and measures of the published list.
 */
export function createCommitmentActivities(deps: {
  dataSource: DataSource;
  clock?: Clock;
}): CommitmentActivities {
  const registry = createRegistry(deps.dataSource, deps.clock ?? systemClock);
  const records = () => deps.dataSource.getRepository(CreditRecord);

  return {
    commitmentEligibilityFacts: (input: EligibilityFactsInput): Promise<EligibilityFacts> =>
      guarded(async () => {
        // One check per case file: a retried attempt after a stored check returns that one.
        const [earlier] = await registry.checks.list({
          caseRef: input.caseRef,
          subjectCode: input.subjectCode,
        });
        const check =
          earlier ??
          (await registry.checks.check({
            subjectCode: input.subjectCode,
            matter: input.matter,
            caseRef: input.caseRef,
            actor: input.actor,
            // The workflow runs the check at intake, in the name of the caseworker who accepted it.
            roles: ['system'],
            department: input.department,
            revealIdentifiers: false,
          }));
        const subject = await registry.subjects.findByCode(input.subjectCode);
        const breaches = await records().find({
          where: { subjectId: subject.id, kind: 'commitment-breach', status: Not(In(BREACH_LIFTED)) },
          order: { decisionDate: 'ASC' },
        });
        const bad = await records().find({
          where: {
            subjectId: subject.id,
            kind: In(NEGATIVE_KINDS),
            status: Not(In(GONE)),
            decisionDate: MoreThanOrEqual(input.badRecordsSince),
          },
          order: { decisionDate: 'ASC' },
        });
        return {
          creditCheckId: check.id,
          checkedAt: check.checkedAt,
          subject: { code: subject.code, name: subject.name },
          blacklists: check.lists
            .filter((l) => l.listType === 'black')
            .map((l) => ({ domain: l.domain, listName: l.listName, department: l.department })),
          breaches: breaches.map(fact),
          badRecords: bad.map(fact),
        };
      }),

    registerCommitmentRecord: (input: CommitmentRecordInput) =>
      guarded(async () => {
        const { record, created } = await registry.records.register({
          subjectCode: input.subjectCode,
          kind: input.kind,
          department: input.department,
          documentNo: input.documentNo,
          decisionDate: input.decisionDate,
          title: input.title,
          content: input.content,
          publicityStart: input.publicityStart ?? null,
          publicityMaxEnd: input.publicityMaxEnd ?? null,
          actor: input.actor,
          push: input.kind === 'commitment-breach',
        });
        return { recordId: record.id, created };
      }),

    async applyCommitmentMeasures(input: CommitmentMeasuresInput): Promise<CommitmentMeasuresResult> {
      const result: CommitmentMeasuresResult = { appliedMeasureIds: [], refused: [] };
      for (const measureCode of input.measureCodes) {
        try {
          const { applied } = await registry.measures.apply({
            subjectCode: input.subjectCode,
            measureCode,
            matter: input.matter,
            executingDepartment: input.executingDepartment,
            caseRef: input.caseRef,
            actor: input.actor,
          });
          result.appliedMeasureIds.push(applied.id);
        } catch (err) {
          if (!(err instanceof RegistryError)) throw err;
          result.refused.push({ measureCode, code: err.code, message: err.message });
        }
      }
      return result;
    },
  };
}
