import { durationMs, fromTimestamp, type Msg } from '../proto';
import { instantsOf, naive, offsetAt, resolveZone, wallTime } from './time-zone';

/**
 * Schedule specs as the real server reads them: calendar specs in string form and cron strings
 * are turned into structured calendars (and `@every` into intervals) once, when the schedule is
 * created or updated; that canonical form is what DescribeSchedule shows. A time matches a
 * structured calendar when every field matches (day of month and day of week both, unlike
 * classic cron). Intervals count from the epoch plus the phase. Exclusions remove times;
 * start/end bound them; jitter delays each time by a deterministic amount below the jitter and
 * below the gap to the following time.
 */

export interface Range {
  start: number;
  end?: number;
  step?: number;
}

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
const MAX_COMMENT_LENGTH = 200;

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

type Mode = 'int' | 'year' | 'month' | 'dow';

class SpecError extends Error {}

function parseValue(text: string, min: number, max: number, mode: Mode): number {
  const lower = text.toLowerCase();
  if (mode === 'month' && lower.length >= 3) {
    const i = MONTHS.findIndex((m) => m.startsWith(lower));
    if (i >= 0) {
      if (i + 1 < min || i + 1 > max) throw new SpecError('out of range');
      return i + 1;
    }
  }
  if (mode === 'dow' && lower.length >= 2) {
    const i = DAYS.findIndex((d) => d.startsWith(lower));
    if (i >= 0) {
      if (i < min || i > max) throw new SpecError('out of range');
      return i;
    }
  }
  if (!/^\d+$/.test(text)) throw new SpecError(`invalid value "${text}"`);
  const n = Number(text);
  if (n < min || n > max) throw new SpecError('out of range');
  return n;
}

/**
 * One field of a calendar in string form: `*`, `x`, `x-z`, `x-z/y`, `x/y` (x to the maximum),
 * comma-separated lists of these; month and day names by prefix; 7 is Sunday too.
 */
function parseField(
  text: string | undefined,
  field: string,
  fallback: string,
  min: number,
  max: number,
  mode: Mode,
): Range[] {
  const s = (text ?? '').trim() || fallback;
  if (s === '*' && mode === 'year') return [];
  const ranges: Range[] = [];
  for (const item of s.split(',')) {
    let part = item;
    let step = 1;
    let hasStep = false;
    const slashes = part.split('/').length - 1;
    if (slashes > 1) throw new SpecError(`${field} has too many slashes`);
    if (slashes === 1) {
      const [left, right] = part.split('/');
      if (right === '') throw new SpecError(`${field} missing step value`);
      if (!/^\d+$/.test(right)) throw new SpecError(`${field} has invalid Step`);
      step = Number(right);
      if (step < 1) throw new SpecError(`${field} has invalid Step`);
      part = left;
      hasStep = true;
    }
    let start = min;
    let end = max;
    if (part !== '*') {
      if (part.includes('-')) {
        const pieces = part.split('-');
        if (pieces.length !== 2) throw new SpecError(`${field} has too many dashes`);
        try {
          start = parseValue(pieces[0], min, max, mode);
        } catch {
          throw new SpecError(`${field} Start is not in range [${min}-${max}]`);
        }
        try {
          end = parseValue(pieces[1], start, max, mode);
        } catch {
          throw new SpecError(`${field} End is before Start or not in range [${min}-${max}]`);
        }
      } else {
        try {
          start = parseValue(part, min, max, mode);
        } catch {
          throw new SpecError(`${field} is not in range [${min}-${max}]`);
        }
        if (!hasStep) end = start;
      }
    }
    if (mode === 'dow' && end === 7) {
      // Sunday written as 7: it becomes 0, which may need a range of its own.
      if ((7 - start) % step === 0 && (step > 1 || start > 1)) {
        ranges.push({ start: 0 });
        if (start === 7) continue;
      }
      end = 6;
    }
    const range: Range = { start };
    if (end !== start) range.end = end;
    if (step !== 1) range.step = step;
    ranges.push(range);
  }
  return ranges;
}

/** CalendarSpec (strings) → StructuredCalendarSpec, with the real server's defaults. */
export function structuredFromCalendar(cal: Msg): Msg {
  const errors: string[] = [];
  const field = (
    text: string | undefined,
    name: string,
    fallback: string,
    min: number,
    max: number,
    mode: Mode,
  ) => {
    try {
      return parseField(text, name, fallback, min, max, mode);
    } catch (err) {
      errors.push((err as Error).message);
      return [];
    }
  };
  const structured = {
    second: field(cal.second, 'Second', '0', 0, 59, 'int'),
    minute: field(cal.minute, 'Minute', '0', 0, 59, 'int'),
    hour: field(cal.hour, 'Hour', '0', 0, 23, 'int'),
    dayOfMonth: field(cal.dayOfMonth, 'DayOfMonth', '*', 1, 31, 'int'),
    month: field(cal.month, 'Month', '*', 1, 12, 'month'),
    year: field(cal.year, 'Year', '*', MIN_YEAR, MAX_YEAR, 'year'),
    dayOfWeek: field(cal.dayOfWeek, 'DayOfWeek', '*', 0, 7, 'dow'),
    comment: cal.comment || undefined,
  };
  if (errors.length > 0) throw new SpecError(errors.join(', '));
  return structured;
}

const PREDEFINED: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** A Go-style duration (`90s`, `1h30m`, `1.5h`, also `d` for days) in milliseconds. */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== t.length) throw new SpecError(`invalid duration "${text}"`);
  return total;
}

/**
 * A cron string: optional `TZ=`/`CRON_TZ=` prefix, optional `# comment`; `@every <d>[/<phase>]`;
 * the @-aliases; 5 fields (minute hour day-of-month month day-of-week), 6 (… year) or 7
 * (second … year), as the real server reads them.
 */
export function parseCron(text: string): { calendar?: Msg; interval?: Msg; zone: string } {
  let c = text.trim();
  let zone = '';
  if (c.startsWith('TZ=') || c.startsWith('CRON_TZ=')) {
    const space = c.indexOf(' ');
    if (space < 0) throw new SpecError('CronString has time zone but missing fields');
    zone = c.slice(c.indexOf('=') + 1, space);
    c = c.slice(space + 1);
  }
  let comment = '';
  const hash = c.indexOf('#');
  if (hash >= 0) {
    comment = c.slice(hash + 1).trim();
    c = c.slice(0, hash);
  }
  c = c.trim();
  if (c.startsWith('@every')) {
    const rest = c.slice('@every'.length).trim();
    if (!rest) throw new SpecError('CronString does not have interval after @every');
    const [every, phase] = rest.split('/');
    const interval: Msg = { interval: msDuration(parseDuration(every)) };
    if (phase) interval.phase = msDuration(parseDuration(phase));
    return { interval, zone: '' };
  }
  c = PREDEFINED[c] ?? c;
  const f = c.split(/\s+/).filter((x) => x !== '');
  const cal: Msg = { comment };
  if (f.length === 5) [cal.minute, cal.hour, cal.dayOfMonth, cal.month, cal.dayOfWeek] = f;
  else if (f.length === 6) [cal.minute, cal.hour, cal.dayOfMonth, cal.month, cal.dayOfWeek, cal.year] = f;
  else if (f.length === 7)
    [cal.second, cal.minute, cal.hour, cal.dayOfMonth, cal.month, cal.dayOfWeek, cal.year] = f;
  else throw new SpecError('CronString does not have 5-7 fields');
  return { calendar: structuredFromCalendar(cal), zone };
}

function msDuration(ms: number): Msg {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

function durationOf(d: Msg | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + Number(d.nanos ?? 0) / 1e6;
}

function checkRanges(ranges: Range[] | undefined, field: string, min: number, max: number, errors: string[]) {
  for (const r of ranges ?? []) {
    const start = r.start ?? 0;
    const end = r.end ?? 0;
    if (start < min || start > max) errors.push(`${field} Start is not in range [${min}-${max}]`);
    if (end !== 0 && (end < start || end > max))
      errors.push(`${field} End is before Start or not in range [${min}-${max}]`);
    if ((r.step ?? 0) < 0) errors.push(`${field} has invalid Step`);
  }
}

function validateStructured(s: Msg): void {
  const errors: string[] = [];
  checkRanges(s.second, 'Second', 0, 59, errors);
  checkRanges(s.minute, 'Minute', 0, 59, errors);
  checkRanges(s.hour, 'Hour', 0, 23, errors);
  checkRanges(s.dayOfMonth, 'DayOfMonth', 1, 31, errors);
  checkRanges(s.month, 'Month', 1, 12, errors);
  checkRanges(s.year, 'Year', MIN_YEAR, MAX_YEAR, errors);
  checkRanges(s.dayOfWeek, 'DayOfWeek', 0, 6, errors);
  if ((s.comment ?? '').length > MAX_COMMENT_LENGTH) errors.push('comment is too long');
  if (errors.length > 0) throw new SpecError(`invalid calendar spec: ${errors.join(', ')}`);
}

/**
 * The canonical form of a spec (what the server stores and describes): string calendars and cron
 * strings parsed into structured calendars and intervals, the cron time zone moved to the spec.
 * Throws an Error with the reason when the spec is invalid.
 */
export function canonicalize(spec: Msg | undefined): Msg {
  const s: Msg = { ...(spec ?? {}) };
  const structured: Msg[] = [...(s.structuredCalendar ?? [])];
  const excluded: Msg[] = [...(s.excludeStructuredCalendar ?? [])];
  const intervals: Msg[] = [...(s.interval ?? [])];
  for (const cal of s.calendar ?? []) structured.push(structuredFromCalendar(cal));
  for (const cal of s.excludeCalendar ?? []) excluded.push(structuredFromCalendar(cal));
  let cronZone: string | undefined;
  for (const cron of (s.cronString ?? []) as string[]) {
    const parsed = parseCron(cron);
    if (cronZone !== undefined && parsed.zone !== cronZone) throw new SpecError('conflicting timezone names');
    cronZone = parsed.zone;
    if (parsed.calendar) structured.push(parsed.calendar);
    if (parsed.interval) intervals.push(parsed.interval);
  }
  let timezoneName: string = s.timezoneName ?? '';
  if (cronZone) {
    if ((timezoneName && timezoneName !== cronZone) || s.timezoneData?.length) {
      throw new SpecError('conflicting timezone names');
    }
    timezoneName = cronZone;
  }
  for (const cal of structured) validateStructured(cal);
  for (const iv of intervals) {
    const every = durationOf(iv.interval);
    const phase = durationOf(iv.phase);
    if (every < 1000) throw new SpecError('interval is too small');
    if (phase < 0) throw new SpecError('phase is negative');
    if (phase >= every) throw new SpecError('phase cannot be greater than Interval');
  }
  if (s.timezoneData?.length)
    throw new SpecError('timezone_data is not supported by this server (use timezone_name)');
  resolveZone(timezoneName);
  return {
    structuredCalendar: structured,
    interval: intervals,
    excludeStructuredCalendar: excluded,
    startTime: s.startTime,
    endTime: s.endTime,
    jitter: s.jitter,
    timezoneName: timezoneName || undefined,
  };
}

/** Ranges with their defaults filled in (end at least start, step at least 1), as Describe shows them. */
export function cleanSpec(spec: Msg): Msg {
  const clean = (ranges: Range[] | undefined) =>
    (ranges ?? []).map((r) => ({
      start: r.start ?? 0,
      end: Math.max(r.end ?? 0, r.start ?? 0),
      step: r.step && r.step > 0 ? r.step : 1,
    }));
  const cleanCal = (c: Msg) => ({
    ...c,
    second: clean(c.second),
    minute: clean(c.minute),
    hour: clean(c.hour),
    dayOfMonth: clean(c.dayOfMonth),
    month: clean(c.month),
    year: clean(c.year),
    dayOfWeek: clean(c.dayOfWeek),
  });
  return {
    ...spec,
    structuredCalendar: (spec.structuredCalendar ?? []).map(cleanCal),
    excludeStructuredCalendar: (spec.excludeStructuredCalendar ?? []).map(cleanCal),
  };
}

type Matcher = (v: number) => boolean;

function matcher(ranges: Range[] | undefined, allWhenEmpty: boolean): Matcher {
  if (!ranges || ranges.length === 0) return allWhenEmpty ? () => true : () => false;
  const values = new Set<number>();
  for (const r of ranges) {
    const start = r.start ?? 0;
    const end = Math.max(r.end ?? 0, start);
    const step = r.step && r.step > 0 ? r.step : 1;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return (v) => values.has(v);
}

function daysInMonth(month: number, year: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

class CompiledCalendar {
  private readonly year: Matcher;
  private readonly month: Matcher;
  private readonly dayOfMonth: Matcher;
  private readonly dayOfWeek: Matcher;
  private readonly hour: Matcher;
  private readonly minute: Matcher;
  private readonly second: Matcher;
  /** A field with no value at all: the calendar never matches. */
  private readonly never: boolean;

  constructor(
    cal: Msg,
    private readonly zone: string,
  ) {
    this.year = matcher(cal.year, true);
    this.month = matcher(cal.month, false);
    this.dayOfMonth = matcher(cal.dayOfMonth, false);
    this.dayOfWeek = matcher(cal.dayOfWeek, false);
    this.hour = matcher(cal.hour, false);
    this.minute = matcher(cal.minute, false);
    this.second = matcher(cal.second, false);
    this.never = ['month', 'dayOfMonth', 'dayOfWeek', 'hour', 'minute', 'second'].some(
      (f) => !(cal[f] as Range[] | undefined)?.length,
    );
  }

  matches(sec: number): boolean {
    if (this.never) return false;
    const w = wallTime(sec, this.zone);
    const dow = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
    return (
      this.year(w.year) &&
      this.month(w.month) &&
      this.dayOfMonth(w.day) &&
      this.dayOfWeek(dow) &&
      this.hour(w.hour) &&
      this.minute(w.minute) &&
      this.second(w.second)
    );
  }

  /** The first matching wall time strictly after the naive time given (seconds), searching outside in. */
  private nextNaive(after: number): number | undefined {
    const d0 = new Date(after * 1000);
    let [y, mo, d, h, mi, s] = [
      d0.getUTCFullYear(),
      d0.getUTCMonth() + 1,
      d0.getUTCDate(),
      d0.getUTCHours(),
      d0.getUTCMinutes(),
      d0.getUTCSeconds() + 1,
    ];
    for (;;) {
      if (s >= 60) [mi, s] = [mi + 1, 0];
      if (mi >= 60) [h, mi] = [h + 1, 0];
      if (h >= 24) [d, h] = [d + 1, 0];
      if (d > daysInMonth(mo, y)) [mo, d] = [mo + 1, 1];
      if (mo > 12) [y, mo] = [y + 1, 1];
      if (y > MAX_YEAR) return undefined;
      if (!this.year(y)) {
        [y, mo, d, h, mi, s] = [y + 1, 1, 1, 0, 0, 0];
        continue;
      }
      if (!this.month(mo)) {
        [mo, d, h, mi, s] = [mo + 1, 1, 0, 0, 0];
        continue;
      }
      const dow = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
      if (!this.dayOfMonth(d) || !this.dayOfWeek(dow)) {
        [d, h, mi, s] = [d + 1, 0, 0, 0];
        continue;
      }
      if (!this.hour(h)) {
        [h, mi, s] = [h + 1, 0, 0];
        continue;
      }
      if (!this.minute(mi)) {
        [mi, s] = [mi + 1, 0];
        continue;
      }
      if (!this.second(s)) {
        s++;
        continue;
      }
      return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
    }
  }

  /** The first matching instant (seconds) strictly after `after`, searching wall times from `cursor` on. */
  private nextFrom(after: number, cursor: number): number | undefined {
    for (let i = 0; i < 10_000; i++) {
      const candidate = this.nextNaive(cursor);
      if (candidate === undefined) return undefined;
      const instant = instantsOf(candidate, this.zone).find((t) => t > after);
      if (instant !== undefined) return instant;
      // A wall time skipped by a daylight-saving change: look further.
      cursor = candidate;
    }
    return undefined;
  }

  /** The first matching instant (seconds) strictly after `after`. */
  next(after: number): number | undefined {
    if (this.never) return undefined;
    const found = this.nextFrom(after, naive(wallTime(after, this.zone)));
    if (found === undefined || this.zone === 'UTC') return found;
    const before = offsetAt(after, this.zone);
    const offset = offsetAt(found, this.zone);
    if (offset >= before) return found;
    // The clocks went back in between: the repeated wall times after the change come earlier
    // than `found`. Find the change and search again from its wall time.
    let lo = after;
    let hi = found;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid, this.zone) === offset) hi = mid;
      else lo = mid;
    }
    const repeated = this.nextFrom(hi - 1, naive(wallTime(hi, this.zone)) - 1);
    return repeated !== undefined && repeated < found ? repeated : found;
  }
}

export interface NextTime {
  /** The time the spec gives, before jitter (ms). */
  nominal: number;
  /** With jitter (ms). */
  next: number;
}

/** A 32-bit FNV-1a hash: the jitter must be the same every time for the same time and schedule. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class CompiledSpec {
  readonly zone: string;
  private readonly calendars: CompiledCalendar[];
  private readonly excludes: CompiledCalendar[];
  private readonly intervals: Array<{ every: number; phase: number }>;
  private readonly startMs?: number;
  private readonly endMs?: number;
  private readonly jitterMs: number;

  /** `spec` in canonical form (see canonicalize). */
  constructor(spec: Msg) {
    this.zone = resolveZone(spec.timezoneName);
    this.calendars = (spec.structuredCalendar ?? []).map((c: Msg) => new CompiledCalendar(c, this.zone));
    this.excludes = (spec.excludeStructuredCalendar ?? []).map(
      (c: Msg) => new CompiledCalendar(c, this.zone),
    );
    this.intervals = (spec.interval ?? []).map((iv: Msg) => ({
      every: Math.max(Math.floor(durationOf(iv.interval) / 1000), 1),
      phase: Math.max(Math.floor(durationOf(iv.phase) / 1000), 0),
    }));
    this.startMs = fromTimestamp(spec.startTime);
    this.endMs = fromTimestamp(spec.endTime);
    this.jitterMs = durationMs(spec.jitter) ?? 0;
  }

  /** The earliest time of any calendar or interval after `afterMs`, without exclusions or jitter. */
  private raw(afterMs: number): number | undefined {
    const after = Math.floor(afterMs / 1000);
    let min: number | undefined;
    for (const cal of this.calendars) {
      const t = cal.next(after);
      if (t !== undefined && (min === undefined || t < min)) min = t;
    }
    for (const iv of this.intervals) {
      const t = (Math.floor((after - iv.phase) / iv.every) + 1) * iv.every + iv.phase;
      if (min === undefined || t < min) min = t;
    }
    return min === undefined ? undefined : min * 1000;
  }

  private excluded(ms: number): boolean {
    const sec = ms / 1000;
    return this.excludes.some((e) => e.matches(sec));
  }

  /** The first action time after `afterMs` (ms), or undefined when the spec has no more. */
  next(seed: string, afterMs: number): NextTime | undefined {
    let after = this.startMs !== undefined ? Math.max(afterMs, this.startMs - 1000) : afterMs;
    let nominal: number | undefined;
    for (let i = 0; ; i++) {
      if (i > 100_000) return undefined;
      nominal = this.raw(after);
      if (nominal === undefined) return undefined;
      if (
        (this.endMs !== undefined && nominal > this.endMs) ||
        new Date(nominal).getUTCFullYear() > MAX_YEAR
      ) {
        return undefined;
      }
      if (!this.excluded(nominal)) break;
      after = nominal;
    }
    let maxJitter = this.jitterMs;
    const following = this.raw(nominal);
    if (following !== undefined) maxJitter = Math.min(maxJitter, following - nominal);
    const jitter = maxJitter > 0 ? Math.floor((hash32(`${nominal}/${seed}`) * maxJitter) / 2 ** 32) : 0;
    return { nominal, next: nominal + jitter };
  }
}

/** Canonicalizes and compiles; the error message is the reason (without the "Invalid schedule spec" prefix). */
export function compileSpec(spec: Msg | undefined): { canonical: Msg; compiled: CompiledSpec } {
  const canonical = canonicalize(spec);
  return { canonical, compiled: new CompiledSpec(canonical) };
}
