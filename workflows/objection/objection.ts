import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowHandle,
  condition,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createDeadlineActivities } from '../../activities/deadlines/deadline-activities';
import type { createNotificationActivities } from '../../activities/notifications/notifications';
import type {
  createRegistryActivities,
  RecordStepInput,
} from '../../activities/registry/registry-activities';
import { addLimit, runStepTimer, type Milestone, type StepPlan } from '../deadlines/working-day-deadline';
import type { Limit } from '../policies/types';
import {
  CASE_DEPARTMENTS,
  CASE_ESCALATION_LEVEL,
  CASE_JURISDICTION,
  CASE_NO,
  CASE_OVERDUE,
  CASE_STATUS,
  CASE_STEP,
  CASE_STEP_DUE_AT,
} from '../search-attributes';
import type { ObjectionActivities } from './activities-contract';
import {
  ExtendInput,
  extendUpdate,
  ForwardInput,
  forwardUpdate,
  IssueReplyInput,
  issueReplyUpdate,
  MaterialsReceivedInput,
  materialsReceivedUpdate,
  objectionStateQuery,
  RequestMaterialsInput,
  requestMaterialsUpdate,
  verificationExtendedSignal,
  verificationProgressSignal,
  WithdrawInput,
  withdrawUpdate,
} from './messages';
import { applicantChannel, milestoneNotice, supervisorOf } from './notices';
import { providerVerification, refuse } from './provider-verification';
import { chineseDate, renderReplyLetter } from './reply-letter';
import {
  EscalationLevel,
  ObjectionSnapshot,
  ObjectionStepName,
  STEP_NAMES_ZH,
  StepDeadline,
  TimelineEntry,
  TimelineKind,
} from './state';
import {
  CHANNEL_NAMES_ZH,
  GROUND_NAMES_ZH,
  ObjectionStart,
  ObjectionStatus,
  OUTCOME_NAMES_ZH,
  STATUS_NAMES_ZH,
  verificationWorkflowId,
} from './types';

type Registry = ReturnType<typeof createRegistryActivities>;
type Notifications = ReturnType<typeof createNotificationActivities>;
type Deadlines = ReturnType<typeof createDeadlineActivities>;

const registry = proxyActivities<Registry>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '5m' },
});
const { notify, syncObjectionCase, openRestorationTask, loadCalendar } = proxyActivities<
  Notifications & ObjectionActivities & Pick<Deadlines, 'loadCalendar'>
>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '5m' },
});

const ENDED: readonly ObjectionStatus[] = ['closed', 'withdrawn', 'lapsed'];
const MAX_EXTENSION_WORKING_DAYS = 30;

/** A deep copy for answers and the read model (the sandbox has no structuredClone). */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * 异议处理: one objection case from intake to the written reply.
 *
 * received ──(补正)──> awaiting-materials ──(材料收到)──> received ──(转办)──> forwarded
 *   forwarded ──(providerVerification child replies)──> verified ──(书面告知)──> closed
 * and at any time before the result: withdrawn; while awaiting materials past the policy's limit:
 * lapsed. Every step with a time limit is reminded before it is due, marked overdue and put to
 * the supervisor when due, and escalated to the credit office later (runStepTimer). The case's
 * policy version (in force at receipt) fixes the limits and the suspension rule.
 */
export async function objection(start: ObjectionStart): Promise<ObjectionSnapshot> {
  const rules = start.policy.document;
  const s: ObjectionSnapshot = {
    caseId: start.caseId,
    caseNo: start.caseNo,
    revision: 0,
    status: 'received',
    jurisdiction: start.jurisdiction,
    policyVersion: start.policy.version,
    officeDepartment: start.officeDepartment,
    officeName: start.officeName,
    providerDepartment: start.providerDepartment,
    applicant: start.applicant,
    channel: start.channel,
    recordId: start.recordId,
    recordDescription: start.recordDescription,
    grounds: start.grounds,
    groundsText: start.groundsText,
    attachments: [...start.attachments],
    receivedBy: start.receivedBy,
    receivedAt: start.receivedAt,
    caseDueProvisional: false,
    overdue: false,
    escalationLevel: 0,
    clockStops: [],
    suspension: rules.objection.suspension,
    suspendedMeasureIds: [],
    timeline: [],
  };
  let caseOverdue = false;
  let stepOverdue = false;
  let caseExtendedBy = 0;
  let stepExtendedBy = 0;
  let child: ChildWorkflowHandle<typeof providerVerification> | undefined;
  let progress = 0;
  let lapsed = false;
  /** The intake step's deadline while the clock is stopped for 补正 (shown again afterwards). */
  let stepBeforeMaterials: StepDeadline | undefined;
  let outcomeApplied = false;
  /** Set when a withdrawal or lapse has been carried out completely. */
  let endedAs: 'withdrawn' | 'lapsed' | undefined;
  /** The provider's reply has come back from the verification child (it is applied next). */
  let replyArrived = false;
  let withdrawal: WithdrawInput | undefined;
  let replyRequest: IssueReplyInput | undefined;

  // ---------------------------------------------------------------- case file and read model

  const record = (kind: TimelineKind, actor: string, summary: string, detail?: Record<string, unknown>) => {
    const entry: TimelineEntry = {
      seq: s.timeline.length + 1,
      at: new Date().toISOString(),
      kind,
      actor,
      summary,
    };
    if (detail) entry.detail = detail;
    s.timeline.push(entry);
  };

  const publish = async (): Promise<ObjectionSnapshot> => {
    s.revision++;
    s.overdue = caseOverdue || stepOverdue;
    upsertSearchAttributes([
      { key: CASE_NO, value: s.caseNo },
      { key: CASE_STATUS, value: s.status },
      { key: CASE_STEP, value: s.step?.step ?? null },
      { key: CASE_JURISDICTION, value: s.jurisdiction },
      {
        key: CASE_DEPARTMENTS,
        value: s.status === 'forwarded' ? [s.officeDepartment, s.providerDepartment] : [s.officeDepartment],
      },
      { key: CASE_OVERDUE, value: s.overdue },
      { key: CASE_STEP_DUE_AT, value: s.step ? new Date(s.step.due) : null },
      { key: CASE_ESCALATION_LEVEL, value: s.escalationLevel },
    ]);
    const snapshot = copy(s);
    await syncObjectionCase(snapshot);
    return snapshot;
  };

  const tellApplicant = async (key: string, kind: string, title: string, body: string) => {
    await notify({
      dedupeKey: `${s.caseId}:applicant:${key}`,
      channel: applicantChannel(s.applicant.contact),
      recipient: s.applicant.contact,
      caseId: s.caseId,
      kind,
      title,
      body,
    });
  };

  const tellInternal = async (
    key: string,
    recipients: string[],
    kind: string,
    title: string,
    body: string,
  ) => {
    for (const recipient of recipients) {
      await notify({
        dedupeKey: `${s.caseId}:${key}:${recipient}`,
        channel: 'internal',
        recipient,
        caseId: s.caseId,
        kind,
        title,
        body,
      });
    }
  };

  const recordStep = (reason: string): RecordStepInput => ({
    recordId: s.recordId,
    caseRef: `objection:${s.caseId}`,
    actor: 'system',
    reason: `异议案件${s.caseNo}：${reason}`,
  });

  /** Registry rule violations do not stop the case: they are put on file for the supervisor. */
  const onRegistry = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (err) {
      if (isCancellation(err)) throw err;
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const message = cause instanceof Error ? cause.message : String(cause);
      record('outcome-applied', 'system', `未能${what}：${message}`, {
        failed: what,
        code: cause instanceof ApplicationFailure ? cause.type : undefined,
      });
      await tellInternal(
        `registry-failed:${s.timeline.length}`,
        [supervisorOf(s.officeDepartment)],
        'objection.registry.failed',
        `【需人工处理】异议案件${s.caseNo}`,
        `异议案件${s.caseNo}未能${what}：${message}。请核实信用记录并人工处理。`,
      );
      return undefined;
    }
  };

  // ---------------------------------------------------------------- step clocks

  const stepFor = (name: ObjectionStepName): { limit?: Limit; assignee: string; department: string } => {
    switch (name) {
      case 'materials':
        return {
          limit: rules.objection.materialsLapse,
          assignee: 'applicant',
          department: s.officeDepartment,
        };
      case 'forward':
        return { limit: rules.objection.forward, assignee: s.receivedBy, department: s.officeDepartment };
      case 'verify':
        return {
          limit: rules.objection.verify,
          assignee: `provider@${s.providerDepartment}`,
          department: s.providerDepartment,
        };
      case 'notify':
        return { limit: rules.objection.notify, assignee: s.receivedBy, department: s.officeDepartment };
    }
  };

  const deadlineOf = (
    name: ObjectionStepName,
    startedAt: string,
    plan: StepPlan | undefined,
  ): StepDeadline => {
    const { limit, assignee, department } = stepFor(name);
    const previous = s.step?.step === name && s.step.startedAt === startedAt ? s.step : undefined;
    return {
      step: name,
      assignee,
      department,
      startedAt,
      limit: limit ?? rules.objection.total ?? { value: 0, unit: 'working-days' },
      extendedBy: name === 'materials' ? 0 : stepExtendedBy,
      // Without a limit of its own, the step is due when the whole case is.
      due: plan?.due ?? s.caseDue ?? '',
      provisional: plan?.provisional ?? s.caseDueProvisional,
      remindAt: plan?.remindAt,
      secondLevelAt: plan?.secondLevelAt,
      remindedAt: previous?.remindedAt,
      overdueAt: previous?.overdueAt,
      escalationLevel: previous?.escalationLevel ?? 0,
    };
  };

  const raise = (level: EscalationLevel) => {
    if (level > s.escalationLevel) s.escalationLevel = level;
  };

  /** Reminder, overdue and escalation of an office step or of the whole case. */
  const milestone = async (name: ObjectionStepName | 'case', m: Milestone, plan: StepPlan) => {
    const assignee = name === 'case' ? (s.step?.assignee ?? s.receivedBy) : stepFor(name).assignee;
    const notice = milestoneNotice({
      milestone: m,
      caseNo: s.caseNo,
      step: name,
      assignee,
      officeDepartment: s.officeDepartment,
      jurisdiction: s.jurisdiction,
      due: plan.due,
    });
    const now = new Date().toISOString();
    if (name === 'case') {
      if (m === 'due') caseOverdue = true;
      // When the step in progress falls due at the same time, its own notice says it all.
      const sameAsStep =
        s.step !== undefined && s.step.due === plan.due && stepFor(s.step.step).limit !== undefined;
      if (sameAsStep) {
        if (m === 'due') raise(1);
        if (m === 'second-level') raise(2);
        await publish();
        return;
      }
    } else if (s.step?.step === name) {
      if (m === 'remind') s.step.remindedAt = now;
      if (m === 'due') {
        stepOverdue = true;
        s.step.overdueAt = now;
        s.step.escalationLevel = 1;
      }
      if (m === 'second-level') s.step.escalationLevel = 2;
    }
    if (m === 'due') raise(1);
    if (m === 'second-level') raise(2);
    const kind: TimelineKind = m === 'remind' ? 'reminder' : m === 'due' ? 'overdue' : 'escalated';
    record(kind, 'system', notice.summary, {
      step: name,
      due: plan.due,
      level: m === 'remind' ? 0 : m === 'due' ? 1 : 2,
    });
    await tellInternal(`${name}:${m}:${plan.due}`, notice.recipients, notice.kind, notice.title, notice.body);
    await publish();
  };

  /** Runs the clock of an office step until `isDone`; a step without a limit just waits. */
  const officeStep = async (name: 'forward' | 'notify', startedAt: string, isDone: () => boolean) => {
    stepExtendedBy = 0;
    stepOverdue = false;
    const { limit } = stepFor(name);
    s.step = deadlineOf(name, startedAt, undefined);
    await publish();
    if (!limit) {
      await condition(isDone);
      return;
    }
    await runStepTimer(
      { step: name, startsAt: startedAt, limit, escalation: rules.escalation },
      {
        isDone,
        extendedBy: () => stepExtendedBy,
        clockStops: () => (name === 'forward' ? s.clockStops : []),
        onPlan: async (plan, reason) => {
          s.step = deadlineOf(name, startedAt, plan);
          if (Date.parse(plan.due) > Date.now()) {
            stepOverdue = false;
            delete s.step.overdueAt;
            s.step.escalationLevel = 0;
          }
          if (reason === 'calendar') {
            record(
              'deadlines-recomputed',
              'system',
              `节假日安排调整，“${STEP_NAMES_ZH[name]}”期限重新计算为${chineseDate(plan.due)}`,
            );
          }
          await publish();
        },
        onMilestone: (m, plan) => milestone(name, m, plan),
      },
    );
  };

  // ---------------------------------------------------------------- handlers

  const ended = () => ENDED.includes(s.status);
  const requireOpen = () => {
    if (ended()) refuse('OBJECTION_ENDED', `异议案件${s.caseNo}已${STATUS_NAMES_ZH[s.status]}，不能再办理。`);
  };
  const requireStatus = (allowed: ObjectionStatus[], action: string) => {
    requireOpen();
    if (!allowed.includes(s.status)) {
      refuse(
        'OBJECTION_WRONG_STATUS',
        `异议案件${s.caseNo}当前为“${STATUS_NAMES_ZH[s.status]}”，不能${action}；` +
          `只有“${allowed.map((a) => STATUS_NAMES_ZH[a]).join('、')}”的案件可以。`,
      );
    }
  };
  const requireText = (value: unknown, what: string) => {
    if (typeof value !== 'string' || value.trim().length === 0)
      refuse('OBJECTION_INVALID_INPUT', `请填写${what}。`);
  };

  setHandler(objectionStateQuery, () => s);

  setHandler(
    requestMaterialsUpdate,
    async (input: RequestMaterialsInput) => {
      const requestedAt = new Date().toISOString();
      const calendarLapse = await lapseOf(requestedAt);
      s.status = 'awaiting-materials';
      stepBeforeMaterials = s.step;
      s.step = {
        ...deadlineOf('materials', requestedAt, undefined),
        due: calendarLapse,
        provisional: false,
      };
      s.clockStops.push({ from: requestedAt });
      s.pendingMaterials = {
        items: input.items.map((i) => i.trim()),
        ...(input.note ? { note: input.note } : {}),
        requestedAt,
        lapsesAt: calendarLapse,
      };
      record(
        'materials-requested',
        input.actor,
        `告知申请人补正材料：${s.pendingMaterials.items.join('、')}；办理时限中止计算`,
        {
          items: s.pendingMaterials.items,
          lapsesAt: calendarLapse,
        },
      );
      const snapshot = await publish();
      await tellApplicant(
        `materials-requested:${s.clockStops.length}`,
        'objection.materials.requested',
        `【补正通知】异议申请${s.caseNo}`,
        `您的异议申请（${s.caseNo}）材料不全，请于${chineseDate(calendarLapse)}前补正：${s.pendingMaterials.items.join('、')}。` +
          `补正期间办理时限中止计算；逾期未补正的，异议申请将终止办理。`,
      );
      return snapshot;
    },
    {
      validator: (input: RequestMaterialsInput) => {
        requireStatus(['received'], '要求补正');
        if (
          !Array.isArray(input.items) ||
          input.items.length === 0 ||
          input.items.some((i) => typeof i !== 'string' || !i.trim())
        ) {
          refuse('OBJECTION_INVALID_INPUT', '请逐项列明需要补正的材料。');
        }
      },
    },
  );

  setHandler(
    materialsReceivedUpdate,
    async (input: MaterialsReceivedInput) => {
      const stop = s.clockStops[s.clockStops.length - 1];
      stop.to = new Date().toISOString();
      s.attachments.push(...input.attachments);
      s.status = 'received';
      delete s.pendingMaterials;
      if (stepBeforeMaterials) s.step = stepBeforeMaterials;
      record(
        'materials-received',
        input.actor,
        `收到补正材料：${input.attachments.map((a) => a.name).join('、')}；办理时限恢复计算`,
        {
          attachments: input.attachments,
        },
      );
      return publish();
    },
    {
      validator: (input: MaterialsReceivedInput) => {
        requireStatus(['awaiting-materials'], '登记补正材料');
        if (
          !Array.isArray(input.attachments) ||
          input.attachments.length === 0 ||
          input.attachments.some(
            (a) =>
              !a ||
              typeof a.ref !== 'string' ||
              !a.ref.trim() ||
              typeof a.name !== 'string' ||
              !a.name.trim(),
          )
        ) {
          refuse('OBJECTION_INVALID_INPUT', '请登记收到的补正材料（每份材料的编号和名称）。');
        }
      },
    },
  );

  let forwardRequest: ForwardInput | undefined;
  setHandler(
    forwardUpdate,
    async (input: ForwardInput) => {
      forwardRequest = input;
      await condition(() => child !== undefined || ended());
      return copy(s);
    },
    {
      validator: (input: ForwardInput) => {
        requireStatus(['received'], '转交信息提供单位');
        requireText(input.actor, '经办人');
        if (forwardRequest)
          refuse('OBJECTION_WRONG_STATUS', `异议案件${s.caseNo}正在转交信息提供单位，请勿重复操作。`);
      },
    },
  );

  setHandler(
    extendUpdate,
    async (input: ExtendInput) => {
      const step = s.step!;
      stepExtendedBy += input.workingDays;
      caseExtendedBy += input.workingDays;
      if (step.step === 'verify' && child) {
        await child.signal(verificationExtendedSignal, input);
      }
      record(
        'extended',
        input.actor,
        `“${STEP_NAMES_ZH[step.step]}”延期 ${input.workingDays} 个工作日：${input.reason.trim()}`,
        {
          step: step.step,
          workingDays: input.workingDays,
          reason: input.reason.trim(),
        },
      );
      // The step clocks re-plan on their own; wait until the new due time is on file.
      const replans = stepFor(step.step).limit !== undefined || rules.objection.total !== undefined;
      await condition(() => !replans || s.step?.extendedBy === stepExtendedBy || s.step?.step !== step.step);
      const snapshot = await publish();
      await tellApplicant(
        `extended:${s.timeline.length}`,
        'objection.extended',
        `【延期告知】异议申请${s.caseNo}`,
        `您的异议申请（${s.caseNo}）“${STEP_NAMES_ZH[step.step]}”环节延期 ${input.workingDays} 个工作日，理由：${input.reason.trim()}。` +
          (s.step?.due ? `延期后期限为${chineseDate(s.step.due)}。` : ''),
      );
      return snapshot;
    },
    {
      validator: (input: ExtendInput) => {
        requireStatus(['received', 'forwarded', 'verified'], '延期');
        if (
          !Number.isInteger(input.workingDays) ||
          input.workingDays < 1 ||
          input.workingDays > MAX_EXTENSION_WORKING_DAYS
        ) {
          refuse(
            'OBJECTION_INVALID_INPUT',
            `延期天数必须是 1 到 ${MAX_EXTENSION_WORKING_DAYS} 之间的整数（工作日）。`,
          );
        }
        requireText(input.reason, '延期理由');
        if (s.status === 'forwarded' && s.step?.step !== 'verify') {
          refuse('OBJECTION_WRONG_STATUS', '核查环节尚未开始，请稍后再试。');
        }
      },
    },
  );

  setHandler(
    withdrawUpdate,
    async (input: WithdrawInput) => {
      withdrawal = input;
      // Answered once the record is restored and the case file shows the withdrawal.
      await condition(() => endedAs === 'withdrawn');
      return copy(s);
    },
    {
      validator: (input: WithdrawInput) => {
        requireStatus(['received', 'awaiting-materials', 'forwarded'], '撤回（核查结果已作出）');
        requireText(input.reason, '撤回理由');
        if (withdrawal) refuse('OBJECTION_WRONG_STATUS', `异议案件${s.caseNo}正在办理撤回，请勿重复操作。`);
        if (replyArrived) {
          refuse('OBJECTION_WRONG_STATUS', `信息提供单位已答复异议案件${s.caseNo}的核查结果，不能再撤回。`);
        }
      },
    },
  );

  setHandler(
    issueReplyUpdate,
    async (input: IssueReplyInput) => {
      replyRequest = input;
      await condition(() => s.status === 'closed');
      return copy(s);
    },
    {
      validator: (input: IssueReplyInput) => {
        requireStatus(['verified'], '出具书面告知');
        requireText(input.actor, '经办人');
        if (replyRequest)
          refuse('OBJECTION_WRONG_STATUS', `异议案件${s.caseNo}的书面告知正在出具，请勿重复操作。`);
        if (!outcomeApplied) refuse('OBJECTION_WRONG_STATUS', '核查结果正在处理中，请稍后再出具书面告知。');
      },
    },
  );

  setHandler(verificationProgressSignal, ({ step, event }) => {
    if (s.status !== 'forwarded') return;
    s.step = step;
    stepOverdue = step.overdueAt !== undefined && step.escalationLevel > 0;
    if (event) {
      record(event.kind, 'system', event.summary, { step: 'verify', due: step.due });
      if (event.kind === 'overdue') raise(1);
      if (event.kind === 'escalated') raise(2);
    }
    progress++;
  });

  async function lapseOf(requestedAt: string): Promise<string> {
    // The applicant's time for 补正 counts on the calendar like any limit.
    const year = Number(requestedAt.slice(0, 4));
    const calendar = await loadCalendar([year, year + 1]);
    return addLimit(requestedAt, rules.objection.materialsLapse, calendar).due;
  }

  // ---------------------------------------------------------------- the procedure

  record(
    'received',
    s.receivedBy,
    `通过${CHANNEL_NAMES_ZH[s.channel]}受理异议申请；异议理由：${s.grounds.map((g) => GROUND_NAMES_ZH[g]).join('、')}`,
    { channel: s.channel, grounds: s.grounds, policyVersion: s.policyVersion },
  );
  await publish();

  // While the objection runs, the record is treated as the case's policy says.
  const marked =
    s.suspension !== 'none' &&
    (await onRegistry('标注异议', () => registry.markRecordDisputed(recordStep('受理异议，标注异议'))));
  const hidden =
    s.suspension === 'hide' &&
    marked &&
    (await onRegistry('暂停公示', () => registry.hideRecord(recordStep('异议核查期间暂停公示'))));
  if (s.suspension === 'suspend-measures' && marked) {
    const suspended = await onRegistry('暂停执行惩戒措施', () =>
      registry.suspendRecordMeasures(recordStep('信息核实期间暂不执行联合惩戒措施')),
    );
    s.suspendedMeasureIds = suspended?.appliedMeasureIds ?? [];
  }
  record(
    'record-disputed',
    'system',
    s.suspension === 'none'
      ? '依本地政策，异议处理期间不影响该信息的记录、公示与使用'
      : [
          marked ? '信用记录已标注“异议处理中”' : undefined,
          hidden ? '核查期间暂停公示' : undefined,
          s.suspension === 'suspend-measures' && marked
            ? `暂停执行联合惩戒措施 ${s.suspendedMeasureIds.length} 项`
            : undefined,
        ]
          .filter(Boolean)
          .join('；') || '未能标注异议，已提请人工处理',
    { suspension: s.suspension, suspendedMeasureIds: s.suspendedMeasureIds },
  );

  // The whole case's clock (叶县 5 WD, 新郑 12 WD), beside the step clocks.
  const caseClock = rules.objection.total
    ? runStepTimer(
        { step: 'case', startsAt: s.receivedAt, limit: rules.objection.total, escalation: rules.escalation },
        {
          isDone: () => ended() || outcomeApplied,
          extendedBy: () => caseExtendedBy,
          clockStops: () => s.clockStops,
          onPlan: async (plan) => {
            s.caseDue = plan.due;
            s.caseDueProvisional = plan.provisional;
            if (Date.parse(plan.due) > Date.now()) caseOverdue = false;
            if (s.step && !stepFor(s.step.step).limit)
              s.step = deadlineOf(s.step.step, s.step.startedAt, undefined);
            await publish();
          },
          onMilestone: (m, plan) => milestone('case', m, plan),
        },
      )
    : Promise.resolve();

  await tellApplicant(
    'received',
    'objection.received',
    `【受理通知】异议申请${s.caseNo}`,
    `${s.officeName}已于${chineseDate(s.receivedAt)}受理您对“${s.recordDescription}”提出的异议申请（受理编号${s.caseNo}），` +
      `将转请信息提供单位核查，并书面告知处理结果。`,
  );

  /** Withdrawal or lapse: the record returns to what it was before the objection. */
  const undoSuspension = async (why: string) => {
    if (s.suspendedMeasureIds.length > 0) {
      await onRegistry('恢复执行惩戒措施', () => registry.reinstateRecordMeasures(recordStep(why)));
    }
    if (hidden) await onRegistry('恢复公示', () => registry.unhideRecord(recordStep(why)));
    if (marked) await onRegistry('撤销异议标注', () => registry.resolveRecordDispute(recordStep(why)));
  };

  const end = async (status: 'withdrawn' | 'lapsed', actor: string, reason: string, letter: string) => {
    s.status = status;
    s.endReason = reason;
    s.closedAt = new Date().toISOString();
    delete s.step;
    delete s.pendingMaterials;
    stepOverdue = false;
    caseOverdue = false;
    const open = s.clockStops[s.clockStops.length - 1];
    if (open && !open.to) open.to = s.closedAt;
    await undoSuspension(status === 'withdrawn' ? '申请人撤回异议' : '逾期未补正，异议终止');
    record(status, actor, status === 'withdrawn' ? `申请人撤回异议申请：${reason}` : reason);
    await publish();
    endedAs = status;
    await tellApplicant(
      status,
      `objection.${status}`,
      status === 'withdrawn' ? `【撤回确认】异议申请${s.caseNo}` : `【终止告知】异议申请${s.caseNo}`,
      letter,
    );
    await CancellationScope.nonCancellable(() => caseClock);
    return copy(s);
  };

  // Intake: completeness (补正) and forwarding, with the forward step's clock.
  const intakeOver = () => forwardRequest !== undefined || withdrawal !== undefined || lapsed;
  const forwardClock = officeStep('forward', s.receivedAt, intakeOver);
  while (!intakeOver()) {
    await condition(() => intakeOver() || s.status === 'awaiting-materials');
    if (intakeOver()) break;
    // Awaiting materials: the case lapses at the policy's limit unless they come or it is withdrawn.
    const lapsesAt = s.pendingMaterials!.lapsesAt;
    const moved = await condition(
      () => s.status !== 'awaiting-materials' || withdrawal !== undefined,
      Math.max(Date.parse(lapsesAt) - Date.now(), 1),
    );
    if (!moved) lapsed = true;
  }
  await forwardClock;
  const withdrawn = async (w: WithdrawInput) =>
    end(
      'withdrawn',
      w.actor,
      w.reason.trim(),
      `您已撤回异议申请（${s.caseNo}），本机关终止办理。撤回理由：${w.reason.trim()}。`,
    );
  if (withdrawal) return withdrawn(withdrawal);
  if (lapsed) {
    return end(
      'lapsed',
      'system',
      `申请人未在${chineseDate(s.pendingMaterials!.lapsesAt)}前补正材料，异议申请终止办理`,
      `您的异议申请（${s.caseNo}）未在${chineseDate(s.pendingMaterials!.lapsesAt)}前补正材料，依规终止办理。` +
        '如有新的证据，可重新提出异议申请。',
    );
  }

  // Forwarding to the provider (转办): the verification child runs the verify step.
  const forwardedAt = new Date().toISOString();
  s.status = 'forwarded';
  stepExtendedBy = 0;
  stepOverdue = false;
  s.step = deadlineOf('verify', forwardedAt, undefined);
  const verifyScope = new CancellationScope();
  const verification = verifyScope
    .run(async () => {
      child = await startChild(providerVerification, {
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
            limit: rules.objection.verify,
            escalation: rules.escalation,
          },
        ],
      });
      return child.result();
    })
    .then(
      (reply) => ({ reply }),
      (err: unknown) => ({ err }),
    );
  let result: Awaited<typeof verification> | undefined;
  void verification.then((r) => {
    result = r;
    replyArrived = 'reply' in r;
  });
  await condition(() => child !== undefined || result !== undefined);
  record(
    'forwarded',
    forwardRequest!.actor,
    `转交信息提供单位${s.providerDepartment}核查${forwardRequest!.note ? `：${forwardRequest!.note}` : ''}`,
  );
  await publish();

  // Until the provider replies: its step's progress goes on file; a withdrawal cancels it.
  for (;;) {
    const seen = progress;
    await condition(() => result !== undefined || withdrawal !== undefined || progress !== seen);
    if (result !== undefined || withdrawal !== undefined) break;
    await publish();
  }
  if (withdrawal) {
    verifyScope.cancel();
    await verification;
    return withdrawn(withdrawal);
  }
  if ('err' in result!) throw result.err;
  const reply = result!.reply;

  // The provider's result: applied to the record, its measures, and the case.
  s.status = 'verified';
  s.reply = reply;
  s.outcome = reply.outcome;
  stepOverdue = false;
  record(
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
  await publish();

  const why = `核查结论：${OUTCOME_NAMES_ZH[reply.outcome]}`;
  const applied: string[] = [];
  let liftedMeasureIds: string[] = [];
  let reinstatedCount = 0;
  if (reply.outcome === 'upheld') {
    if (hidden && (await onRegistry('恢复公示', () => registry.unhideRecord(recordStep(why)))))
      applied.push('恢复公示');
    if (marked && (await onRegistry('撤销异议标注', () => registry.resolveRecordDispute(recordStep(why))))) {
      applied.push('撤销异议标注，维持原记录');
    }
  } else if (reply.outcome === 'corrected') {
    if (
      await onRegistry('更正信用记录', () =>
        registry.correctRecord({ ...recordStep(why), changes: reply.correctedValues ?? {} }),
      )
    ) {
      applied.push('信用记录已更正并推送共享平台');
    }
  } else if (await onRegistry('撤销信用记录', () => registry.revokeRecord(recordStep(why)))) {
    applied.push('信用记录已撤销并推送共享平台');
  }
  const liftAll = reply.outcome === 'revoked' || reply.wrongfulPunishment;
  if (liftAll) {
    const lifted = await onRegistry('解除惩戒措施', () => registry.liftRecordMeasures(recordStep(why)));
    liftedMeasureIds = lifted?.appliedMeasureIds ?? [];
    if (liftedMeasureIds.length > 0) applied.push(`解除惩戒措施 ${liftedMeasureIds.length} 项`);
  } else if (s.suspendedMeasureIds.length > 0) {
    const reinstated = await onRegistry('恢复执行惩戒措施', () =>
      registry.reinstateRecordMeasures(recordStep(why)),
    );
    if (reinstated) {
      reinstatedCount = reinstated.appliedMeasureIds.length;
      applied.push(`恢复执行惩戒措施 ${reinstatedCount} 项`);
    }
  }
  record('outcome-applied', 'system', applied.length > 0 ? applied.join('；') : '核查结果已登记', {
    outcome: reply.outcome,
    liftedMeasureIds,
  });
  if (reply.wrongfulPunishment) {
    const task = await openRestorationTask({
      caseId: s.caseId,
      caseNo: s.caseNo,
      recordId: s.recordId,
      subjectCode: s.applicant.subjectCode,
      subjectName: s.applicant.subjectName,
      department: s.providerDepartment,
      liftedMeasureIds,
      reason: `异议案件${s.caseNo}核查认定惩戒措施实施错误：${reply.opinion}`,
      actor: reply.actor,
    });
    s.restorationTaskId = task.taskId;
    record('restoration-opened', 'system', `已为${s.providerDepartment}开立恢复信誉任务`, {
      taskId: task.taskId,
    });
  }
  outcomeApplied = true;
  await publish();

  // Written reply (书面告知), with the notify step's clock.
  await officeStep('notify', new Date().toISOString(), () => replyRequest !== undefined);
  const issuedAt = new Date().toISOString();
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
    measures: { lifted: liftedMeasureIds.length, reinstated: reinstatedCount },
    reputationRestoration: reply.wrongfulPunishment,
    issuedAt,
  });
  s.status = 'closed';
  s.closedAt = issuedAt;
  delete s.step;
  stepOverdue = false;
  caseOverdue = false;
  record(
    'reply-issued',
    replyRequest!.actor,
    `出具《异议处理结果告知书》并告知申请人：${OUTCOME_NAMES_ZH[reply.outcome]}`,
  );
  await publish();
  await tellApplicant('reply', 'objection.reply', `【异议处理结果告知书】${s.caseNo}`, s.replyLetter);
  if (applicantChannel(s.applicant.contact) !== 'letter') {
    await notify({
      dedupeKey: `${s.caseId}:applicant:reply-letter`,
      channel: 'letter',
      recipient: s.applicant.contact,
      caseId: s.caseId,
      kind: 'objection.reply',
      title: `【异议处理结果告知书】${s.caseNo}`,
      body: s.replyLetter,
    });
  }
  await caseClock;
  return copy(s);
}
