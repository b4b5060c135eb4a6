/**
 * Wall-clock fields of an instant in a named time zone, and back, with Node's Intl (no time zone
 * database of our own). Times are whole seconds: schedules have one-second resolution.
 */
export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The zone name as the real server resolves it (Go's time.LoadLocation): empty is UTC, `Local` the
 * server's own zone; an unknown name is an error.
 */
export function resolveZone(name: string | undefined): string {
  if (!name || name === 'UTC') return 'UTC';
  if (name === 'Local') return Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    formatter(name);
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
  return name;
}

/** Seconds since epoch → the wall clock in `zone`. */
export function wallTime(sec: number, zone: string): WallTime {
  if (zone === 'UTC') {
    const d = new Date(sec * 1000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(sec * 1000))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** A wall time written as if it were UTC: seconds, for arithmetic on wall clocks. */
export function naive(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) / 1000;
}

/** The zone's offset from UTC at an instant, in seconds. */
export function offsetAt(sec: number, zone: string): number {
  return zone === 'UTC' ? 0 : naive(wallTime(sec, zone)) - sec;
}

/**
 * The instants at which the wall clock of `zone` shows the naive time given, earliest first:
 * none in a gap a daylight-saving change jumps over, two in an hour it repeats.
 */
export function instantsOf(naiveSec: number, zone: string): number[] {
  if (zone === 'UTC') return [naiveSec];
  const offsets = new Set([offsetAt(naiveSec - 43_200, zone), offsetAt(naiveSec + 43_200, zone)]);
  const out: number[] = [];
  for (const o of offsets) {
    const t = naiveSec - o;
    if (offsetAt(t, zone) === o && !out.includes(t)) out.push(t);
  }
  return out.sort((a, b) => a - b);
}
