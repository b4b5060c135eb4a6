import { enumMap } from './proto';

/** Enum numbers used by the engine, read from the descriptor at load time. */
export const EventType = enumMap('EventType', 'EVENT_TYPE_', [
  'WORKFLOW_EXECUTION_STARTED',
  'WORKFLOW_EXECUTION_COMPLETED',
  'WORKFLOW_EXECUTION_FAILED',
  'WORKFLOW_EXECUTION_TIMED_OUT',
  'WORKFLOW_TASK_SCHEDULED',
  'WORKFLOW_TASK_STARTED',
  'WORKFLOW_TASK_COMPLETED',
  'WORKFLOW_TASK_TIMED_OUT',
  'WORKFLOW_TASK_FAILED',
  'ACTIVITY_TASK_SCHEDULED',
  'ACTIVITY_TASK_STARTED',
  'ACTIVITY_TASK_COMPLETED',
  'ACTIVITY_TASK_FAILED',
  'ACTIVITY_TASK_TIMED_OUT',
  'ACTIVITY_TASK_CANCEL_REQUESTED',
  'ACTIVITY_TASK_CANCELED',
  'TIMER_STARTED',
  'TIMER_FIRED',
  'TIMER_CANCELED',
  'WORKFLOW_EXECUTION_CANCEL_REQUESTED',
  'WORKFLOW_EXECUTION_CANCELED',
  'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
  'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED',
  'EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED',
  'MARKER_RECORDED',
  'WORKFLOW_EXECUTION_SIGNALED',
  'WORKFLOW_EXECUTION_TERMINATED',
  'WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
  'START_CHILD_WORKFLOW_EXECUTION_INITIATED',
  'START_CHILD_WORKFLOW_EXECUTION_FAILED',
  'CHILD_WORKFLOW_EXECUTION_STARTED',
  'CHILD_WORKFLOW_EXECUTION_COMPLETED',
  'CHILD_WORKFLOW_EXECUTION_FAILED',
  'CHILD_WORKFLOW_EXECUTION_CANCELED',
  'CHILD_WORKFLOW_EXECUTION_TIMED_OUT',
  'CHILD_WORKFLOW_EXECUTION_TERMINATED',
  'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
  'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED',
  'EXTERNAL_WORKFLOW_EXECUTION_SIGNALED',
  'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  'WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
  'WORKFLOW_PROPERTIES_MODIFIED',
] as const);

export const CommandType = enumMap('CommandType', 'COMMAND_TYPE_', [
  'SCHEDULE_ACTIVITY_TASK',
  'REQUEST_CANCEL_ACTIVITY_TASK',
  'START_TIMER',
  'COMPLETE_WORKFLOW_EXECUTION',
  'FAIL_WORKFLOW_EXECUTION',
  'CANCEL_TIMER',
  'CANCEL_WORKFLOW_EXECUTION',
  'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION',
  'RECORD_MARKER',
  'CONTINUE_AS_NEW_WORKFLOW_EXECUTION',
  'START_CHILD_WORKFLOW_EXECUTION',
  'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION',
  'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  'PROTOCOL_MESSAGE',
  'MODIFY_WORKFLOW_PROPERTIES',
] as const);

export const ExecutionStatus = enumMap('WorkflowExecutionStatus', 'WORKFLOW_EXECUTION_STATUS_', [
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'TERMINATED',
  'CONTINUED_AS_NEW',
  'TIMED_OUT',
] as const);

export const TimeoutType = enumMap('TimeoutType', 'TIMEOUT_TYPE_', [
  'START_TO_CLOSE',
  'SCHEDULE_TO_START',
  'SCHEDULE_TO_CLOSE',
  'HEARTBEAT',
] as const);

export const RetryState = enumMap('RetryState', 'RETRY_STATE_', [
  'IN_PROGRESS',
  'NON_RETRYABLE_FAILURE',
  'TIMEOUT',
  'MAXIMUM_ATTEMPTS_REACHED',
  'RETRY_POLICY_NOT_SET',
  'CANCEL_REQUESTED',
] as const);

export const WorkflowTaskFailedCause = enumMap('WorkflowTaskFailedCause', 'WORKFLOW_TASK_FAILED_CAUSE_', [
  'UNHANDLED_COMMAND',
  'RESET_STICKY_TASK_QUEUE',
  'BAD_SCHEDULE_ACTIVITY_ATTRIBUTES',
  'SCHEDULE_ACTIVITY_DUPLICATE_ID',
  'BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES',
  'BAD_START_TIMER_ATTRIBUTES',
  'START_TIMER_DUPLICATE_ID',
  'BAD_CANCEL_TIMER_ATTRIBUTES',
  'BAD_RECORD_MARKER_ATTRIBUTES',
  'BAD_START_CHILD_EXECUTION_ATTRIBUTES',
  'BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES',
  'BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES',
  'BAD_SEARCH_ATTRIBUTES',
  'BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE',
] as const);

export const IdReusePolicy = enumMap('WorkflowIdReusePolicy', 'WORKFLOW_ID_REUSE_POLICY_', [
  'UNSPECIFIED',
  'ALLOW_DUPLICATE',
  'ALLOW_DUPLICATE_FAILED_ONLY',
  'REJECT_DUPLICATE',
  'TERMINATE_IF_RUNNING',
] as const);

export const IdConflictPolicy = enumMap('WorkflowIdConflictPolicy', 'WORKFLOW_ID_CONFLICT_POLICY_', [
  'UNSPECIFIED',
  'FAIL',
  'USE_EXISTING',
  'TERMINATE_EXISTING',
] as const);

export const TaskQueueKind = enumMap('TaskQueueKind', 'TASK_QUEUE_KIND_', ['NORMAL', 'STICKY'] as const);

export const QueryResultType = enumMap('QueryResultType', 'QUERY_RESULT_TYPE_', [
  'ANSWERED',
  'FAILED',
] as const);

export const UpdateStage = enumMap(
  'UpdateWorkflowExecutionLifecycleStage',
  'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_',
  ['UNSPECIFIED', 'ADMITTED', 'ACCEPTED', 'COMPLETED'] as const,
);

export const ParentClosePolicy = enumMap('ParentClosePolicy', 'PARENT_CLOSE_POLICY_', [
  'UNSPECIFIED',
  'TERMINATE',
  'ABANDON',
  'REQUEST_CANCEL',
] as const);

export const PendingActivityState = enumMap('PendingActivityState', 'PENDING_ACTIVITY_STATE_', [
  'SCHEDULED',
  'STARTED',
  'CANCEL_REQUESTED',
] as const);

export const HistoryEventFilterType = enumMap('HistoryEventFilterType', 'HISTORY_EVENT_FILTER_TYPE_', [
  'ALL_EVENT',
  'CLOSE_EVENT',
] as const);

export const TaskQueueType = enumMap('TaskQueueType', 'TASK_QUEUE_TYPE_', ['WORKFLOW', 'ACTIVITY'] as const);

export const StartChildFailedCause = enumMap(
  'StartChildWorkflowExecutionFailedCause',
  'START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_',
  ['WORKFLOW_ALREADY_EXISTS'] as const,
);

export const SignalExternalFailedCause = enumMap(
  'SignalExternalWorkflowExecutionFailedCause',
  'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_',
  ['EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND'] as const,
);

export const CancelExternalFailedCause = enumMap(
  'CancelExternalWorkflowExecutionFailedCause',
  'CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_',
  ['EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND'] as const,
);

export const QueryRejectCondition = enumMap('QueryRejectCondition', 'QUERY_REJECT_CONDITION_', [
  'NONE',
  'NOT_OPEN',
  'NOT_COMPLETED_CLEANLY',
] as const);

export const NamespaceState = enumMap('NamespaceState', 'NAMESPACE_STATE_', ['REGISTERED'] as const);

/** EVENT_TYPE_TIMER_FIRED → timerFiredEventAttributes */
export function attributesKey(eventType: number): string {
  const name = Object.entries(EventType).find(([, v]) => v === eventType)?.[0];
  if (!name) throw new Error(`event type ${eventType} is not handled by this server`);
  const camel = name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return `${camel}EventAttributes`;
}

export const CLOSED_STATUSES = new Set([
  ExecutionStatus.COMPLETED,
  ExecutionStatus.FAILED,
  ExecutionStatus.CANCELED,
  ExecutionStatus.TERMINATED,
  ExecutionStatus.CONTINUED_AS_NEW,
  ExecutionStatus.TIMED_OUT,
]);

export const ContinueAsNewInitiator = enumMap('ContinueAsNewInitiator', 'CONTINUE_AS_NEW_INITIATOR_', [
  'WORKFLOW',
  'RETRY',
  'CRON_SCHEDULE',
] as const);
