import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { chineseDate } from '../case/notices';
import type { EligibilityFacts } from './activities-contract';
import { todayInBeijing as today } from '../case/periods';
import { caseRef, commitments, tellSigner, type CommitmentCase } from './commitment-case';
import { badRecordsSince, decideEligibility } from './eligibility';
import { limitText } from './templates';
import { COMMITMENT_KIND_NAMES_ZH } from './types';

/**
 * 签署 and 逢办必查: the commitment goes on file with its signed text, the credit check runs and is
 * stored with the case, and the commitment is admitted — or refused with the reasons, on file.
 */
export async function signAndCheck(c: CommitmentCase): Promise<boolean> {
  const { kit, s } = c;
  const kind = COMMITMENT_KIND_NAMES_ZH[s.kind];
  kit.record(
    'signed',
    s.signedBy,
    `${s.signer.name}（${s.signer.capacity}）签署${kind}，办理事项：${s.matter}`,
    {
      kind: s.kind,
      templateVersion: s.text.templateVersion,
      policyVersion: s.policyVersion,
      items: s.items.map((i) => ({ no: i.no, name: i.name, limit: i.limit })),
    },
  );

  const facts = await creditFacts(c);
  const decision =
    'refusal' in facts
      ? { eligible: false, reasons: [facts.refusal] }
      : decideEligibility(s.kind, facts, c.rules, today());
  s.eligibility = {
    creditCheckId: 'refusal' in facts ? '' : facts.creditCheckId,
    checkedAt: 'refusal' in facts ? new Date().toISOString() : facts.checkedAt,
    ...decision,
  };
  kit.record(
    'credit-checked',
    'system',
    decision.eligible
      ? '信用核查（逢办必查）：未发现不予适用的情形'
      : `信用核查（逢办必查）：${decision.reasons.join('')}`,
    { creditCheckId: s.eligibility.creditCheckId, eligible: decision.eligible },
  );

  if (!decision.eligible) {
    kit.transition('refuse');
    const retry =
      'retryFrom' in decision && decision.retryFrom ? `可于${decision.retryFrom}起重新申请。` : '';
    kit.record('refused', 'system', `不予适用${kind}：${decision.reasons.join('')}${retry}`);
    s.closedAt = new Date().toISOString();
    kit.touch();
    await tellSigner(c, 'refused', {
      kind: 'commitment.refused',
      title: `【不予适用告知】${kind}${s.caseNo}`,
      body: `经信用核查，您办理“${s.matter}”申请的${kind}不予适用：${decision.reasons.join('')}${retry}请按一般程序提交完整材料办理。`,
    });
    return false;
  }

  kit.transition('admit');
  kit.touch();
  await tellSigner(c, 'admitted', { kind: 'commitment.admitted', ...admittedNotice(c) });
  return true;
}

/** The credit check through the registry; an unknown subject is a refusal, not a retry. */
async function creditFacts(c: CommitmentCase): Promise<EligibilityFacts | { refusal: string }> {
  const { s } = c;
  try {
    return await commitments.commitmentEligibilityFacts({
      caseRef: caseRef(c),
      subjectCode: s.subject.code,
      matter: s.matter,
      department: s.department,
      actor: s.signedBy,
      badRecordsSince: badRecordsSince(c.rules, today()),
    });
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (cause instanceof ApplicationFailure && cause.nonRetryable) {
      return { refusal: `未能完成信用核查：${cause.message}` };
    }
    throw err;
  }
}

function admittedNotice(c: CommitmentCase): { title: string; body: string } {
  const { s } = c;
  const kind = COMMITMENT_KIND_NAMES_ZH[s.kind];
  const head = `${s.officeName}${s.department}已受理您就“${s.matter}”签署的${kind}（编号${s.caseNo}）。`;
  if (s.kind === 'deferred-materials') {
    const items = s.items.map((i) => `${i.name}（${limitText(i.limit)}内）`).join('、');
    return {
      title: `【容缺受理通知】${s.caseNo}`,
      body: `${head}请按承诺在期限内补交：${items}。逾期未补交的，将记为违约并录入公共信用信息系统。`,
    };
  }
  if (s.kind === 'notice-commitment') {
    return {
      title: `【告知承诺受理通知】${s.caseNo}`,
      body: `${head}我们将在${limitText(c.rules.verifyWithin)}内对承诺内容进行核查；承诺不实的，将记为违约并录入公共信用信息系统。`,
    };
  }
  return {
    title: `【信用承诺公示通知】${s.caseNo}`,
    body: `${head}承诺有效期至${s.validUntil ? chineseDate(s.validUntil) : '—'}${s.published ? '，已在信用承诺专栏公示' : ''}。`,
  };
}
