import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { seedReferenceData } from '../../activities/reference-data';
import { createApiApp } from '../../apps/api/api';
import type { Role } from '../../apps/api/auth/roles';
import { loadSigningKeys, type SigningKeys } from '../../apps/api/auth/signing-keys';
import { TokenService } from '../../apps/api/auth/tokens';
import { loadConfig } from '../../infra/config/config';
import { openDatabase } from '../../infra/database/data-source';
import { departmentByName } from '../../workflows/reference/directory';
import { createProbeConnection } from '../../infra/temporal/client';
import { NO_LOCAL_WORKER, WorkerStatusSource } from '../../infra/temporal/worker-status';
import { createTestDatabase } from './database';

export interface TestApi {
  app: INestApplication;
  dataSource: DataSource;
  tokens: TokenService;
  /** The signing keys and the issuer and audience tokens must name (for hand-built tokens). */
  signing: SigningKeys & { issuer: string; audience: string };
  /**
   * A bearer header for a caller with these roles. `department` is a code of the directory, or a
   * department's full name, which is translated to its code (and gives the jurisdiction when the
   * claims name none).
   */
  auth(
    roles: Role[],
    claims?: { sub?: string; department?: string; jurisdiction?: string },
  ): { Authorization: string };
  close(): Promise<void>;
}

/**
 * Token claims with the department as its directory code: a full name becomes its code and, when
 * no jurisdiction is given, brings its own. A name of another jurisdiction than the one given is
 * a mistake in the test, not a token to sign.
 */
export function directoryClaims(claims: { department?: string; jurisdiction?: string }): {
  department?: string;
  jurisdiction?: string;
} {
  const named = claims.department === undefined ? undefined : departmentByName(claims.department);
  if (!named) return { department: claims.department, jurisdiction: claims.jurisdiction };
  if (claims.jurisdiction !== undefined && claims.jurisdiction !== named.jurisdiction.code) {
    throw new Error(
      `test token: ${claims.department} belongs to ${named.jurisdiction.code}, not ${claims.jurisdiction}`,
    );
  }
  return { department: named.department.code, jurisdiction: named.jurisdiction.code };
}

/**
 * The real API on a fresh, migrated test database with a freshly generated signing key.
 * Temporal: the given client, or a lazy client to an address where nothing listens (for tests
 * that do not start workflows).
 */
export async function startTestApi(
  options: {
    temporal?: Client;
    temporalAddress?: string;
    workerStatus?: WorkerStatusSource;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<TestApi> {
  const db = await createTestDatabase('api');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'credit-api-'));
  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: db.url, ...options.env });
  const dataSource = await openDatabase(db.url);
  await seedReferenceData(dataSource);
  const keys = loadSigningKeys(config.auth);
  const tokens = new TokenService(keys, config.auth);
  // Without a Temporal server: a client whose calls fail at once (nothing listens on port 1).
  const address = options.temporalAddress ?? '127.0.0.1:1';
  const probe = createProbeConnection(address);
  const lazyConnection = options.temporal ? undefined : Connection.lazy({ address, interceptors: [] });
  const temporal = options.temporal ?? new Client({ connection: lazyConnection! });
  const app = await createApiApp({
    config,
    dataSource,
    temporal,
    temporalProbe: probe,
    workerStatus: options.workerStatus ?? NO_LOCAL_WORKER,
    tokens,
  });
  await app.init();
  let n = 0;
  return {
    app,
    dataSource,
    tokens,
    signing: { ...keys, issuer: config.auth.issuer, audience: config.auth.audience },
    auth: (roles, claims = {}) => ({
      Authorization: `Bearer ${tokens.issue({ sub: claims.sub ?? `tester.${++n}`, roles, ...directoryClaims(claims) })}`,
    }),
    close: async () => {
      await app.close();
      if (dataSource.isInitialized) await dataSource.destroy();
      await probe.close();
      await lazyConnection?.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
