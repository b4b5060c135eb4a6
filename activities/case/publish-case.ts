import type { DataSource, EntityManager } from 'typeorm';
import type { CaseActivities, PublishCaseInput } from '../../workflows/case/types';

/** Writes one procedure's read model in the given transaction; idempotent, newest revision wins. */
export type CaseReadModelWriter = (tx: EntityManager, input: PublishCaseInput) => Promise<void>;

export class UnknownProcedureError extends Error {
  constructor(procedure: string) {
    super(`no read-model writer for procedure "${procedure}"`);
    this.name = 'UnknownProcedureError';
  }
}

/**
 * The case kit's publication (`publishCase`): one activity for every procedure, which hands the
 * newest view and the new timeline entries to the procedure's writer in one transaction. A
 * procedure joins by adding its writer in activities/index.ts.
 */
export function createCaseActivities(deps: {
  dataSource: DataSource;
  writers: Record<string, CaseReadModelWriter>;
}): CaseActivities {
  return {
    async publishCase(input: PublishCaseInput): Promise<void> {
      const writer = deps.writers[input.procedure];
      if (!writer) throw new UnknownProcedureError(input.procedure);
      await deps.dataSource.transaction((tx) => writer(tx, input));
    },
  };
}
