/**
 * Quarters of the quarterly supervision report (新郑 八(三): 各相关科室每季度首月1日前上报…工作开展情况),
 * in Beijing time (Asia/Shanghai, UTC+8 all year). Pure: the workflow, the activities and the API
 * compute the same quarter and the same cut-off from here.
 */

/** `2026Q4`: a year and its quarter 1–4. */
export const QUARTER_PATTERN = /^(\d{4})Q([1-4])$/;

export interface Quarter {
  year: number;
  quarter: 1 | 2 | 3 | 4;
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

export function parseQuarter(text: string): Quarter {
  const m = QUARTER_PATTERN.exec(text);
  if (!m) throw new TypeError(`not a quarter: ${text}`);
  return { year: Number(m[1]), quarter: Number(m[2]) as Quarter['quarter'] };
}

export const quarterText = (q: Quarter): string => `${q.year}Q${q.quarter}`;

/** The quarter an instant falls in, on the Beijing calendar. */
export function quarterAt(instantMs: number): string {
  const local = new Date(instantMs + BEIJING_OFFSET_MS);
  return quarterText({
    year: local.getUTCFullYear(),
    quarter: (Math.floor(local.getUTCMonth() / 3) + 1) as Quarter['quarter'],
  });
}

export function nextQuarter(text: string): string {
  const q = parseQuarter(text);
  return q.quarter === 4
    ? quarterText({ year: q.year + 1, quarter: 1 })
    : quarterText({ year: q.year, quarter: (q.quarter + 1) as Quarter['quarter'] });
}

export function previousQuarter(text: string): string {
  const q = parseQuarter(text);
  return q.quarter === 1
    ? quarterText({ year: q.year - 1, quarter: 4 })
    : quarterText({ year: q.year, quarter: (q.quarter - 1) as Quarter['quarter'] });
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The quarter's first and last Beijing dates (`2026-10-01`, `2026-12-31`). */
export function quarterDates(text: string): { first: string; last: string } {
  const q = parseQuarter(text);
  const firstMonth = (q.quarter - 1) * 3 + 1;
  const lastMonth = firstMonth + 2;
  const lastDay = new Date(Date.UTC(q.year, lastMonth, 0)).getUTCDate();
  return { first: `${q.year}-${pad(firstMonth)}-01`, last: `${q.year}-${pad(lastMonth)}-${pad(lastDay)}` };
}

/**
 * When the quarter's report is produced: its last day at 18:00 Beijing time. The seed asks for
 * the report before the 1st of the next quarter's first month; the end of the last working
 * afternoon (offices close at 17:30–18:00) takes in the quarter's whole business and still leaves
 * the evening before the 1st, so the report stands ready when the office opens on the 1st.
 * Each report counts what happened after the previous quarter's cut-off up to its own, so a case
 * closed after 18:00 on the last day is counted in the next quarter, never in none or in two.
 */
export const REPORT_HOUR_BEIJING = 18;

export function reportCutoff(text: string): string {
  const { last } = quarterDates(text);
  return new Date(Date.parse(`${last}T${pad(REPORT_HOUR_BEIJING)}:00:00+08:00`)).toISOString();
}

/** What the quarter's report counts: from the previous quarter's cut-off (exclusive) to its own. */
export function reportPeriod(text: string): { from: string; until: string } {
  return { from: reportCutoff(previousQuarter(text)), until: reportCutoff(text) };
}

/** The first instant of the next quarter's first month (the seed's deadline, `1日前`). */
export function reportDeadline(text: string): string {
  const { first } = quarterDates(nextQuarter(text));
  return new Date(Date.parse(`${first}T00:00:00+08:00`)).toISOString();
}
