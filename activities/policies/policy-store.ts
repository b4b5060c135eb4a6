import type { DataSource } from 'typeorm';
import { PolicyVersionRow } from '../../infra/database/entities';
import { POLICY_PRESETS, policyInForceAt, PolicyDocument, PolicyVersion } from '../../workflows/policies';

function toVersion(row: PolicyVersionRow): PolicyVersion {
  return {
    jurisdiction: row.jurisdiction,
    version: row.version,
    effectiveFrom: row.effectiveFrom,
    document: row.data as unknown as PolicyDocument,
  };
}

/**
 * Policy versions in PostgreSQL: the presets are seeded once; admins add versions. A version is
 * never changed: a case keeps the version in force when it started.
 */
export class PolicyStore {
  constructor(private readonly dataSource: DataSource) {}

  async seedPresets(): Promise<number> {
    let added = 0;
    await this.dataSource.transaction(async (tx) => {
      for (const preset of POLICY_PRESETS) {
        const inserted: unknown[] = await tx.query(
          `INSERT INTO policy_version (jurisdiction, version, effective_from, data, source, reason, created_by)
           VALUES ($1, $2, $3, $4, 'preset', '预置政策', 'system')
           ON CONFLICT (jurisdiction, version) DO NOTHING
           RETURNING id`,
          [preset.jurisdiction, preset.version, preset.effectiveFrom, JSON.stringify(preset.document)],
        );
        added += inserted.length;
      }
    });
    return added;
  }

  async jurisdictions(): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(PolicyVersionRow)
      .createQueryBuilder('p')
      .select('DISTINCT p.jurisdiction', 'jurisdiction')
      .orderBy('jurisdiction')
      .getRawMany<{ jurisdiction: string }>();
    return rows.map((r) => r.jurisdiction);
  }

  async versions(jurisdiction: string): Promise<PolicyVersion[]> {
    const rows = await this.dataSource
      .getRepository(PolicyVersionRow)
      .find({ where: { jurisdiction }, order: { version: 'ASC' } });
    return rows.map(toVersion);
  }

  async inForceAt(jurisdiction: string, date: string): Promise<PolicyVersion | undefined> {
    return policyInForceAt(await this.versions(jurisdiction), date);
  }

  async addVersion(
    jurisdiction: string,
    effectiveFrom: string,
    document: PolicyDocument,
    reason: string,
    actor: string,
  ): Promise<PolicyVersion> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`policy:${jurisdiction}`]);
      const last = await tx
        .getRepository(PolicyVersionRow)
        .findOne({ where: { jurisdiction }, order: { version: 'DESC' } });
      const row = await tx.getRepository(PolicyVersionRow).save(
        tx.getRepository(PolicyVersionRow).create({
          jurisdiction,
          version: (last?.version ?? 0) + 1,
          effectiveFrom,
          data: document as unknown as Record<string, unknown>,
          source: 'admin',
          reason,
          createdBy: actor,
        }),
      );
      return toVersion(row);
    });
  }
}
