import { CommandType, WorkflowTaskFailedCause } from '../enums';
import { RpcError } from '../errors';
import { durationMs, Msg, type, unpackAny } from '../proto';
import { checkFields } from '../request-checks';

/** Why a workflow task's commands were refused: recorded as the WorkflowTaskFailed cause. */
export interface CommandViolation {
  cause: number;
  message: string;
}

/** What validation needs to know of the run the commands are for. */
export interface CommandContext {
  pendingActivityIds: Iterable<string>;
  pendingTimerIds: Iterable<string>;
  /** Throws for search attributes the namespace does not define. */
  validateSearchAttributes(searchAttributes: Msg | undefined): void;
}

const CLOSE_COMMANDS = new Set<number>([
  CommandType.COMPLETE_WORKFLOW_EXECUTION,
  CommandType.FAIL_WORKFLOW_EXECUTION,
  CommandType.CANCEL_WORKFLOW_EXECUTION,
  CommandType.CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
]);

export function isCloseCommand(command: Msg): boolean {
  return CLOSE_COMMANDS.has(command.commandType);
}

const PROTOCOL_BODIES = new Set([
  'temporal.api.update.v1.Acceptance',
  'temporal.api.update.v1.Rejection',
  'temporal.api.update.v1.Response',
]);

/**
 * Checks every command of a workflow task completion before any of them is applied, as the real
 * server does: a bad command fails the whole task (nothing of it is recorded) and the worker is
 * told why, instead of half of the commands taking effect.
 */
export function validateCommands(
  commands: Msg[],
  messages: Msg[],
  context: CommandContext,
): CommandViolation | undefined {
  const activityIds = new Set(context.pendingActivityIds);
  const timerIds = new Set(context.pendingTimerIds);
  const messageIds = new Set(messages.map((m) => m.id as string));

  for (const [i, command] of commands.entries()) {
    if (isCloseCommand(command) && i !== commands.length - 1) {
      return {
        cause: WorkflowTaskFailedCause.UNHANDLED_COMMAND,
        message: `invalid command sequence: a workflow-closing command (type ${command.commandType}) must be the last command`,
      };
    }
    const violation = validateCommand(command, { activityIds, timerIds, messageIds, context });
    if (violation) return violation;
  }
  for (const message of messages) {
    const body = unpackAny(message.body);
    if (!message.protocolInstanceId || !body || !PROTOCOL_BODIES.has(body.typeName)) {
      return {
        cause: WorkflowTaskFailedCause.BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
        message: `unsupported protocol message ${message.id ?? ''} (${body?.typeName ?? 'no body'})`,
      };
    }
  }
  return undefined;
}

/** The cause a command's malformed fields (a duration out of range, an unknown enum value) fail the task with. */
const BAD_ATTRIBUTES: Record<number, number> = {
  [CommandType.SCHEDULE_ACTIVITY_TASK]: WorkflowTaskFailedCause.BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
  [CommandType.START_TIMER]: WorkflowTaskFailedCause.BAD_START_TIMER_ATTRIBUTES,
  [CommandType.RECORD_MARKER]: WorkflowTaskFailedCause.BAD_RECORD_MARKER_ATTRIBUTES,
  [CommandType.START_CHILD_WORKFLOW_EXECUTION]: WorkflowTaskFailedCause.BAD_START_CHILD_EXECUTION_ATTRIBUTES,
  [CommandType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION]:
    WorkflowTaskFailedCause.BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES,
};

function validateCommand(
  command: Msg,
  seen: { activityIds: Set<string>; timerIds: Set<string>; messageIds: Set<string>; context: CommandContext },
): CommandViolation | undefined {
  const bad = (cause: number, message: string): CommandViolation => ({ cause, message });
  try {
    checkFields(type('temporal.api.command.v1.Command'), command);
  } catch (err) {
    const cause = BAD_ATTRIBUTES[command.commandType] ?? WorkflowTaskFailedCause.UNHANDLED_COMMAND;
    return bad(cause, err instanceof Error ? err.message : String(err));
  }
  switch (command.commandType) {
    case CommandType.SCHEDULE_ACTIVITY_TASK: {
      const a = command.scheduleActivityTaskCommandAttributes;
      const cause = WorkflowTaskFailedCause.BAD_SCHEDULE_ACTIVITY_ATTRIBUTES;
      if (!a) return bad(cause, 'ScheduleActivityTaskCommandAttributes is not set on command.');
      if (!a.activityId) return bad(cause, 'ActivityId is not set on command.');
      if (!a.activityType?.name) return bad(cause, 'ActivityType is not set on command.');
      for (const field of [
        'scheduleToCloseTimeout',
        'scheduleToStartTimeout',
        'startToCloseTimeout',
        'heartbeatTimeout',
      ]) {
        const d = a[field];
        if (d && ((d.seconds ?? 0) < 0 || (d.nanos ?? 0) < 0)) {
          return bad(cause, `Invalid ${field}: it must not be negative.`);
        }
      }
      if (!durationMs(a.startToCloseTimeout) && !durationMs(a.scheduleToCloseTimeout)) {
        return bad(cause, 'A valid StartToClose or ScheduleToCloseTimeout is not set on command.');
      }
      if (seen.activityIds.has(a.activityId)) {
        return bad(
          WorkflowTaskFailedCause.SCHEDULE_ACTIVITY_DUPLICATE_ID,
          `Activity ID ${a.activityId} is already in use by a pending activity.`,
        );
      }
      seen.activityIds.add(a.activityId);
      return undefined;
    }
    case CommandType.REQUEST_CANCEL_ACTIVITY_TASK:
      if (!(command.requestCancelActivityTaskCommandAttributes?.scheduledEventId > 0)) {
        return bad(
          WorkflowTaskFailedCause.BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES,
          'ScheduledEventId is not set on command.',
        );
      }
      return undefined;
    case CommandType.START_TIMER: {
      const a = command.startTimerCommandAttributes;
      const cause = WorkflowTaskFailedCause.BAD_START_TIMER_ATTRIBUTES;
      if (!a?.timerId) return bad(cause, 'TimerId is not set on command.');
      if (!durationMs(a.startToFireTimeout))
        return bad(cause, 'A valid StartToFireTimeout is not set on command.');
      if (seen.timerIds.has(a.timerId)) {
        return bad(
          WorkflowTaskFailedCause.START_TIMER_DUPLICATE_ID,
          `Timer ID ${a.timerId} is already in use.`,
        );
      }
      seen.timerIds.add(a.timerId);
      return undefined;
    }
    case CommandType.CANCEL_TIMER:
      if (!command.cancelTimerCommandAttributes?.timerId) {
        return bad(WorkflowTaskFailedCause.BAD_CANCEL_TIMER_ATTRIBUTES, 'TimerId is not set on command.');
      }
      return undefined;
    case CommandType.RECORD_MARKER:
      if (!command.recordMarkerCommandAttributes?.markerName) {
        return bad(WorkflowTaskFailedCause.BAD_RECORD_MARKER_ATTRIBUTES, 'MarkerName is not set on command.');
      }
      return undefined;
    case CommandType.START_CHILD_WORKFLOW_EXECUTION: {
      const a = command.startChildWorkflowExecutionCommandAttributes;
      const cause = WorkflowTaskFailedCause.BAD_START_CHILD_EXECUTION_ATTRIBUTES;
      if (!a?.workflowId) return bad(cause, 'Required field WorkflowId is not set on command.');
      if (!a.workflowType?.name) return bad(cause, 'Required field WorkflowType is not set on command.');
      return searchAttributesViolation(seen.context, a.searchAttributes);
    }
    case CommandType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: {
      const a = command.signalExternalWorkflowExecutionCommandAttributes;
      const cause = WorkflowTaskFailedCause.BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES;
      if (!a?.execution?.workflowId) return bad(cause, 'WorkflowId is not set on command.');
      if (!a.signalName) return bad(cause, 'SignalName is not set on command.');
      return undefined;
    }
    case CommandType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
      if (!command.requestCancelExternalWorkflowExecutionCommandAttributes?.workflowId) {
        return bad(
          WorkflowTaskFailedCause.BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES,
          'WorkflowId is not set on command.',
        );
      }
      return undefined;
    case CommandType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
      const sa = command.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes;
      if (!sa?.indexedFields || Object.keys(sa.indexedFields).length === 0) {
        return bad(WorkflowTaskFailedCause.BAD_SEARCH_ATTRIBUTES, 'SearchAttributes are not set on command.');
      }
      return searchAttributesViolation(seen.context, sa);
    }
    case CommandType.CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
      return searchAttributesViolation(
        seen.context,
        command.continueAsNewWorkflowExecutionCommandAttributes?.searchAttributes,
      );
    case CommandType.PROTOCOL_MESSAGE: {
      const id = command.protocolMessageCommandAttributes?.messageId;
      if (!id || !seen.messageIds.has(id)) {
        return bad(
          WorkflowTaskFailedCause.BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
          `ProtocolMessageCommand refers to message ${id ?? '(none)'}, which is not in the request.`,
        );
      }
      return undefined;
    }
    case CommandType.COMPLETE_WORKFLOW_EXECUTION:
    case CommandType.FAIL_WORKFLOW_EXECUTION:
    case CommandType.CANCEL_WORKFLOW_EXECUTION:
    case CommandType.MODIFY_WORKFLOW_PROPERTIES:
      return undefined;
    default:
      return bad(
        WorkflowTaskFailedCause.UNHANDLED_COMMAND,
        `Unknown or unsupported command type: ${command.commandType}.`,
      );
  }
}

function searchAttributesViolation(
  context: CommandContext,
  sa: Msg | undefined,
): CommandViolation | undefined {
  try {
    context.validateSearchAttributes(sa);
    return undefined;
  } catch (err) {
    return {
      cause: WorkflowTaskFailedCause.BAD_SEARCH_ATTRIBUTES,
      message: err instanceof RpcError ? err.message : String(err),
    };
  }
}
