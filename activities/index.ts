import type { DataSource } from 'typeorm';

/** What activity implementations need from the outside world. */
export interface ActivityDeps {
  dataSource: DataSource;
}

/**
 * Builds every activity with its dependencies (`createActivities(deps)`), so activities can be
 * tested without a framework and the worker wires them in one place. Procedures add theirs here.
 */
export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
