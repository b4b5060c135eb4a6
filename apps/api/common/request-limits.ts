import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GENERIC_BY_STATUS } from './error.filter';

/** How deep a JSON body may nest: the request schemas need a few levels, hostile bodies thousands. */
export const MAX_JSON_DEPTH = 32;

const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of arrays and objects in a JSON text (strings skipped), in one pass. */
export function jsonDepth(buf: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (OPEN.has(c)) deepest = Math.max(deepest, ++depth);
    else if (CLOSE.has(c)) depth--;
  }
  return deepest;
}

/**
 * The JSON body parser's `verify`: a body nested deeper than MAX_JSON_DEPTH is refused (400
 * JSON_TOO_DEEP) before it is parsed, so no recursive walk of it (validation, hashing, logging) can
 * run out of stack.
 */
export function refuseDeepJson(_req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  if (jsonDepth(buf) > MAX_JSON_DEPTH) {
    throw Object.assign(new Error(`请求体的 JSON 嵌套过深：最多 ${MAX_JSON_DEPTH} 层。`), {
      status: 400,
      apiStatus: 400,
      expose: true,
      apiCode: 'JSON_TOO_DEEP',
    });
  }
}

/**
 * Requests Node's HTTP parser refuses before express sees them (a request line or headers over
 * 16 KB, malformed HTTP): answered with the same { code, message } body, instead of Node's bare
 * status line, and the connection closed.
 */
export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    const body = JSON.stringify(
      status === 400
        ? { code: 'MALFORMED_REQUEST', message: '请求格式不正确，无法解析。' }
        : GENERIC_BY_STATUS[status],
    );
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
