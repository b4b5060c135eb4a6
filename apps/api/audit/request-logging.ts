import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import { maskDeep, maskPersonalData, PERSONAL_FIELDS, REDACTED } from '../../../infra/logging/personal-data';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * An incoming X-Request-Id is kept when it is well formed (a UUID or a gateway's token: 8 to 128
 * letters, digits, `.`, `_`, `:`, `-`), so one id follows a request through the gateway, this API
 * and the audit trail; anything else is replaced by a fresh UUID.
 */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && WELL_FORMED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** The id pino-http gave the request (`req.id`), for the audit row. */
export function requestIdOf(request: IncomingMessage): string | null {
  const id = (request as IncomingMessage & { id?: unknown }).id;
  return typeof id === 'string' ? id : null;
}

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  query?: unknown;
  params?: unknown;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
  remotePort?: number;
}

/**
 * pino-http options of the API: every request gets an id (echoed in X-Request-Id and on every
 * line logged while handling it), tokens never reach the log, and personal data is masked — in
 * structured fields by `redact`, in messages and serialised requests and errors by the masker.
 */
export function apiLoggerOptions(level: string): Options {
  return {
    level,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = requestIdFor(req.headers['x-request-id']);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === '/health' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        ...PERSONAL_FIELDS.flatMap((field) => [field, `*.${field}`]),
      ],
      censor: REDACTED,
    },
    serializers: {
      req: (req: SerializedRequest) => ({
        id: req.id,
        method: req.method,
        url: typeof req.url === 'string' ? maskPersonalData(req.url) : req.url,
        query: maskDeep(req.query),
        params: maskDeep(req.params),
        headers: maskDeep({ ...req.headers }),
        remoteAddress: req.remoteAddress,
        remotePort: req.remotePort,
      }),
      err: (err: unknown) => maskDeep(err),
    },
    hooks: {
      // Message strings and plain objects handed to the logger (Nest's Logger goes through here).
      logMethod(args, method) {
        method.apply(this, args.map((a) => maskDeep(a)) as Parameters<typeof method>);
      },
    },
  };
}
