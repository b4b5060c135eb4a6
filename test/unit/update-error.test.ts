import { HttpStatus } from '@nestjs/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { updateError } from '../../apps/api/cases/case-workflows';
import { ApiError, RefusedForNow } from '../../apps/api/common/errors';
import { TRY_LATER } from '../../workflows/case/types';

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

  it('tells a refusal for now (kit.refuseForNow) from a refusal for good', async () => {
    const forNow = ApplicationFailure.create({
      message: '核查结果正在处理中，请稍后再出具书面告知。',
      type: 'REPAIR_WRONG_STATUS',
      details: [TRY_LATER],
    });
    const forGood = ApplicationFailure.create({ message: '当前状态不能办理', type: 'REPAIR_WRONG_STATUS' });
    const now = await updateError(new WorkflowUpdateFailedError('update failed', forNow), mapping);
    const good = await updateError(new WorkflowUpdateFailedError('update failed', forGood), mapping);
    expect([now instanceof RefusedForNow, good instanceof RefusedForNow]).toEqual([true, false]);
    expect((now as ApiError).getStatus()).toBe(409);
  });
});
