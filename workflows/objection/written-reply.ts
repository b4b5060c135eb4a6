import { condition } from '@temporalio/workflow';
import { applicantChannel } from '../case/notices';
import type { IssueReplyInput } from './messages';
import { runStep, tellApplicant, type ObjectionCase } from './objection-case';
import { renderReplyLetter, resultOf } from './reply-letter';
import type { ProviderReply } from './state';

/** 书面告知: the notify step's clock runs until the office issues the 异议处理结果告知书. */
export async function issueWrittenReply(c: ObjectionCase, reply: ProviderReply): Promise<void> {
  const { kit, s } = c;
  const clock = runStep(
    c,
    'notify',
    new Date().toISOString(),
    () => kit.requested('issueReply') !== undefined,
    {
      current: () => s.status === 'verified',
    },
  );
  await condition(() => kit.requested('issueReply') !== undefined);
  await clock?.done;
  const request = kit.requested<IssueReplyInput>('issueReply')!;
  const issuedAt = new Date().toISOString();
  const effects = s.effects!;
  s.replyLetter = renderReplyLetter({
    caseNo: s.caseNo,
    officeName: s.officeName,
    applicant: s.applicant,
    receivedAt: s.receivedAt,
    recordDescription: s.recordDescription,
    grounds: s.grounds,
    outcome: reply.outcome,
    opinion: reply.opinion,
    providerDepartment: s.providerDepartment,
    correctedValues: reply.correctedValues,
    measures: { lifted: effects.liftedMeasureIds.length, reinstated: effects.reinstatedMeasureIds.length },
    recordChanged: effects.recordChanged,
    reputationRestoration: reply.wrongfulPunishment,
    issuedAt,
  });
  kit.transition('issueReply');
  s.closedAt = issuedAt;
  delete s.step;
  kit.record(
    'reply-issued',
    request.actor,
    `出具《异议处理结果告知书》并告知申请人：${resultOf(reply.outcome, effects.recordChanged)}`,
  );
  kit.settle('issueReply');
  await kit.publish();
  const letter = { kind: 'objection.reply', title: `【异议处理结果告知书】${s.caseNo}`, body: s.replyLetter };
  await tellApplicant(c, 'reply', letter);
  // The written reply is also sent as a letter when the applicant is reached otherwise.
  if (applicantChannel(s.applicant.contact) !== 'letter')
    await tellApplicant(c, 'reply-letter', letter, 'letter');
}
