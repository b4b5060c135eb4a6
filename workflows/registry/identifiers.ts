/**
 * Identifiers of credit subjects, with their check characters:
 * - 统一社会信用代码 (GB 32100-2015) for legal persons and other organisations;
 * - 居民身份证号码 (GB 11643-1999, ISO 7064 MOD 11-2) for natural persons.
 * Pure functions (no I/O, no Date.now): usable in workflows, activities and the API alike.
 *
 * Written here rather than taken from npm: the one maintained candidate (stdnum) rejects valid
 * credit codes whose registration-authority part is a letter (A1, N1, Y1 ...), and does not check
 * the birth date of identity numbers; both checks are a few lines.
 */

import { isCalendarDate } from './dates';

export type IdentifierType = 'uscc' | 'resident-id';

/** GB 32100 code alphabet: digits and capitals without I, O, S, V, Z (31 characters). */
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_ID_CHECK = '10X98765432';

export type IdentifierProblem =
  | 'length' // not 18 characters
  | 'characters' // characters outside the standard's alphabet or layout
  | 'birth-date' // 居民身份证号码: the date part is not a real date
  | 'checksum'; // the check character does not match

export type IdentifierCheck =
  | { valid: true; type: IdentifierType; normalized: string }
  | { valid: false; type: IdentifierType; problem: IdentifierProblem };

/** Upper-cases and strips spaces and hyphens, as codes are often typed or printed. */
export function normalizeIdentifier(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

/** The GB 32100 check character for the first 17 characters. */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new Error('usccCheckCharacter needs exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]);
    if (value < 0) throw new Error(`not a GB 32100 character: ${first17[i]}`);
    sum += value * USCC_WEIGHTS[i];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** The GB 11643 check character (0-9 or X) for the first 17 digits. */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('residentIdCheckCharacter needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i];
  return RESIDENT_ID_CHECK[sum % 11];
}

export function checkUscc(raw: string): IdentifierCheck {
  const code = normalizeIdentifier(raw);
  const type = 'uscc';
  if (code.length !== 18) return { valid: false, type, problem: 'length' };
  // Layout: registration authority + category (2), administrative division (6 digits),
  // organisation code (9), check character (1); all from the 31-character alphabet.
  const alphabet = `[${USCC_ALPHABET}]`;
  if (!new RegExp(`^${alphabet}{2}\\d{6}${alphabet}{10}$`).test(code)) {
    return { valid: false, type, problem: 'characters' };
  }
  if (usccCheckCharacter(code.slice(0, 17)) !== code[17]) return { valid: false, type, problem: 'checksum' };
  return { valid: true, type, normalized: code };
}

function isRealDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  return (
    year >= 1800 && isCalendarDate(`${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`)
  );
}

export function checkResidentId(raw: string): IdentifierCheck {
  const code = normalizeIdentifier(raw);
  const type = 'resident-id';
  if (code.length !== 18) return { valid: false, type, problem: 'length' };
  if (!/^\d{17}[\dX]$/.test(code)) return { valid: false, type, problem: 'characters' };
  if (!isRealDate(code.slice(6, 14))) return { valid: false, type, problem: 'birth-date' };
  if (residentIdCheckCharacter(code.slice(0, 17)) !== code[17]) {
    return { valid: false, type, problem: 'checksum' };
  }
  return { valid: true, type, normalized: code };
}

export function checkIdentifier(raw: string, type: IdentifierType): IdentifierCheck {
  return type === 'uscc' ? checkUscc(raw) : checkResidentId(raw);
}

export const IDENTIFIER_NAMES_ZH: Record<IdentifierType, string> = {
  uscc: '统一社会信用代码',
  'resident-id': '居民身份证号码',
};

export const IDENTIFIER_PROBLEMS_ZH: Record<IdentifierProblem, string> = {
  length: '应为 18 位',
  characters: '含有不允许的字符或格式不符',
  'birth-date': '出生日期部分不是有效日期',
  checksum: '校验位不正确，请核对是否录入有误',
};

/**
 * 居民身份证号码 shown to roles without a need to see it: region (6) and the last 4 kept,
 * birth date and sequence hidden, e.g. 110105********1234. Credit codes of organisations are
 * public and never masked.
 */
export function maskResidentId(code: string): string {
  return code.length === 18 ? `${code.slice(0, 6)}********${code.slice(14)}` : '*'.repeat(code.length);
}
