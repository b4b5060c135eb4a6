import { ExecutionStatus } from '../enums';
import type { Msg } from '../proto';
import {
  ConcurrencyError,
  ExecutionRecord,
  NamespaceRecord,
  RunMutation,
  ScheduleRecord,
  Storage,
  TaskRecord,
  TimerRecord,
  VisibilityFilter,
  VisibilityRecord,
  meetsFilter,
} from './storage';
import { checkMutations, fromJson, toJson } from './records';

/**
 * Storage in process memory: the default of the dev server (state ends with the process). It
 * honours the same contract as a database: all-or-nothing commits checked on the next event id.
 */
export class InMemoryStorage implements Storage {
  private readonly histories = new Map<string, Msg[]>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly timers = new Map<string, TimerRecord[]>();
  private readonly tasks = new Map<string, TaskRecord[]>();
  private readonly visibility = new Map<string, VisibilityRecord>();
  /** namespace/workflowId → its runs' keys (the latest run of a workflow id without a scan). */
  private readonly byWorkflow = new Map<string, Set<string>>();
  private readonly namespaces = new Map<string, NamespaceRecord>();
  private readonly schedules = new Map<string, ScheduleRecord>();

  async commit(mutations: RunMutation[]): Promise<void> {
    // Check everything before changing anything: a failed commit leaves no partial write.
    checkMutations(mutations);
    for (const m of mutations) {
      const stored = this.executions.get(m.runKey)?.nextEventId ?? 1;
      if (stored !== m.expectedNextEventId) {
        throw new ConcurrencyError(
          `run ${m.runKey} is at event ${stored} in storage, the change was made for ${m.expectedNextEventId}`,
        );
      }
    }
    for (const m of mutations) {
      const history = this.histories.get(m.runKey) ?? [];
      history.splice(m.historyFrom - 1, history.length, ...m.newEvents);
      this.histories.set(m.runKey, history);
      this.executions.set(m.runKey, m.execution);
      this.timers.set(m.runKey, m.timers);
      this.tasks.set(m.runKey, m.tasks);
      this.visibility.set(m.runKey, m.visibility);
      const workflow = `${m.visibility.namespace}/${m.visibility.workflowId}`;
      const keys = this.byWorkflow.get(workflow) ?? new Set<string>();
      keys.add(m.runKey);
      this.byWorkflow.set(workflow, keys);
    }
  }

  async readHistory(runKey: string, fromEventId = 1, toEventId?: number): Promise<Msg[]> {
    const history = this.histories.get(runKey) ?? [];
    return history.slice(fromEventId - 1, toEventId === undefined ? undefined : toEventId - 1);
  }

  async loadExecutions(
    options: { openOnly?: boolean; afterRunKey?: string; limit?: number } = {},
  ): Promise<ExecutionRecord[]> {
    const after = options.afterRunKey;
    const all = [...this.executions.values()]
      .filter((e) => !options.openOnly || e.status === ExecutionStatus.RUNNING)
      .filter((e) => after === undefined || e.runKey > after)
      .sort((a, b) => (a.runKey < b.runKey ? -1 : a.runKey > b.runKey ? 1 : 0));
    return options.limit === undefined ? all : all.slice(0, options.limit);
  }

  async loadExecution(runKey: string): Promise<ExecutionRecord | undefined> {
    return this.executions.get(runKey);
  }

  async latestExecution(namespace: string, workflowId: string): Promise<ExecutionRecord | undefined> {
    let latest: VisibilityRecord | undefined;
    let latestKey: string | undefined;
    for (const runKey of this.byWorkflow.get(`${namespace}/${workflowId}`) ?? []) {
      const v = this.visibility.get(runKey);
      if (!v) continue;
      if (!latest || laterRun(v, latest)) {
        latest = v;
        latestKey = runKey;
      }
    }
    return latestKey === undefined ? undefined : this.executions.get(latestKey);
  }

  async deleteClosedRuns(namespace: string, closedBefore: number): Promise<string[]> {
    const keys: string[] = [];
    for (const [runKey, v] of this.visibility) {
      if (v.namespace === namespace && v.closeTime !== undefined && v.closeTime < closedBefore) {
        keys.push(runKey);
      }
    }
    for (const runKey of keys) {
      const v = this.visibility.get(runKey)!;
      this.byWorkflow.get(`${v.namespace}/${v.workflowId}`)?.delete(runKey);
      this.visibility.delete(runKey);
      this.executions.delete(runKey);
      this.histories.delete(runKey);
      this.timers.delete(runKey);
      this.tasks.delete(runKey);
    }
    return keys;
  }

  async loadTimers(): Promise<TimerRecord[]> {
    return [...this.timers.values()].flat().sort((a, b) => a.at - b.at);
  }

  async loadTasks(queue?: string): Promise<TaskRecord[]> {
    const all = [...this.tasks.values()].flat();
    return queue === undefined ? all : all.filter((t) => t.queue === queue);
  }

  async listVisibility(namespace: string, filter?: VisibilityFilter): Promise<VisibilityRecord[]> {
    return [...this.visibility.values()].filter((v) => v.namespace === namespace && meetsFilter(v, filter));
  }

  async putNamespace(record: NamespaceRecord): Promise<void> {
    this.namespaces.set(record.name, record);
  }

  async loadNamespaces(): Promise<NamespaceRecord[]> {
    return [...this.namespaces.values()];
  }

  async putSchedule(record: ScheduleRecord): Promise<void> {
    // A copy, as a database row would be: later changes to the engine's object are not stored.
    this.schedules.set(
      `${record.namespace}/${record.scheduleId}`,
      fromJson(toJson(record)) as ScheduleRecord,
    );
  }

  async deleteSchedule(namespace: string, scheduleId: string): Promise<void> {
    this.schedules.delete(`${namespace}/${scheduleId}`);
  }

  async loadSchedules(): Promise<ScheduleRecord[]> {
    return [...this.schedules.values()].map((r) => fromJson(toJson(r)) as ScheduleRecord);
  }

  async close(): Promise<void> {
    return undefined;
  }
}

/** Later start first; at the same start time, an open run or the one closed later. */
function laterRun(a: VisibilityRecord, b: VisibilityRecord): boolean {
  if (a.startTime !== b.startTime) return a.startTime > b.startTime;
  return (a.closeTime ?? Infinity) > (b.closeTime ?? Infinity);
}
