import {
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createNotificationActivities } from '../../activities/notifications/notifications';
import { runStepTimer, type StepPlan } from '../deadlines/working-day-deadline';
import type { EscalationPolicy, Limit } from '../policies/types';
import { isCalendarDate } from '../registry/dates';
import {
  CORRECTABLE_DATE_FIELDS,
  CORRECTABLE_FIELD_NAMES_ZH,
  CORRECTABLE_FIELDS,
  type RecordCorrection,
} from '../registry/types';
import {
  ObjectionRefusalCode,
  ProviderReplyInput,
  providerReplyUpdate,
  verificationExtendedSignal,
  verificationProgressSignal,
  VerificationState,
  verificationStateQuery,
} from './messages';
import { milestoneNotice, providerOf } from './notices';
import { chineseDate } from './reply-letter';
import type { ProviderReply, StepDeadline } from './state';
import { VERIFICATION_OUTCOMES } from './types';

const { notify } = proxyActivities<ReturnType<typeof createNotificationActivities>>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', maximumInterval: '10m' },
});

export interface VerificationInput {
  caseId: string;
  caseNo: string;
  jurisdiction: string;
  officeDepartment: string;
  providerDepartment: string;
  recordId: string;
  recordDescription: string;
  /** When the provider received the case (the forwarding time); the limit runs from here. */
  startsAt: string;
  limit: Limit;
  escalation: EscalationPolicy;
}

/** Refuses an update before anything enters the history; the API maps the code to HTTP. */
export function refuse(code: ObjectionRefusalCode, message: string): never {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true });
}

const DATE_FIELDS: ReadonlySet<string> = new Set(CORRECTABLE_DATE_FIELDS);

/** The reply's content checks (the registry checks the corrected record as a whole again). */
export function checkReply(input: ProviderReplyInput): void {
  if (!VERIFICATION_OUTCOMES.includes(input.outcome)) {
    refuse('OBJECTION_INVALID_INPUT', '核查结论必须是 upheld（维持）、corrected（更正）或 revoked（撤销）。');
  }
  if (typeof input.opinion !== 'string' || input.opinion.trim().length < 5) {
    refuse('OBJECTION_INVALID_INPUT', '请填写核查意见，说明核查的事实和理由（至少 5 个字）。');
  }
  const values = input.correctedValues;
  if (input.outcome !== 'corrected') {
    if (values && Object.keys(values).length > 0) {
      refuse('OBJECTION_INVALID_INPUT', '只有结论为“更正”时才能填写更正内容。');
    }
    return;
  }
  if (!values || typeof values !== 'object' || Object.keys(values).length === 0) {
    refuse('OBJECTION_INVALID_INPUT', '结论为“更正”时，必须填写更正后的内容。');
  }
  for (const [field, value] of Object.entries(values as RecordCorrection)) {
    if (!(CORRECTABLE_FIELDS as readonly string[]).includes(field)) {
      refuse(
        'OBJECTION_INVALID_INPUT',
        `不能更正字段“${field}”；可更正的字段：${CORRECTABLE_FIELDS.map((f) => `${f}（${CORRECTABLE_FIELD_NAMES_ZH[f]}）`).join('、')}。`,
      );
    }
    if (value !== null && typeof value !== 'string') {
      refuse('OBJECTION_INVALID_INPUT', `更正内容“${field}”必须是文本或 null。`);
    }
    if (typeof value === 'string' && DATE_FIELDS.has(field) && !isCalendarDate(value)) {
      refuse('OBJECTION_INVALID_INPUT', `更正内容“${field}”必须是有效日期（YYYY-MM-DD），收到：${value}。`);
    }
  }
}

/**
 * 信息提供单位核查 (child of `objection`): the provider department verifies the contested record
 * and replies in writing through the `providerReply` update, whose validator refuses an invalid
 * or unauthorised reply without touching the history. The verify step has its own time limit,
 * reminders and escalations; the parent is told of each so the case file shows them.
 */
export async function providerVerification(input: VerificationInput): Promise<ProviderReply> {
  const parent = getExternalWorkflowHandle(workflowInfo().parent!.workflowId);
  let reply: ProviderReply | undefined;
  let extendedBy = 0;
  let overdue = false;
  const assignee = providerOf(input.providerDepartment);
  let step: StepDeadline | undefined;

  setHandler(verificationStateQuery, (): VerificationState => ({
    caseId: input.caseId,
    status: reply ? 'replied' : 'pending',
    step,
    reply,
  }));
  setHandler(verificationExtendedSignal, ({ workingDays }) => {
    extendedBy += workingDays;
  });
  setHandler(
    providerReplyUpdate,
    (reply_: ProviderReplyInput) => {
      reply = {
        actor: reply_.actor,
        department: reply_.department,
        outcome: reply_.outcome,
        opinion: reply_.opinion.trim(),
        ...(reply_.outcome === 'corrected' ? { correctedValues: reply_.correctedValues } : {}),
        wrongfulPunishment: reply_.wrongfulPunishment === true,
        repliedAt: new Date().toISOString(),
        late: overdue,
      };
      return { acceptedAt: reply.repliedAt, outcome: reply.outcome, late: reply.late };
    },
    {
      validator: (reply_: ProviderReplyInput) => {
        if (reply)
          refuse('VERIFICATION_ALREADY_REPLIED', `异议案件${input.caseNo}已答复核查结果，不能重复答复。`);
        if (reply_.department !== input.providerDepartment) {
          refuse(
            'VERIFICATION_OTHER_DEPARTMENT',
            `该信用记录由${input.providerDepartment}提供，只有该单位可以答复核查结果（谁认定、谁核查）。`,
          );
        }
        checkReply(reply_);
      },
    },
  );

  await notify({
    dedupeKey: `${input.caseId}:verify:forwarded`,
    channel: 'internal',
    recipient: assignee,
    caseId: input.caseId,
    kind: 'objection.verification.requested',
    title: `【异议核查】异议案件${input.caseNo}`,
    body: `信用主体对贵单位提供的信用信息“${input.recordDescription}”提出异议，请核查并书面答复。`,
  });

  const toStep = (plan: StepPlan): StepDeadline => ({
    step: 'verify',
    assignee,
    department: input.providerDepartment,
    startedAt: input.startsAt,
    limit: input.limit,
    extendedBy,
    due: plan.due,
    provisional: plan.provisional,
    remindAt: plan.remindAt,
    secondLevelAt: plan.secondLevelAt,
    remindedAt: step?.remindedAt,
    overdueAt: step?.overdueAt,
    escalationLevel: step?.escalationLevel ?? 0,
  });

  await runStepTimer(
    { step: 'verify', startsAt: input.startsAt, limit: input.limit, escalation: input.escalation },
    {
      isDone: () => reply !== undefined,
      extendedBy: () => extendedBy,
      clockStops: () => [],
      onPlan: async (plan, reason) => {
        const now = Date.now();
        const next = toStep(plan);
        if (Date.parse(plan.due) > now) {
          // An extension or a new calendar moved the due time ahead: no longer overdue.
          overdue = false;
          delete next.overdueAt;
          next.escalationLevel = 0;
        }
        step = next;
        await parent.signal(verificationProgressSignal, {
          step,
          ...(reason === 'calendar'
            ? {
                event: {
                  kind: 'deadlines-recomputed' as const,
                  at: new Date().toISOString(),
                  summary: `节假日安排调整，核查期限重新计算为${chineseDate(plan.due)}`,
                },
              }
            : {}),
        });
      },
      onMilestone: async (milestone, plan) => {
        const at = new Date().toISOString();
        const notice = milestoneNotice({
          milestone,
          caseNo: input.caseNo,
          step: 'verify',
          assignee,
          officeDepartment: input.officeDepartment,
          jurisdiction: input.jurisdiction,
          due: plan.due,
        });
        step = toStep(plan);
        if (milestone === 'remind') step.remindedAt = at;
        if (milestone === 'due') {
          overdue = true;
          step.overdueAt = at;
          step.escalationLevel = 1;
        }
        if (milestone === 'second-level') step.escalationLevel = 2;
        for (const recipient of notice.recipients) {
          await notify({
            dedupeKey: `${input.caseId}:verify:${milestone}:${plan.due}:${recipient}`,
            channel: 'internal',
            recipient,
            caseId: input.caseId,
            kind: notice.kind,
            title: notice.title,
            body: notice.body,
          });
        }
        const kind = milestone === 'remind' ? 'reminder' : milestone === 'due' ? 'overdue' : 'escalated';
        await parent.signal(verificationProgressSignal, {
          step,
          event: { kind, at, summary: notice.summary },
        });
      },
    },
  );
  await condition(() => reply !== undefined);
  return reply!;
}
