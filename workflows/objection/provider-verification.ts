import {
  ApplicationFailure,
  condition,
  defineSignal,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createNotificationActivities } from '../../activities/notifications/notifications';
import { providerOf } from '../case/notices';
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
  VerificationResult,
  VerificationState,
  verificationStateQuery,
  verificationWithdrawnSignal,
} from './messages';
import type { ProviderReply } from './state';
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
  /** When the provider received the case (the forwarding time). */
  startsAt: string;
}

/** Parent → child: the verify step's due time (a reply after it is marked late). */
export const verificationDueSignal = defineSignal<[{ due: string }]>('verificationDue');

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
 * 信息提供单位核查 (child of `objection`): the provider department's verification task. It tells
 * the provider, accepts its written reply through the `providerReply` update (whose validator
 * refuses an invalid or unauthorised reply without touching the history) and returns it. The
 * verify step's clock, reminders and escalation run in the parent with the case's other clocks.
 */
export async function providerVerification(input: VerificationInput): Promise<VerificationResult> {
  const state: { reply?: ProviderReply; withdrawn: boolean; due?: string } = { withdrawn: false };

  setHandler(verificationStateQuery, (): VerificationState => ({
    caseId: input.caseId,
    status: state.reply ? 'replied' : state.withdrawn ? 'withdrawn' : 'pending',
    reply: state.reply,
  }));
  setHandler(verificationDueSignal, ({ due }) => {
    state.due = due;
  });
  setHandler(verificationWithdrawnSignal, () => {
    if (!state.reply) state.withdrawn = true;
  });
  setHandler(
    providerReplyUpdate,
    (reply: ProviderReplyInput) => {
      const repliedAt = new Date().toISOString();
      state.reply = {
        actor: reply.actor,
        department: reply.department,
        outcome: reply.outcome,
        opinion: reply.opinion.trim(),
        ...(reply.outcome === 'corrected' ? { correctedValues: reply.correctedValues } : {}),
        wrongfulPunishment: reply.wrongfulPunishment === true,
        repliedAt,
        late: state.due !== undefined && Date.parse(repliedAt) > Date.parse(state.due),
      };
      return { acceptedAt: repliedAt, outcome: state.reply.outcome, late: state.reply.late };
    },
    {
      validator: (reply: ProviderReplyInput) => {
        if (state.reply)
          refuse('VERIFICATION_ALREADY_REPLIED', `异议案件${input.caseNo}已答复核查结果，不能重复答复。`);
        if (state.withdrawn) refuse('OBJECTION_ENDED', `申请人已撤回异议案件${input.caseNo}，无需再答复。`);
        if (reply.department !== input.providerDepartment) {
          refuse(
            'VERIFICATION_OTHER_DEPARTMENT',
            `该信用记录由${input.providerDepartment}提供，只有该单位可以答复核查结果（谁认定、谁核查）。`,
          );
        }
        checkReply(reply);
      },
    },
  );

  await notify({
    dedupeKey: `${input.caseId}:verify:forwarded`,
    channel: 'internal',
    recipient: providerOf(input.providerDepartment),
    caseId: input.caseId,
    kind: 'objection.verification.requested',
    title: `【异议核查】异议案件${input.caseNo}`,
    body: `信用主体对贵单位提供的信用信息“${input.recordDescription}”提出异议，请核查并书面答复。`,
  });

  await condition(() => state.reply !== undefined || state.withdrawn);
  return state.reply ? { kind: 'replied', reply: state.reply } : { kind: 'withdrawn' };
}
