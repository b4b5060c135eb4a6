import 'reflect-metadata';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../../../infra/config/config';
import { chainReport, verifyAuditChains } from '../../../infra/database/audit-chain';
import { dataSourceOptions } from '../../../infra/database/data-source';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from '../../../infra/database/embedded-postgres';

/**
 * `npm run audit:verify [-- --chain yexian]` walks the audit trail's hash chains and prints a
 * Chinese and English report; exit code 0 when intact, 1 when a link is broken, 2 when it could not
 * check. Uses DATABASE_URL, else the embedded PostgreSQL of DATA_DIR (the running service's, or
 * started for the check when the service is stopped). Reads only; runs no migrations.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { chain: { type: 'string', multiple: true } } });
  const config = loadConfig();
  let embedded: EmbeddedPostgresHandle | undefined;
  let url = config.database.url;
  if (!url) {
    url = `postgres://postgres:postgres@127.0.0.1:${config.database.embeddedPort}/${config.database.name}`;
    if (!(await reachable(url))) {
      embedded = await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'postgres'),
        port: config.database.embeddedPort,
      });
      url = embedded.urlFor(config.database.name);
    }
  }
  const dataSource = new DataSource({ ...dataSourceOptions(url), migrations: [] });
  try {
    await dataSource.initialize();
    const result = await verifyAuditChains(dataSource, values.chain ? { chains: values.chain } : {});
    (result.ok ? console.log : console.error)(chainReport(result));
    return result.ok ? 0 : 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

async function reachable(url: string): Promise<boolean> {
  const probe = new DataSource({ ...dataSourceOptions(url), migrations: [], entities: [] });
  try {
    await probe.initialize();
    await probe.destroy();
    return true;
  } catch {
    return false;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(
      err instanceof ConfigError
        ? err.message
        : `无法核验审计记录（could not verify the audit trail）：${err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(2);
  },
);
