/* global sessionStorage, fetch, crypto, URLSearchParams */
/**
 * The console's only way to the API: the signed-in token from sessionStorage on every call as
 * `Authorization: Bearer`, an Idempotency-Key on every action, and the server's Chinese refusal
 * turned into an ApiFailure the page shows as it is.
 */

const TOKEN_KEY = 'credit-console.token';
const PRINCIPAL_KEY = 'credit-console.principal';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  principal: () => JSON.parse(sessionStorage.getItem(PRINCIPAL_KEY) ?? 'null'),
  save(token, principal) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(PRINCIPAL_KEY, JSON.stringify(principal));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(PRINCIPAL_KEY);
  },
};

/** A refusal of the API: its stable code and its Chinese message (with the fields' messages). */
export class ApiFailure extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The message with each invalid field's own message (400 VALIDATION_FAILED). */
  get fullMessage() {
    const fields = this.details?.fields ?? [];
    return fields.length ? `${this.message}：${fields.map((f) => f.message).join('；')}` : this.message;
  }
}

/**
 * An Idempotency-Key: 32 hex characters from the browser's random source (crypto.getRandomValues
 * works on plain http too, unlike randomUUID outside secure contexts).
 */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'console-' + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function url(path, query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(path, { method = 'GET', query, body, idempotencyKey, token = session.token() } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let res;
  try {
    res = await fetch(url(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(0, 'NETWORK_ERROR', '无法连接服务器，请检查网络后重试。');
  }
  return res;
}

async function failure(res) {
  const body = await res.json().catch(() => null);
  if (body && typeof body.message === 'string') {
    return new ApiFailure(res.status, body.code, body.message, body.details);
  }
  return new ApiFailure(res.status, 'HTTP_' + res.status, `服务器返回错误（HTTP ${res.status}）。`);
}

/** GET or POST with JSON; answers the parsed body, or throws ApiFailure. */
export async function api(path, options = {}) {
  const res = await send(path, options);
  if (!res.ok) {
    const error = await failure(res);
    if (res.status === 401 && session.token()) session.clear();
    throw error;
  }
  return res.status === 204 ? null : res.json();
}

/** An action (a workflow update or a registration): POST with the form's Idempotency-Key. */
export function act(path, body, idempotencyKey) {
  return api(path, { method: 'POST', body, idempotencyKey });
}

/** A file the API sends (CSV, XLSX): fetched with the token, handed back as a Blob. */
export async function download(path, query) {
  const res = await send(path, { query });
  if (!res.ok) throw await failure(res);
  return res.blob();
}
