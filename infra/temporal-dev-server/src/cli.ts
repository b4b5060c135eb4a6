import { start } from '../index';
import { type DynamicConfig, parseDynamicConfig } from './dynamic-config';
import { PostgresStorage } from './storage/postgres-storage';
import { IndexedValueType } from './visibility/visibility';

/**
 * Accepts the argument forms @temporalio/testing passes to the official binaries:
 *   server start-dev --port N --namespace NS --ip IP [--db-url URL [--db-schema S]] [--db-filename F]
 *                    [--headless|--ui-port N] [--log-level L] [--dynamic-config-value K=V]...
 *                    [--history-cache-size N] [--closed-run-cache-size N] [--retention-sweep-interval S]
 *   <port> [extra args]          (the Java test server's form)
 */
export interface CliOptions {
  port: number;
  ip: string;
  namespaces: string[];
  /**
   * Accepted for the official CLI's sake (its SQLite file); this server has no SQLite, so a file name
   * is ignored and state stays in memory. A postgres:// URL given here works as --db-url.
   */
  dbFilename?: string;
  /** PostgreSQL connection URL: state is kept there and recovered at start. */
  dbUrl?: string;
  /** Schema of the server's tables in that database (default temporal_dev). */
  dbSchema?: string;
  logLevel: string;
  /** Runs whose whole history stays in memory (LRU); the others are read from storage. */
  historyCacheSize?: number;
  /** Closed runs kept in memory once stored (LRU; default 0). */
  closedRunCacheSize?: number;
  /** Seconds between retention sweeps (deleting runs closed longer ago than the retention). */
  retentionSweepIntervalSeconds?: number;
  /** The test-server form serves the TestService with time skipping. */
  timeSkipping: boolean;
  searchAttributes: Record<string, number>;
  /** The --dynamic-config-value keys this server honours (dynamic-config.ts). */
  dynamicConfig: Partial<DynamicConfig>;
  /** --dynamic-config-value keys this server does not know: reported once at start. */
  unknownDynamicConfig: string[];
}

const SEARCH_ATTRIBUTE_TYPES: Record<string, number> = {
  text: IndexedValueType.TEXT,
  keyword: IndexedValueType.KEYWORD,
  int: IndexedValueType.INT,
  double: IndexedValueType.DOUBLE,
  bool: IndexedValueType.BOOL,
  datetime: IndexedValueType.DATETIME,
  keywordlist: IndexedValueType.KEYWORD_LIST,
};

function count(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${flag} needs a whole number, not ${text}`);
  return Number(text);
}

export function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = {
    port: 7233,
    ip: '127.0.0.1',
    namespaces: [],
    logLevel: 'warn',
    timeSkipping: false,
    searchAttributes: {},
    dynamicConfig: {},
    unknownDynamicConfig: [],
  };
  const dynamicConfigValues: string[] = [];
  if (argv.length > 0 && /^\d+$/.test(argv[0])) {
    options.port = Number(argv[0]);
    options.timeSkipping = true;
    return options;
  }
  const args = [...argv];
  if (args[0] === 'server') args.shift();
  if (args[0] === 'start-dev') args.shift();
  const needValue = (flag: string) => {
    const value = args.shift();
    if (value === undefined) throw new Error(`${flag} needs a value`);
    return value;
  };
  while (args.length > 0) {
    const arg = args.shift()!;
    const [flag, inline] =
      arg.includes('=') && arg.startsWith('--')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? needValue(flag);
    switch (flag) {
      case '--port':
      case '-p':
        options.port = Number(value());
        if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
          throw new Error(`invalid port`);
        break;
      case '--ip':
        options.ip = value();
        break;
      case '--namespace':
      case '-n':
        options.namespaces.push(value());
        break;
      case '--db-filename':
      case '-f':
        options.dbFilename = value();
        if (/^postgres(ql)?:\/\//.test(options.dbFilename)) options.dbUrl = options.dbFilename;
        break;
      case '--db-url':
        options.dbUrl = value();
        break;
      case '--db-schema':
        options.dbSchema = value();
        break;
      case '--log-level':
        options.logLevel = value();
        break;
      case '--history-cache-size':
        options.historyCacheSize = count(flag, value());
        break;
      case '--closed-run-cache-size':
        options.closedRunCacheSize = count(flag, value());
        break;
      case '--retention-sweep-interval':
        options.retentionSweepIntervalSeconds = count(flag, value());
        break;
      case '--ui-port':
      case '--ui-ip':
      case '--search-attribute': {
        const [name, typeName] = value().split('=');
        const type = SEARCH_ATTRIBUTE_TYPES[typeName?.toLowerCase() ?? ''];
        if (!name || type === undefined) {
          throw new Error(
            '--search-attribute needs Name=Type (Text, Keyword, Int, Double, Bool, Datetime, KeywordList)',
          );
        }
        options.searchAttributes[name] = type;
        break;
      }
      case '--dynamic-config-value':
        dynamicConfigValues.push(value());
        break;
      case '--log-format':
      case '--metrics-port':
      case '--http-port':
        value();
        break;
      case '--headless':
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  const dynamic = parseDynamicConfig(dynamicConfigValues);
  options.dynamicConfig = dynamic.config;
  options.unknownDynamicConfig = dynamic.unknown;
  return options;
}

export async function main(argv: string[]): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (err) {
    console.error(`temporal-dev-server: ${(err as Error).message}`);
    process.exit(2);
  }
  const verbose = options.logLevel === 'debug' || options.logLevel === 'info';
  for (const key of options.unknownDynamicConfig) {
    console.error(`temporal-dev-server: dynamic config key ${key} is not known to this server; ignored`);
  }
  const storage = options.dbUrl
    ? await PostgresStorage.open(options.dbUrl, { schema: options.dbSchema })
    : undefined;
  const handle = await start({
    storage,
    // Fail-stop: never serve state that storage does not have; a restart recovers from storage.
    onStorageFailure: storage
      ? (err) => {
          console.error(`temporal-dev-server: stopping, a write to PostgreSQL failed: ${String(err)}`);
          process.exit(1);
        }
      : undefined,
    port: options.port,
    ip: options.ip,
    namespaces: options.namespaces,
    timeSkipping: options.timeSkipping,
    searchAttributes: options.searchAttributes,
    dynamicConfig: options.dynamicConfig,
    historyCacheSize: options.historyCacheSize,
    closedRunCacheSize: options.closedRunCacheSize,
    retentionSweepIntervalMs:
      options.retentionSweepIntervalSeconds === undefined
        ? undefined
        : options.retentionSweepIntervalSeconds * 1000,
    log: verbose
      ? (line) => console.error(line)
      : (line) => line.startsWith('internal error') && console.error(line),
  });
  // Test hook (crash tests): external requests stay initiated and undelivered.
  if (process.env.TEMPORAL_DEV_SERVER_TEST_HOLD_EXTERNAL_REQUESTS === '1') {
    handle.engine.children.holdExternalRequests = true;
  }
  const namespaces = [...new Set(['default', ...options.namespaces])];
  console.log(
    `temporal-dev-server listening on ${handle.address} (${namespaces.length > 1 ? 'namespaces' : 'namespace'} ${namespaces.join(', ')}, storage ${storage ? `postgres ${redactedUrl(options.dbUrl!)} schema ${options.dbSchema ?? 'temporal_dev'}` : 'memory'}${options.timeSkipping ? ', time skipping' : ''})`,
  );
  const stop = () => {
    void handle.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}
