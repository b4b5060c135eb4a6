/**
 * Task queues with long polls. A queue holds tasks until a poller takes one; a poller waits
 * until a task arrives, its call is cancelled, or the poll interval ends (then it gets an empty
 * answer, as from the real server, and polls again).
 */
export interface Poller<T> {
  identity: string;
  /** The worker process the poll comes from (PollRequest.workerInstanceKey), if it said. */
  workerInstanceKey?: string;
  deliver(task: T | undefined): void;
}

export interface PollerInfo {
  identity: string;
  lastAccessTime: number;
}

class Queue<T> {
  readonly tasks: T[] = [];
  readonly waiting: Poller<T>[] = [];
  readonly seen = new Map<string, number>();
}

export class TaskQueues<T> {
  private readonly queues = new Map<string, Queue<T>>();

  constructor(
    /** Drops tasks that are no longer valid (closed run, superseded attempt) at dispatch time. */
    private readonly isLive: (task: T) => boolean,
    /** Called when a task is handed to a poller; returning undefined skips the task. */
    private readonly onDispatch: (task: T, identity: string) => unknown,
  ) {}

  private queue(key: string): Queue<T> {
    let q = this.queues.get(key);
    if (!q) {
      q = new Queue<T>();
      this.queues.set(key, q);
    }
    return q;
  }

  add(key: string, task: T): void {
    const q = this.queue(key);
    q.tasks.push(task);
    this.drain(q);
  }

  /** Waits for a task; `cancel()` of the returned handle withdraws the poller. */
  poll(
    key: string,
    identity: string,
    now: number,
    deliver: (dispatched: unknown) => void,
    workerInstanceKey?: string,
  ): () => void {
    const q = this.queue(key);
    q.seen.set(identity, now);
    const poller: Poller<T> = {
      identity,
      workerInstanceKey: workerInstanceKey || undefined,
      deliver: (task) => deliver(task === undefined ? undefined : this.onDispatch(task, identity)),
    };
    q.waiting.push(poller);
    this.drain(q);
    return () => {
      const i = q.waiting.indexOf(poller);
      if (i >= 0) q.waiting.splice(i, 1);
    };
  }

  /** Answers every waiting poller of `key` with an empty task (e.g. its worker shut down). */
  release(key: string): void {
    const q = this.queues.get(key);
    if (!q) return;
    for (const poller of q.waiting.splice(0)) poller.deliver(undefined);
  }

  /** Answers the waiting polls of one worker process on `key` with an empty task (it shuts down). */
  releaseWorker(key: string, workerInstanceKey: string): number {
    const q = this.queues.get(key);
    if (!q) return 0;
    const leaving = q.waiting.filter((p) => p.workerInstanceKey === workerInstanceKey);
    q.waiting.splice(0, q.waiting.length, ...q.waiting.filter((p) => !leaving.includes(p)));
    for (const poller of leaving) poller.deliver(undefined);
    return leaving.length;
  }

  /** Moves the still-live tasks of one queue to another (a sticky queue's worker went away). */
  moveAll(fromKey: string, toKey: string, filter: (task: T) => boolean): void {
    const from = this.queues.get(fromKey);
    if (!from) return;
    const moving = from.tasks.filter(filter);
    from.tasks.splice(0, from.tasks.length, ...from.tasks.filter((t) => !filter(t)));
    for (const task of moving) this.add(toKey, task);
  }

  pollers(key: string, since: number): PollerInfo[] {
    const q = this.queues.get(key);
    if (!q) return [];
    return [...q.seen.entries()]
      .filter(([, at]) => at >= since)
      .map(([identity, lastAccessTime]) => ({ identity, lastAccessTime }));
  }

  backlog(key: string): number {
    return this.queues.get(key)?.tasks.filter(this.isLive).length ?? 0;
  }

  private drain(q: Queue<T>): void {
    while (q.waiting.length > 0 && q.tasks.length > 0) {
      const task = q.tasks.shift()!;
      if (!this.isLive(task)) continue;
      const poller = q.waiting.shift()!;
      poller.deliver(task);
    }
  }
}
