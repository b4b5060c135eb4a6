import * as path from 'node:path';
import { z } from 'zod';

/**
 * The one typed view of the environment. Every variable is validated at start; a bad value stops
 * the process with a message that names the variable. Absent DATABASE_URL / TEMPORAL_ADDRESS mean
 * "start the embedded one".
 */
const port = (name: string, fallback: number) =>
  z.coerce
    .number({ invalid_type_error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be between 1 and 65535`)
    .max(65535, `${name} must be between 1 and 65535`)
    .default(fallback);

const perWindow = (name: string, fallback: number) =>
  z.coerce
    .number({ invalid_type_error: `${name} must be a number of requests` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .max(1_000_000, `${name} must be at most 1000000`)
    .default(fallback);

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { errorMap: () => ({ message: 'must be true or false' }) })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port('PORT', 3000),
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Express `trust proxy`: 0 (the socket's address is the client), a hop count, or addresses/subnets. */
  TRUST_PROXY: z
    .string()
    .regex(
      /^(\d{1,2}|[A-Za-z0-9.:/]+(\s*,\s*[A-Za-z0-9.:/]+)*)$/,
      'TRUST_PROXY must be a hop count (e.g. 1) or a comma list of proxy addresses or subnets (e.g. loopback, 10.0.0.0/8)',
    )
    .default('0'),

  THROTTLE_LOOKUP_PER_MINUTE: perWindow('THROTTLE_LOOKUP_PER_MINUTE', 10),
  THROTTLE_LOOKUP_PER_SUBJECT_PER_HOUR: perWindow('THROTTLE_LOOKUP_PER_SUBJECT_PER_HOUR', 20),
  THROTTLE_PUBLIC_PER_MINUTE: perWindow('THROTTLE_PUBLIC_PER_MINUTE', 60),
  THROTTLE_PUBLIC_PER_SUBJECT_PER_HOUR: perWindow('THROTTLE_PUBLIC_PER_SUBJECT_PER_HOUR', 120),

  DATABASE_URL: z
    .string()
    .url('DATABASE_URL must be a URL such as postgres://user:password@host:5432/database')
    .refine((u) => /^postgres(ql)?:\/\//.test(u), 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  EMBEDDED_POSTGRES_PORT: port('EMBEDDED_POSTGRES_PORT', 54329),
  DATABASE_NAME: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'DATABASE_NAME may contain only lower-case letters, digits and _')
    .default('credit_procedures'),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(
      /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/,
      'TEMPORAL_ADDRESS must be host:port, e.g. temporal.example.gov.cn:7233',
    )
    .optional(),
  TEMPORAL_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'TEMPORAL_NAMESPACE must be a Temporal namespace name')
    .default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('credit-procedures'),
  EMBEDDED_TEMPORAL_PORT: port('EMBEDDED_TEMPORAL_PORT', 7233),
  // How long the embedded engine keeps a closed case's workflow history (the case file, its
  // timeline and the audit trail are in PostgreSQL for good).
  EMBEDDED_TEMPORAL_RETENTION_DAYS: z.coerce
    .number({ invalid_type_error: 'EMBEDDED_TEMPORAL_RETENTION_DAYS must be a number of days' })
    .int('EMBEDDED_TEMPORAL_RETENTION_DAYS must be a whole number of days')
    .min(1, 'EMBEDDED_TEMPORAL_RETENTION_DAYS must be between 1 and 3650')
    .max(3650, 'EMBEDDED_TEMPORAL_RETENTION_DAYS must be between 1 and 3650')
    .default(30),
  START_WORKER: flag.default('true'),
  // Workflows the worker keeps in memory between their tasks (0: none). A fired timer of a case
  // that is not cached first replays its history; unset: the SDK's default from the heap size.
  WORKER_CACHED_WORKFLOWS: z.coerce
    .number({ invalid_type_error: 'WORKER_CACHED_WORKFLOWS must be a number of workflows' })
    .int('WORKER_CACHED_WORKFLOWS must be a whole number')
    .min(0, 'WORKER_CACHED_WORKFLOWS must be between 0 and 1000000')
    .max(1_000_000, 'WORKER_CACHED_WORKFLOWS must be between 0 and 1000000')
    .optional(),
  // gzip on the worker's gRPC requests; unset: none to a server on this machine (the embedded dev
  // server, or TEMPORAL_ADDRESS on a loopback address: compression is only CPU), else gzip.
  TEMPORAL_GRPC_COMPRESSION: z
    .enum(['gzip', 'none'], {
      errorMap: () => ({ message: 'TEMPORAL_GRPC_COMPRESSION must be gzip or none' }),
    })
    .optional(),

  PLATFORM_WEBHOOK_URL: z
    .string()
    .url('PLATFORM_WEBHOOK_URL must be an http(s) URL of the credit platform endpoint')
    .refine((u) => /^https?:\/\//.test(u), 'PLATFORM_WEBHOOK_URL must start with http:// or https://')
    .optional(),

  AUTH_JWT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  AUTH_JWT_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  AUTH_JWT_ISSUER: z.string().min(1).default('credit-procedures'),
  AUTH_JWT_AUDIENCE: z.string().min(1).default('credit-procedures'),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  env: Env['NODE_ENV'];
  /** trustProxy: express's `trust proxy` (false: req.ip is the socket's peer). */
  http: { host: string; port: number; trustProxy: false | number | string };
  /**
   * Rate limits of the public (no-token) endpoints (apps/api/common/throttling.ts): look-ups by
   * query code, and the public lists, pre-check and online application; per client a minute,
   * per subject code an hour.
   */
  throttle: {
    lookup: { perClientPerMinute: number; perSubjectPerHour: number };
    public: { perClientPerMinute: number; perSubjectPerHour: number };
  };
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  database: { url?: string; embeddedPort: number; name: string };
  temporal: {
    address?: string;
    namespace: string;
    taskQueue: string;
    embeddedPort: number;
    /** Days the embedded dev server keeps closed runs (its namespace's retention). */
    embeddedRetentionDays: number;
    startWorker: boolean;
    /** Workflows the worker caches; undefined: the SDK's default. */
    cachedWorkflows?: number;
    /** The worker's gRPC compression. */
    compression: 'gzip' | 'none';
  };
  auth: {
    publicKeyFile: string;
    privateKeyFile?: string;
    issuer: string;
    audience: string;
    embeddedKeys: boolean;
  };
  /** Where registry changes are pushed; unset: the local platform_sink table. */
  platform: { webhookUrl?: string };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`配置错误 (invalid configuration):\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function trustProxy(value: string): false | number | string {
  if (/^\d+$/.test(value)) return Number(value) === 0 ? false : Number(value);
  return value;
}

/** True for the embedded dev server (no address) and for a loopback host:port. */
function onThisMachine(address: string | undefined): boolean {
  if (address === undefined) return true;
  const host = address.slice(0, address.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const relevant = Object.fromEntries(
    Object.keys(envSchema.shape).flatMap((key) => {
      const value = source[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const value = source[name];
        return `${name}=${JSON.stringify(value)}: ${issue.message}`;
      }),
    );
  }
  const env = parsed.data;
  const dataDir = path.resolve(cwd, env.DATA_DIR);
  const embeddedKeys = !env.AUTH_JWT_PUBLIC_KEY_FILE;
  return {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT, trustProxy: trustProxy(env.TRUST_PROXY) },
    throttle: {
      lookup: {
        perClientPerMinute: env.THROTTLE_LOOKUP_PER_MINUTE,
        perSubjectPerHour: env.THROTTLE_LOOKUP_PER_SUBJECT_PER_HOUR,
      },
      public: {
        perClientPerMinute: env.THROTTLE_PUBLIC_PER_MINUTE,
        perSubjectPerHour: env.THROTTLE_PUBLIC_PER_SUBJECT_PER_HOUR,
      },
    },
    dataDir,
    logLevel: env.LOG_LEVEL,
    database: { url: env.DATABASE_URL, embeddedPort: env.EMBEDDED_POSTGRES_PORT, name: env.DATABASE_NAME },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      embeddedPort: env.EMBEDDED_TEMPORAL_PORT,
      embeddedRetentionDays: env.EMBEDDED_TEMPORAL_RETENTION_DAYS,
      startWorker: env.START_WORKER,
      cachedWorkflows: env.WORKER_CACHED_WORKFLOWS,
      compression: env.TEMPORAL_GRPC_COMPRESSION ?? (onThisMachine(env.TEMPORAL_ADDRESS) ? 'none' : 'gzip'),
    },
    platform: { webhookUrl: env.PLATFORM_WEBHOOK_URL },
    auth: {
      publicKeyFile: env.AUTH_JWT_PUBLIC_KEY_FILE
        ? path.resolve(cwd, env.AUTH_JWT_PUBLIC_KEY_FILE)
        : path.join(dataDir, 'auth', 'jwt-public.pem'),
      privateKeyFile: env.AUTH_JWT_PRIVATE_KEY_FILE
        ? path.resolve(cwd, env.AUTH_JWT_PRIVATE_KEY_FILE)
        : embeddedKeys
          ? path.join(dataDir, 'auth', 'jwt-private.pem')
          : undefined,
      issuer: env.AUTH_JWT_ISSUER,
      audience: env.AUTH_JWT_AUDIENCE,
      embeddedKeys,
    },
  };
}
