import type { Client, Connection } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../../infra/config/config';
import type { WorkerStatusSource } from '../../../infra/temporal/worker-status';
import type { TokenService } from '../auth/tokens';

/**
 * Everything the API needs from outside, created by whoever starts it (launcher, tests), so the
 * Nest application itself never opens its own connections or reads the environment.
 */
export interface ApiRuntime {
  config: AppConfig;
  dataSource: DataSource;
  temporal: Client;
  /** Non-retrying connection for health probes. */
  temporalProbe: Connection;
  workerStatus: WorkerStatusSource;
  tokens: TokenService;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');
export const TEMPORAL_PROBE = Symbol('TEMPORAL_PROBE');
export const WORKER_STATUS = Symbol('WORKER_STATUS');
