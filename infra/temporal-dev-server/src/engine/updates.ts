import { status } from '@grpc/grpc-js';
import { EventType, UpdateStage } from '../enums';
import { alreadyCompleted, invalidArgument, RpcError } from '../errors';
import { type Msg, unpackAny } from '../proto';
import { isClosed, type Run, type UpdateState } from './run';
import type { Engine } from './engine';

/** Workflow updates: admitted → accepted → completed, or rejected (then no events remain). */
export class Updates {
  constructor(private readonly e: Engine) {}

  /** Admits an update (or finds the one with the same id) and resolves once it reaches `stage`. */
  async update(run: Run, request: Msg, stage: number, timeoutMs: number): Promise<Msg> {
    const id: string = request?.meta?.updateId;
    if (!id) throw invalidArgument('Update ID is not set on request.');
    if (!request?.input?.name) throw invalidArgument('Update name is not set on request.');
    let u = run.updates.get(id);
    if (!u) {
      if (isClosed(run)) throw alreadyCompleted();
      u = { id, request, stage: UpdateStage.ADMITTED, delivered: false, waiters: [] };
      run.updates.set(id, u);
      this.e.persistence.touch(run);
      this.e.workflowTasks.schedule(run, { speculative: true });
    }
    const state = u;
    // ADMITTED answers once the update is admitted; an unspecified stage means ACCEPTED.
    const wanted = stage === UpdateStage.UNSPECIFIED ? UpdateStage.ACCEPTED : stage;
    if (state.stage < wanted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        state.waiters.push(done);
      });
    }
    return this.response(run, state);
  }

  poll(run: Run, updateId: string, stage: number, timeoutMs: number): Promise<Msg> {
    const u = run.updates.get(updateId);
    if (!u) throw new RpcError(status.NOT_FOUND, `update ${updateId} not found`);
    return this.update(run, u.request, stage, timeoutMs);
  }

  private response(run: Run, u: UpdateState): Msg {
    return {
      updateRef: { workflowExecution: { workflowId: run.workflowId, runId: run.runId }, updateId: u.id },
      outcome: u.stage === UpdateStage.COMPLETED ? u.outcome : undefined,
      stage: u.stage,
    };
  }

  handleProtocolMessage(run: Run, message: Msg, _completedEventId: number): void {
    const body = unpackAny(message.body);
    const u = run.updates.get(message.protocolInstanceId);
    if (!body || !u) return;
    const notify = () => u.waiters.splice(0).forEach((w) => w());
    switch (body.typeName) {
      case 'temporal.api.update.v1.Acceptance': {
        const event = this.e.events.append(run, EventType.WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
          protocolInstanceId: u.id,
          acceptedRequestMessageId: body.value.acceptedRequestMessageId,
          acceptedRequestSequencingEventId: body.value.acceptedRequestSequencingEventId,
          acceptedRequest: u.request,
        });
        u.acceptedEventId = event.eventId;
        u.stage = UpdateStage.ACCEPTED;
        notify();
        return;
      }
      case 'temporal.api.update.v1.Rejection':
        // The callers waiting get the rejection; the server then forgets the update (as the real
        // server's registry does), so a request with the same id later is validated again.
        u.outcome = { failure: body.value.failure };
        u.stage = UpdateStage.COMPLETED;
        run.updates.delete(u.id);
        this.e.persistence.touch(run);
        notify();
        return;
      case 'temporal.api.update.v1.Response':
        this.e.events.append(run, EventType.WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
          meta: body.value.meta ?? { updateId: u.id },
          acceptedEventId: u.acceptedEventId,
          outcome: body.value.outcome,
        });
        u.outcome = body.value.outcome;
        u.stage = UpdateStage.COMPLETED;
        notify();
        return;
      default:
        throw invalidArgument(`unsupported protocol message ${body.typeName}`);
    }
  }
}
