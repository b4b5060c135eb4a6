import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../../infra/config/config';
import { dataSourceOptions } from '../../../infra/database/data-source';
import { NO_LOCAL_WORKER } from '../../../infra/temporal/worker-status';
import { AppModule } from '../app.module';
import { loadSigningKeys } from '../auth/signing-keys';
import { TokenService } from '../auth/tokens';
import { buildOpenApiDocument, openApiJson } from './openapi';

/**
 * `npm run openapi`: writes the API's OpenAPI document to docs/openapi.json (keys sorted, so the
 * file changes only when the API does). The application is built in preview mode: no provider is
 * instantiated, nothing connects to a database or Temporal.
 */
async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'credit-openapi-'));
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir });
    const unreachable = '127.0.0.1:1';
    const connection = Connection.lazy({ address: unreachable });
    const app = await NestFactory.create(
      AppModule.register({
        config,
        dataSource: new DataSource(dataSourceOptions(`postgres://unused@${unreachable}/unused`)),
        temporal: new Client({ connection }),
        temporalProbe: connection,
        workerStatus: NO_LOCAL_WORKER,
        tokens: new TokenService(loadSigningKeys(config.auth), config.auth),
      }),
      // Errors only: preview mode announces itself with warnings a reader need not see.
      { preview: true, logger: ['error'] },
    );
    const target = path.resolve(__dirname, '..', '..', '..', 'docs', 'openapi.json');
    writeFileSync(target, openApiJson(buildOpenApiDocument(app)));
    await app.close();
    await connection.close();
    console.log(`OpenAPI document written to ${path.relative(process.cwd(), target)}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
