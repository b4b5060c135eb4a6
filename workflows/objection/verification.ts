import { condition, ParentClosePolicy, startChild } from '@temporalio/workflow';
import { verificationWithdrawnSignal, type ForwardInput, type VerificationResult } from './messages';
import { runStep, type ObjectionCase } from './objection-case';
import { providerVerification, verificationDueSignal } from './provider-verification';
import { chineseDate } from '../case/notices';
import type { ProviderReply } from './state';
import { OUTCOME_NAMES_ZH, verificationWorkflowId } from './types';

export type VerificationEnd =
  { kind: 'replied'; reply: ProviderReply } | { kind: 'withdrawn' } | { kind: 'aborted'; reason: string };

/**
 * 转办 and 核查: the case goes to the provider (the verification child is its inbox) and the
 * verify step's clock runs here with the case's others. A withdrawal asks the child to stop;
 * a reply the child accepted first wins and the withdrawal is refused. A failed child ends the
 * case as aborted (the caller undoes what the case did and tells the supervisor).
 */
export async function forwardAndVerify(c: ObjectionCase): Promise<VerificationEnd> {
  const { kit, s } = c;
  const forward = kit.requested<ForwardInput>('forward')!;
  const forwardedAt = new Date().toISOString();
  kit.transition('forward');
  const child = await startChild(providerVerification, {
    workflowId: verificationWorkflowId(s.caseId),
    parentClosePolicy: ParentClosePolicy.TERMINATE,
    args: [
      {
        caseId: s.caseId,
        caseNo: s.caseNo,
        jurisdiction: s.jurisdiction,
        officeDepartment: s.officeDepartment,
        providerDepartment: s.providerDepartment,
        recordId: s.recordId,
        recordDescription: s.recordDescription,
        startsAt: forwardedAt,
      },
    ],
  });
  kit.record(
    'forwarded',
    forward.actor,
    `转交信息提供单位${s.providerDepartment}核查${forward.note ? `：${forward.note}` : ''}`,
  );
  kit.settle('forward');

  let result: VerificationResult | { kind: 'failed'; reason: string } | undefined;
  void child.result().then(
    (r) => (result = r),
    (err: unknown) => (result = { kind: 'failed', reason: err instanceof Error ? err.message : String(err) }),
  );
  const clock = runStep(
    c,
    'verify',
    forwardedAt,
    () => result !== undefined || kit.requested('withdraw') !== undefined || kit.ended(),
    {
      current: () => s.status === 'forwarded',
      // The child marks a reply after the due time as late; a child that has ended needs nothing.
      onShow: (deadline) =>
        void child.signal(verificationDueSignal, { due: deadline.due }).catch(() => undefined),
    },
  );

  await condition(() => result !== undefined || kit.requested('withdraw') !== undefined);
  if (result === undefined) {
    await child.signal(verificationWithdrawnSignal).catch(() => undefined);
    await condition(() => result !== undefined);
  }
  await clock?.done;
  const end = result!;
  if (end.kind === 'failed') return { kind: 'aborted', reason: end.reason };
  if (end.kind === 'withdrawn') return { kind: 'withdrawn' };
  if (kit.requested('withdraw')) {
    kit.settle('withdraw', {
      code: 'OBJECTION_WRONG_STATUS',
      message: `信息提供单位已于${chineseDate(end.reply.repliedAt)}答复异议案件${s.caseNo}的核查结果，不能再撤回。`,
    });
  }
  receiveReply(c, end.reply);
  return { kind: 'replied', reply: end.reply };
}

function receiveReply(c: ObjectionCase, reply: ProviderReply): void {
  const { kit, s } = c;
  kit.transition('verify');
  s.reply = reply;
  s.outcome = reply.outcome;
  delete s.step;
  kit.record(
    'provider-replied',
    reply.actor,
    `${reply.department}答复核查结果：${OUTCOME_NAMES_ZH[reply.outcome]}${reply.late ? '（逾期答复）' : ''}`,
    {
      outcome: reply.outcome,
      opinion: reply.opinion,
      correctedValues: reply.correctedValues,
      late: reply.late,
    },
  );
}
