import type { TimelineEntry } from '../../../workflows/case/types';

/** Pieces of every procedure's views (staff file, applicant's look-up) drawn from its read model. */

/** A timestamp column as the API answers it. */
export const isoOrNull = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** A stored timeline entry (`<procedure>_event`), append-only by `seq`. */
export interface StoredCaseEvent {
  seq: number;
  at: Date;
  kind: string;
  actor: string;
  summary: string;
  detail: Record<string, unknown> | null;
}

/** The timeline as stored, in order; an empty detail is left out. */
export function timelineOf<Kind extends string>(events: StoredCaseEvent[]): TimelineEntry<Kind>[] {
  return events.map((e) => ({
    seq: e.seq,
    at: e.at.toISOString(),
    kind: e.kind as Kind,
    actor: e.actor,
    summary: e.summary,
    ...(e.detail && Object.keys(e.detail).length > 0 ? { detail: e.detail } : {}),
  }));
}

/** What an applicant may see of a timeline: the kinds given, without actors or details. */
export function publicTimeline<Kind extends string>(
  events: StoredCaseEvent[],
  kinds: readonly Kind[],
  summaries: Partial<Record<Kind, string>> = {},
): { at: string; kind: Kind; summary: string }[] {
  return timelineOf<Kind>(events)
    .filter((e) => kinds.includes(e.kind))
    .map((e) => ({ at: e.at, kind: e.kind, summary: summaries[e.kind] ?? e.summary }));
}
