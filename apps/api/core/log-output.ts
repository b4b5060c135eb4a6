import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream, LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import PinoPretty from 'pino-pretty';
import { maskPersonalData } from '../../../infra/logging/personal-data';

/**
 * What the API's log looks like on the operator's console (`npm start`, `npm run start:api`):
 * human-readable lines (pino-pretty) when stdout is a terminal, one JSON object per line
 * otherwise (a file, a pipe, a container's log collector).
 *
 * - Nest's start-up listing (modules loaded, every route mapped, "application started") is
 *   logged at debug, not info: at the default LOG_LEVEL=info the console shows the launcher's
 *   own start-up lines and then what happens.
 * - Each request gets one concise line at info, `GET /api/objections 200 12ms` (5xx at error),
 *   with the request id, method, URL and status; the serialised request (headers, query,
 *   parameters) and response headers only at debug.
 */

/** Nest's contexts that describe the start-up, not the work. */
const STARTUP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

const INFO = 30;
const DEBUG_LEVELS: readonly string[] = ['debug', 'trace'];

function startupChatter(args: unknown[]): boolean {
  const first = args[0] as { context?: unknown } | null | undefined;
  return typeof first === 'object' && first !== null && STARTUP_CONTEXTS.has(String(first.context));
}

const urlOf = (req: IncomingMessage) =>
  maskPersonalData((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '');

const pick = (value: unknown, keys: string[]) =>
  value && typeof value === 'object'
    ? Object.fromEntries(
        keys.filter((k) => k in value).map((k) => [k, (value as Record<string, unknown>)[k]]),
      )
    : value;

/**
 * The API's pino-http options (`base`, e.g. request ids, redaction and masking) with the console
 * behaviour above: start-up listing at debug, one concise line per request at info.
 */
export function withConsoleBehaviour(base: Options): Options {
  const level = String(base.level ?? 'info');
  const detailed = DEBUG_LEVELS.includes(level);
  const serializers = base.serializers ?? {};
  const logMethod = base.hooks?.logMethod;
  return {
    ...base,
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : 'info',
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse, responseTime: number) =>
      `${req.method} ${urlOf(req)} ${res.statusCode} ${Math.round(responseTime)}ms`,
    customErrorMessage: (req: IncomingMessage, res: ServerResponse, err: Error) =>
      `${req.method} ${urlOf(req)} ${res.statusCode} ${err.message}`,
    serializers: detailed
      ? serializers
      : {
          ...serializers,
          req: (req: unknown) => pick(serializers.req ? serializers.req(req) : req, ['id', 'method', 'url']),
          res: (res: unknown) => pick(serializers.res ? serializers.res(res) : res, ['statusCode']),
        },
    hooks: {
      ...base.hooks,
      logMethod(args, method, lvl) {
        if (lvl === INFO && startupChatter(args)) {
          // Logged again at debug (and there through the base hook), or not at all.
          if (this.isLevelEnabled('debug')) this.debug(...(args as Parameters<typeof this.debug>));
          return;
        }
        if (logMethod) logMethod.call(this, args, method, lvl);
        else method.apply(this, args);
      },
    },
  };
}

/** Human-readable lines for a terminal: time, level, [context], message; details only at debug. */
export function prettyStream(
  level: LevelWithSilent | string,
  destination: NodeJS.WritableStream | number = 1,
): DestinationStream {
  const detailed = DEBUG_LEVELS.includes(level);
  return PinoPretty({
    destination,
    sync: true,
    colorize: typeof destination === 'number' && destination === 1 && process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: detailed ? 'pid,hostname,context' : 'pid,hostname,context,req,res,responseTime',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
}

/**
 * nestjs-pino's `pinoHttp` parameter: JSON to stdout when it is not a terminal, pretty lines
 * when it is (`tty` defaults to whether stdout is one).
 */
export function apiLogOutput(
  base: Options,
  tty = process.stdout.isTTY === true,
): Options | [Options, DestinationStream] {
  const options = withConsoleBehaviour(base);
  return tty ? [options, prettyStream(String(options.level ?? 'info'))] : options;
}
