import { patched, sleep, upsertMemo } from '@temporalio/workflow';

/**
 * One tiny procedure in three versions, to show that the replay check catches a change running
 * cases could not follow. Version 1 waits out its review period, then replies.
 */
export async function reviewThenReply(): Promise<string> {
  await sleep('5 days');
  return 'replied';
}

/** Version 2 tells the applicant before the review starts: a new first command, so v1 cases break. */
export async function reviewThenReplyWithNotice(): Promise<string> {
  upsertMemo({ noticeSent: true });
  await sleep('5 days');
  return 'replied';
}

/** The same change behind `patched`: cases started on version 1 replay as they ran. */
export async function reviewThenReplyWithPatchedNotice(): Promise<string> {
  if (patched('notice-before-review')) upsertMemo({ noticeSent: true });
  await sleep('5 days');
  return 'replied';
}
