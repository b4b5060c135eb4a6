import { HttpStatus } from '@nestjs/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { updateError } from '../../apps/api/cases/case-workflows';
import { ApiError } from '../../apps/api/common/errors';

/** How a failed update reaches the caller: a refusal as such; a case that ended meanwhile as ended. */
describe('updateError', () => {
  const ended = new ApiError(HttpStatus.CONFLICT, 'REPAIR_ENDED', '该信用修复案件已办结。');
  const mapping = {
    refusals: { REPAIR_WRONG_STATUS: HttpStatus.CONFLICT },
    failedCode: 'REPAIR_UPDATE_FAILED',
    whenGone: async () => ended,
  };

  it('answers an update the workflow outlived (it completed before the update did) as the case ended, in Chinese', async () => {
    // What the server gives every update still open when its workflow completes.
    const failure = ApplicationFailure.create({
      message: 'Workflow Update failed because the Workflow completed before the Update completed.',
      type: 'AcceptedUpdateCompletedWorkflow',
      nonRetryable: true,
    });
    expect(await updateError(new WorkflowUpdateFailedError('update failed', failure), mapping)).toBe(ended);
  });

  it('keeps a refusal of the table with its code and message', async () => {
    const refusal = ApplicationFailure.create({ message: '当前状态不能办理', type: 'REPAIR_WRONG_STATUS' });
    const err = (await updateError(
      new WorkflowUpdateFailedError('update failed', refusal),
      mapping,
    )) as ApiError;
    expect([err.getStatus(), (err.getResponse() as { code: string }).code]).toEqual([
      409,
      'REPAIR_WRONG_STATUS',
    ]);
  });
});
