import { checkResidentId, checkUscc } from '../../workflows/registry/identifiers';

/**
 * Personal data out of log lines (个人信息不落日志): mobile and landline numbers, 居民身份证号码
 * and postal addresses are masked wherever a log line may carry them — message strings, the
 * serialised request (url, query, params) and structured fields. 统一社会信用代码 of organisations
 * are public (they are printed on every licence) and stay readable, so operators can still tell
 * which subject a line is about.
 *
 * The database keeps the data (case files need it); only what leaves the process as a log line
 * is masked. Over-masking (an 18-digit number that merely looks like an ID number) is accepted.
 */

/** A number counts as one when no digit touches it (letters may: `tel13812345678`, `id=…`). */
const EDGE_BEFORE = '(?<!\\d)';
const EDGE_AFTER = '(?!\\d)';

/** 18 characters: 17 digits and a digit or X. */
const ID_NUMBER = new RegExp(`${EDGE_BEFORE}\\d{17}[\\dXx]`, 'g');
/** Mainland mobile numbers, optionally +86 / 86 and grouped 3-4-4 with spaces or hyphens. */
const MOBILE = new RegExp(`${EDGE_BEFORE}(?:\\+?86[ -]?)?1[3-9]\\d(?:[ -]?\\d{4}){2}${EDGE_AFTER}`, 'g');
/** Landlines with an area code: 0375-1234567, 010-12345678. */
const LANDLINE = new RegExp(`${EDGE_BEFORE}0\\d{2,3}-\\d{7,8}${EDGE_AFTER}`, 'g');
/** A 统一社会信用代码 standing on its own (GB 32100 alphabet), kept when its check character is right. */
const USCC_CANDIDATE = /(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])/g;

/**
 * A postal address in running text: a street-level part (路、街、巷、村、小区 …) followed by a house
 * number (12号, 3栋, 402室 …). The administrative prefix (province, city, county) stays readable.
 */
const ADDRESS_CHAR = '[\\u4e00-\\u9fa5A-Za-z0-9#\\-－（）()]';
const STREET = '(?:路|街|巷|弄|胡同|村|组|道|里|小区|社区|大厦|花园|公寓|广场|大街|庄|屯|营|寨)';
const HOUSE = '\\d+\\s*(?:号院|号楼|号|室|栋|幢|座|单元|楼|层|户|组)';
const ADDRESS = new RegExp(
  `${ADDRESS_CHAR}*?${STREET}${ADDRESS_CHAR}*?${HOUSE}(?:${ADDRESS_CHAR}*?${HOUSE})*`,
  'g',
);
const ADMINISTRATIVE_PREFIX =
  /^.*?(?:自治区|特别行政区|省|自治州|市|盟|地区|州|区|县|旗)(?=[^省市区县旗州盟]*$)/;

/** 13812345678 → 138****5678 (the digits only; +86 and separators dropped). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  if (digits.length < 8) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** 0375-1234567 → 0375-***4567. */
function maskLandline(phone: string): string {
  const [area, number] = phone.split('-');
  return `${area}-${'*'.repeat(number.length - 4)}${number.slice(-4)}`;
}

/** 18-character ID number → 110***********1234 (first 3 and last 4 kept). */
export function maskIdNumber(id: string): string {
  return `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;
}

/**
 * The address with everything after the administrative prefix hidden:
 * 河南省平顶山市叶县昆阳街道建设路12号 → 河南省平顶山市叶县***. Without a recognisable prefix, all of it.
 */
export function maskAddress(address: string): string {
  const street = address.search(new RegExp(STREET));
  const head = street > 0 ? address.slice(0, street) : '';
  const prefix = ADMINISTRATIVE_PREFIX.exec(head)?.[0] ?? '';
  return `${prefix}***`;
}

/** A credit code is kept only when it is valid and not also a valid ID number. */
function isOrganisationCode(candidate: string): boolean {
  return checkUscc(candidate).valid && !checkResidentId(candidate).valid;
}

function maskSegment(text: string): string {
  return text
    .replace(ID_NUMBER, (id) => maskIdNumber(id.toUpperCase()))
    .replace(MOBILE, maskPhone)
    .replace(LANDLINE, maskLandline)
    .replace(ADDRESS, maskAddress);
}

/**
 * Masks every phone number, ID number and address in a free-text line; organisations' credit
 * codes are left out of the masking (nothing inside them is taken for a number).
 */
export function maskPersonalData(text: string): string {
  if (text.length === 0) return text;
  let out = '';
  let from = 0;
  for (const match of text.matchAll(USCC_CANDIDATE)) {
    if (!isOrganisationCode(match[0])) continue;
    out += maskSegment(text.slice(from, match.index)) + match[0];
    from = match.index + match[0].length;
  }
  return out + maskSegment(text.slice(from));
}

/**
 * A notification recipient as a log line may show it: staff recipients (a `sub`, `supervisor@信用办`)
 * unchanged, an applicant's mobile number, e-mail address or postal address masked.
 */
export function maskRecipient(recipient: string): string {
  const email = /^([^@\s]+)@([^@\s]+\.[^@\s]+)$/.exec(recipient.trim());
  if (email) return `${email[1].slice(0, 1)}***@${email[2]}`;
  const masked = maskPersonalData(recipient);
  if (masked !== recipient) return masked;
  // A postal address without a house number the text pattern needs: a letter recipient that is
  // neither a user nor a role (users and roles carry no CJK street words).
  return new RegExp(STREET).test(recipient) && /[\u4e00-\u9fa5]/.test(recipient) && !recipient.includes('@')
    ? maskAddress(recipient)
    : recipient;
}

/**
 * Structured fields that hold personal data as a whole (pino `redact` paths use the same names):
 * their values are replaced, whatever they look like.
 */
export const PERSONAL_FIELDS = [
  'phone',
  'mobile',
  'telephone',
  'contact',
  'address',
  'idNumber',
  'residentId',
  'applicantContact',
] as const;

const PERSONAL_FIELD_SET = new Set<string>(PERSONAL_FIELDS);
export const REDACTED = '[已屏蔽]';

/**
 * Masks strings inside plain objects and arrays (copies; never mutates), and Errors' message and
 * stack. Other class instances (requests, streams) are passed through: pino serialises those with
 * its own serializers, which mask what they emit.
 */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(value) as object) as Error, value);
    copy.message = maskPersonalData(value.message);
    if (value.stack) copy.stack = maskPersonalData(value.stack);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      PERSONAL_FIELD_SET.has(key) && v !== null && v !== undefined ? REDACTED : maskDeep(v, depth + 1);
  }
  return out;
}
