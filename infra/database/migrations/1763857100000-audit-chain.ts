import { MigrationInterface, QueryRunner } from 'typeorm';
import { auditEventHash, GENESIS_HASH } from '../audit-chain';

/**
 * The audit trail becomes tamper-evident (docs/audit.md): matter (why) and subject (whose data)
 * columns, one SHA-256 hash chain per jurisdiction with a head table, and the rows written so
 * far hashed into their chains in id order. The head table only moves forward (trigger).
 */
export class AuditChain1763857100000 implements MigrationInterface {
  name = 'AuditChain1763857100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_event
        ADD COLUMN matter text,
        ADD COLUMN subject text,
        ADD COLUMN chain text,
        ADD COLUMN chain_seq bigint,
        ADD COLUMN prev_hash text,
        ADD COLUMN hash text`);
    await q.query(`
      CREATE TABLE audit_chain_head (
        chain text PRIMARY KEY,
        last_seq bigint NOT NULL DEFAULT 0,
        last_id bigint,
        last_hash text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Hash what is there, in id order. The append-only trigger is off for this one transaction.
    await q.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
    // Hashes cover milliseconds (JavaScript instants); earlier rows were stamped by now() in µs.
    await q.query(`UPDATE audit_event SET occurred_at = date_trunc('milliseconds', occurred_at)`);
    const heads = new Map<string, { seq: bigint; hash: string; id: string }>();
    let after = '-1';
    for (;;) {
      const rows = (await q.query(
        `SELECT id::text AS id, occurred_at AS "occurredAt", actor_sub AS "actorSub", actor_roles AS "actorRoles",
                department, jurisdiction, method, path, status_code AS "statusCode", request_id AS "requestId"
         FROM audit_event WHERE audit_event.id > $1::bigint ORDER BY audit_event.id LIMIT 1000`,
        [after],
      )) as {
        id: string;
        occurredAt: Date;
        actorSub: string;
        actorRoles: string[];
        department: string | null;
        jurisdiction: string | null;
        method: string;
        path: string;
        statusCode: number;
        requestId: string | null;
      }[];
      if (rows.length === 0) break;
      const update = {
        ids: [] as string[],
        chains: [] as string[],
        seqs: [] as string[],
        prev: [] as string[],
      };
      const hashes: string[] = [];
      for (const row of rows) {
        const chain = row.jurisdiction ?? '';
        const head = heads.get(chain) ?? { seq: 0n, hash: GENESIS_HASH, id: row.id };
        const seq = head.seq + 1n;
        const hash = auditEventHash({
          ...row,
          matter: null,
          subject: null,
          chain,
          chainSeq: seq.toString(),
          prevHash: head.hash,
        });
        update.ids.push(row.id);
        update.chains.push(chain);
        update.seqs.push(seq.toString());
        update.prev.push(head.hash);
        hashes.push(hash);
        heads.set(chain, { seq, hash, id: row.id });
      }
      await q.query(
        `UPDATE audit_event e
         SET chain = v.chain, chain_seq = v.seq, prev_hash = v.prev, hash = v.hash
         FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS v(id, chain, seq, prev, hash)
         WHERE e.id = v.id`,
        [update.ids, update.chains, update.seqs, update.prev, hashes],
      );
      after = rows[rows.length - 1].id;
    }
    await q.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
    for (const [chain, head] of heads) {
      await q.query(
        `INSERT INTO audit_chain_head (chain, last_seq, last_id, last_hash) VALUES ($1, $2, $3, $4)`,
        [chain, head.seq.toString(), head.id, head.hash],
      );
    }

    await q.query(`
      ALTER TABLE audit_event
        ALTER COLUMN chain SET NOT NULL,
        ALTER COLUMN chain_seq SET NOT NULL,
        ALTER COLUMN prev_hash SET NOT NULL,
        ALTER COLUMN hash SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "UQ_audit_event_chain_seq" ON audit_event (chain, chain_seq)`);
    await q.query(`CREATE INDEX "IDX_audit_event_jurisdiction" ON audit_event (jurisdiction, id)`);
    await q.query(`
      CREATE FUNCTION refuse_audit_head_rewind() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR NEW.chain <> OLD.chain OR NEW.last_seq <= OLD.last_seq THEN
          RAISE EXCEPTION 'audit chain heads only move forward (% refused on chain %)', TG_OP, OLD.chain;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_chain_head_forward_only BEFORE UPDATE OR DELETE ON audit_chain_head
      FOR EACH ROW EXECUTE FUNCTION refuse_audit_head_rewind()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_chain_head`);
    await q.query(`DROP FUNCTION refuse_audit_head_rewind()`);
    await q.query(`DROP INDEX "IDX_audit_event_jurisdiction"`);
    await q.query(`DROP INDEX "UQ_audit_event_chain_seq"`);
    await q.query(`
      ALTER TABLE audit_event
        DROP COLUMN matter, DROP COLUMN subject, DROP COLUMN chain, DROP COLUMN chain_seq,
        DROP COLUMN prev_hash, DROP COLUMN hash`);
  }
}
