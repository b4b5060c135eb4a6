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
  VisibilityRecord,
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
    }
  }

  async readHistory(runKey: string, fromEventId = 1, toEventId?: number): Promise<Msg[]> {
    const history = this.histories.get(runKey) ?? [];
    return history.slice(fromEventId - 1, toEventId === undefined ? undefined : toEventId - 1);
  }

  async loadExecutions(options: { openOnly?: boolean } = {}): Promise<ExecutionRecord[]> {
    const all = [...this.executions.values()];
    return options.openOnly ? all.filter((e) => e.status === ExecutionStatus.RUNNING) : all;
  }

  async loadTimers(): Promise<TimerRecord[]> {
    return [...this.timers.values()].flat().sort((a, b) => a.at - b.at);
  }

  async loadTasks(queue?: string): Promise<TaskRecord[]> {
    const all = [...this.tasks.values()].flat();
    return queue === undefined ? all : all.filter((t) => t.queue === queue);
  }

  async listVisibility(namespace: string): Promise<VisibilityRecord[]> {
    return [...this.visibility.values()].filter((v) => v.namespace === namespace);
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
