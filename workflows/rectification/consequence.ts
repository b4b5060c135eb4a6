import { condition } from '@temporalio/workflow';
import { supervisorOf } from '../case/notices';
import { periodEnd, todayInBeijing } from '../case/periods';
import { consequenceLetter, proposalLetter } from './letters';
import { caseRef, rectifications, tellSubject, type RectificationCase } from './rectification-case';
import { consequenceText } from './rules';
import type { ConsequenceProposal } from './types';

/**
 * After the 警示约谈 the subject still did not rectify: the policy's next consequence (a
 * 重点关注名单 entry, measures of the published list) is proposed to the supervisor, who confirms
 * or rejects it within the policy's limit (a step with reminder and escalation to the credit
 * office). A confirmed consequence is applied once (the entry's document number is the case's);
 * what the registry refused is on file. Without a consequence in the policy the case closes.
 */
export async function proposeConsequence(c: RectificationCase): Promise<void> {
  const { kit, s, rules } = c;
  kit.transition('propose');
  s.stage = 'consequence';
  const proposal: ConsequenceProposal = {
    proposedAt: new Date().toISOString(),
    consequence: rules.consequence,
    summary: consequenceText(rules.consequence),
  };
  s.consequence = proposal;
  kit.record(
    'consequence-proposed',
    'system',
    `经提示约谈、警示约谈仍未整改，拟${proposal.summary}，提请负责人确认`,
    { consequence: proposal.consequence },
  );
  const supervisor = supervisorOf(s.department);
  kit.runStep({
    key: 'confirm',
    name: '确认后续措施',
    startsAt: proposal.proposedAt,
    limit: rules.confirmWithin,
    escalation: c.escalation,
    assignee: supervisor,
    department: s.department,
    isDone: () => proposal.decision !== undefined || kit.ended(),
    extendedBy: () => 0,
    show: (deadline) => {
      proposal.deadline = deadline;
    },
  });
  await condition(() => !!proposal.deadline?.due || kit.ended());
  if (proposal.deadline?.due) {
    await kit.tellStaff('proposed', [supervisor], {
      kind: 'rectification.consequence.proposed',
      ...proposalLetter(s, proposal.consequence, proposal.deadline.due),
    });
  }
  await condition(() => proposal.decision !== undefined || s.status === 'cancelled');
  if (proposal.decision?.confirmed) await applyConsequence(c, proposal);
  else if (proposal.decision) {
    await kit.tellStaff('rejected', [s.startedBy], {
      kind: 'rectification.consequence.rejected',
      title: `【后续措施未获确认】${s.caseNo}`,
      body: `限期整改${s.caseNo}拟${proposal.summary}，负责人不予确认：${proposal.decision.reason}。案件按未整改办结。`,
    });
  }
  proposal.settledAt = new Date().toISOString();
  s.closedAt ??= proposal.settledAt;
  kit.touch();
}

async function applyConsequence(c: RectificationCase, proposal: ConsequenceProposal): Promise<void> {
  const { kit, s } = c;
  const consequence = proposal.consequence;
  const today = todayInBeijing();
  const applied = await kit.effect(proposal.summary, () =>
    rectifications.applyRectificationConsequence({
      caseRef: caseRef(c),
      subjectCode: s.subject.code,
      department: s.department,
      consequence,
      documentNo: `${s.caseNo}-重点关注`,
      domain: s.domain,
      basis: `限期整改${s.caseNo}：经提示约谈、警示约谈仍未整改（${s.basis.title}，${s.basis.documentNo}）`,
      ...(s.basis.recordId ? { recordId: s.basis.recordId } : {}),
      effectiveFrom: today,
      ...(consequence.kind === 'watch-list' ? { expiresOn: periodEnd(today, consequence.validity) } : {}),
      matter: `限期整改${s.caseNo}`,
      actor: proposal.decision!.by,
    }),
  );
  if (!applied) return;
  proposal.applied = applied;
  const refused = applied.refused.map((r) => `${r.measureCode}（${r.message}）`).join('；');
  const done =
    consequence.kind === 'watch-list'
      ? `已列入${consequence.listName}（至${periodEnd(today, consequence.validity)}）`
      : `已实施失信约束措施${applied.appliedMeasureIds.length}项${refused ? `；未实施：${refused}` : ''}`;
  kit.record('consequence-applied', 'system', done, { ...applied });
  await tellSubject(c, 'consequence', {
    kind: 'rectification.consequence.applied',
    ...consequenceLetter(s, `经${s.department}提请、负责人确认，${done}。`),
  });
}

/** The policy has no consequence after the 警示约谈: the case closes unrectified. */
export async function closeUnrectified(c: RectificationCase): Promise<void> {
  const { kit, s } = c;
  kit.transition('closeUnrectified');
  s.closedAt = new Date().toISOString();
  kit.record('unrectified', 'system', '经提示约谈、警示约谈仍未整改；政策未规定后续措施，案件按未整改办结');
  await kit.tellStaff('unrectified', [s.startedBy, supervisorOf(s.department)], {
    kind: 'rectification.unrectified',
    title: `【未整改办结】${s.caseNo}`,
    body: `${s.subject.name}经提示约谈、警示约谈仍未完成整改（限期整改${s.caseNo}），案件按未整改办结。`,
  });
}
