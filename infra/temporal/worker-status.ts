/** The state of the Temporal worker, as the API's health check reports it. */
export type WorkerState =
  'INITIALIZED' | 'RUNNING' | 'STOPPED' | 'STOPPING' | 'DRAINING' | 'DRAINED' | 'FAILED';

export interface WorkerStatusSource {
  /** The in-process worker's state, or undefined when the worker runs in another process. */
  state(): WorkerState | undefined;
}

export const NO_LOCAL_WORKER: WorkerStatusSource = { state: () => undefined };
