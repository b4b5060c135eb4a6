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

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { errorMap: () => ({ message: 'must be true or false' }) })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port('PORT', 3000),
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

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
  START_WORKER: flag.default('true'),

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
  http: { host: string; port: number };
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  database: { url?: string; embeddedPort: number; name: string };
  temporal: {
    address?: string;
    namespace: string;
    taskQueue: string;
    embeddedPort: number;
    startWorker: boolean;
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
    http: { host: env.HOST, port: env.PORT },
    dataDir,
    logLevel: env.LOG_LEVEL,
    database: { url: env.DATABASE_URL, embeddedPort: env.EMBEDDED_POSTGRES_PORT, name: env.DATABASE_NAME },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      embeddedPort: env.EMBEDDED_TEMPORAL_PORT,
      startWorker: env.START_WORKER,
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
