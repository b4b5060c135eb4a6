import { status } from '@grpc/grpc-js';
import { CommandType, EventType, ExecutionStatus } from '../enums';
import { RpcError } from '../errors';
import type { Msg } from '../proto';
import type { Run } from './run';
import type { Engine } from './engine';

/** Applies the (already validated) commands of a completed workflow task, in order. */
export class Commands {
  constructor(private readonly e: Engine) {}

  apply(run: Run, command: Msg, completedEventId: number, identity: string): void {
    const t = command.commandType;
    switch (t) {
      case CommandType.SCHEDULE_ACTIVITY_TASK:
        return this.e.activities.schedule(
          run,
          command.scheduleActivityTaskCommandAttributes ?? {},
          completedEventId,
        );
      case CommandType.REQUEST_CANCEL_ACTIVITY_TASK:
        return this.e.activities.requestCancel(
          run,
          command.requestCancelActivityTaskCommandAttributes ?? {},
          completedEventId,
        );
      case CommandType.START_TIMER:
        return this.e.timers.start(run, command.startTimerCommandAttributes ?? {}, completedEventId);
      case CommandType.CANCEL_TIMER:
        return this.e.timers.cancel(run, command.cancelTimerCommandAttributes ?? {}, completedEventId);
      case CommandType.COMPLETE_WORKFLOW_EXECUTION:
        return this.e.completeRun(
          run,
          command.completeWorkflowExecutionCommandAttributes?.result,
          completedEventId,
        );
      case CommandType.FAIL_WORKFLOW_EXECUTION:
        return this.e.failRun(run, command.failWorkflowExecutionCommandAttributes?.failure, completedEventId);
      case CommandType.CANCEL_WORKFLOW_EXECUTION:
        this.e.events.append(run, EventType.WORKFLOW_EXECUTION_CANCELED, {
          details: command.cancelWorkflowExecutionCommandAttributes?.details,
          workflowTaskCompletedEventId: completedEventId,
        });
        return this.e.close(run, ExecutionStatus.CANCELED);
      case CommandType.CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
        return this.e.continueAsNew(
          run,
          command.continueAsNewWorkflowExecutionCommandAttributes ?? {},
          completedEventId,
        );
      case CommandType.RECORD_MARKER: {
        const a = command.recordMarkerCommandAttributes ?? {};
        this.e.events.append(run, EventType.MARKER_RECORDED, {
          markerName: a.markerName,
          details: a.details,
          header: a.header,
          failure: a.failure,
          workflowTaskCompletedEventId: completedEventId,
        });
        return;
      }
      case CommandType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const sa = command.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes ?? {};
        run.searchAttributes = {
          indexedFields: { ...(run.searchAttributes.indexedFields ?? {}), ...(sa.indexedFields ?? {}) },
        };
        for (const [k, v] of Object.entries((sa.indexedFields ?? {}) as Record<string, Msg>)) {
          if (!v?.data || Buffer.from(v.data).length === 0 || Buffer.from(v.data).toString() === 'null') {
            delete run.searchAttributes.indexedFields[k];
          }
        }
        this.e.events.append(run, EventType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, {
          searchAttributes: sa,
          workflowTaskCompletedEventId: completedEventId,
        });
        return;
      }
      case CommandType.MODIFY_WORKFLOW_PROPERTIES: {
        const memo = command.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo ?? {};
        run.memo = { fields: { ...(run.memo.fields ?? {}), ...(memo.fields ?? {}) } };
        this.e.events.append(run, EventType.WORKFLOW_PROPERTIES_MODIFIED, {
          upsertedMemo: memo,
          workflowTaskCompletedEventId: completedEventId,
        });
        return;
      }
      case CommandType.START_CHILD_WORKFLOW_EXECUTION:
        return this.e.children.start(
          run,
          command.startChildWorkflowExecutionCommandAttributes ?? {},
          completedEventId,
          identity,
        );
      case CommandType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
        return this.e.children.signalExternal(
          run,
          command.signalExternalWorkflowExecutionCommandAttributes ?? {},
          completedEventId,
        );
      case CommandType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
        return this.e.children.cancelExternal(
          run,
          command.requestCancelExternalWorkflowExecutionCommandAttributes ?? {},
          completedEventId,
        );
      default:
        throw new RpcError(status.UNIMPLEMENTED, `command type ${t} is not supported by temporal-dev-server`);
    }
  }
}
