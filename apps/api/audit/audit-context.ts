import type { Request } from 'express';

export const AUDIT_MATTER_HEADER = 'X-Audit-Matter';
const MATTER_MAX = 200;

/**
 * Why the caller looks (事由): the endpoint's own `matter` field where it has one (the credit
 * check, 逢办必查, requires it), otherwise the X-Audit-Matter header. Header values are
 * ISO-8859-1 on the wire, so Chinese is sent percent-encoded (UTF-8), e.g.
 * `X-Audit-Matter: %E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF` (行政许可); raw UTF-8 bytes are accepted
 * too. Control characters are dropped and the text is cut at 200 characters.
 */
export function auditMatterOf(request: Pick<Request, 'headers' | 'query'>): string | null {
  const own = queryValue(request.query, 'matter');
  const header = request.headers[AUDIT_MATTER_HEADER.toLowerCase()];
  const raw = own ?? (typeof header === 'string' ? decodeHeader(header) : undefined);
  const clean = raw
    // eslint-disable-next-line no-control-regex
    ?.replace(/[\u0000-\u001f\u007f]/g, ' ')
    .trim()
    .slice(0, MATTER_MAX);
  return clean ? clean : null;
}

function decodeHeader(value: string): string {
  if (/%[0-9A-Fa-f]{2}/.test(value)) {
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u007f]/.test(value)) {
    const utf8 = Buffer.from(value, 'latin1').toString('utf8');
    if (!utf8.includes('\ufffd')) return utf8;
  }
  return value;
}

function queryValue(query: Request['query'] | undefined, key: string): string | undefined {
  const value = query?.[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * Route segments that name whose data or which case a request is about, and how the audit row
 * names it. `/api/subjects/:code/...` → `subject:<code>`, `/api/objections/:id` → `objection:<id>`.
 */
const SUBJECT_ROUTES: Record<string, string> = {
  subjects: 'subject',
  objections: 'objection',
  commitments: 'commitment',
  repairs: 'repair',
  rectifications: 'rectification',
  records: 'record',
  'credit-checks': 'credit-check',
  'applied-measures': 'applied-measure',
};

/** Query fields that name a subject or a case file in listings (credit checks, records). */
const SUBJECT_QUERIES: [string, string][] = [
  ['subject', 'subject'],
  ['subjectCode', 'subject'],
  ['caseRef', 'case'],
];

/**
 * Which subject's data or case file the request read or changed, where the matched route names
 * one (its first path parameter after a resource segment of SUBJECT_ROUTES), else a listing's
 * subject or case filter; null for everything else.
 */
export function auditSubjectOf(request: Pick<Request, 'route' | 'params' | 'query'>): string | null {
  const template = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof template === 'string') {
    const segments = template.split('/').filter(Boolean);
    for (let i = 1; i < segments.length; i++) {
      const kind = SUBJECT_ROUTES[segments[i - 1]];
      if (!kind || !segments[i].startsWith(':')) continue;
      const value = (request.params as Record<string, unknown> | undefined)?.[segments[i].slice(1)];
      if (typeof value === 'string' && value !== '') return `${kind}:${value.trim().slice(0, 100)}`;
    }
  }
  for (const [key, kind] of SUBJECT_QUERIES) {
    const value = queryValue(request.query, key);
    if (value) return `${kind}:${value.trim().slice(0, 100)}`;
  }
  return null;
}
