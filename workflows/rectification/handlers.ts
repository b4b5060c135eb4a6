import { setHandler } from '@temporalio/workflow';
import { chineseDate, supervisorOf } from '../case/notices';
import type { Limit } from '../policies/types';
import { cancelledLetter, interviewLetter, verificationLetter } from './letters';
import {
  cancelRectificationUpdate,
  decideConsequenceUpdate,
  recordInterviewUpdate,
  rectificationStateQuery,
  reportRectificationUpdate,
  scheduleInterviewUpdate,
  verifyRectificationUpdate,
  type CancelRectificationInput,
  type DecideConsequenceInput,
  type RecordInterviewInput,
  type ReportRectificationInput,
  type ScheduleInterviewInput,
  type VerifyRectificationInput,
} from './messages';
import { tellSubject, type RectificationCase } from './rectification-case';
import { startRecordClock } from './interviews';
import { startTermClock, startVerifyClock } from './terms';
import { currentTermDue } from './rules';
import {
  INTERVIEW_KIND_NAMES_ZH,
  VERIFICATION_RESULT_NAMES_ZH,
  VERIFICATION_RESULTS,
  type Interview,
} from './types';

/** The longest new deadline an interview may give, per unit (about a year). */
const MAX_NEW_DEADLINE: Record<Limit['unit'], number> = {
  'working-days': 250,
  'calendar-days': 366,
  months: 12,
  years: 1,
};

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

/**
 * The updates of the subject (report), the department (verify, schedule and record interviews,
 * cancel) and the supervisor (decide the consequence). Each validator checks the transition
 * table and the input; each handler changes the case before its first await.
 */
export function registerRectificationHandlers(c: RectificationCase): void {
  const { kit, s } = c;
  setHandler(rectificationStateQuery, () => s);
  const interview = (): Interview => s.interviews.at(-1)!;
  const pendingReport = () => s.reports.at(-1)!;

  kit.update(reportRectificationUpdate, {
    action: 'report',
    validate: (input: ReportRectificationInput) => {
      kit.requireText(input.description, '整改情况');
      if (!Array.isArray(input.attachments) || input.attachments.length > 30) {
        kit.invalid('证明材料（attachments）应为列表，最多 30 项。');
      }
      input.attachments.forEach((a, i) => {
        if (!isText(a?.ref) || !isText(a?.name)) {
          kit.invalid(`第${i + 1}项证明材料须注明存档编号（ref）和名称（name）。`);
        }
      });
    },
    accept: (input) => {
      const report = {
        no: s.reports.length + 1,
        term: s.terms.at(-1)!.no,
        at: new Date().toISOString(),
        by: input.actor,
        description: input.description.trim(),
        attachments: input.attachments.map((a) => ({ ref: a.ref.trim(), name: a.name.trim() })),
      };
      s.reports.push(report);
      startVerifyClock(c, report);
      const files = report.attachments.map((a) => a.name).join('、');
      return kit.record(
        'reported',
        input.actor,
        `整改对象报告整改情况（第${report.no}次）：${report.description}${files ? `；证明材料：${files}` : ''}`,
        { reportNo: report.no, attachments: report.attachments },
      );
    },
    until: () => !!pendingReport().deadline?.due || kit.ended(),
    after: async (_input, entry) => {
      const report = pendingReport();
      if (!entry || !report.deadline?.due) return;
      await kit.tellStaff(`reported:${entry.seq}`, [s.startedBy], {
        kind: 'rectification.reported',
        title: `【整改情况待核实】${s.caseNo}`,
        body: `${s.subject.name}已报告整改情况（限期整改${s.caseNo}，第${report.no}次），请于${chineseDate(report.deadline.due)}前核实。`,
      });
    },
  });

  kit.update(verifyRectificationUpdate, {
    action: (input) => (input?.result === 'done' ? 'verifyDone' : 'verifyNotDone'),
    validate: (input: VerifyRectificationInput) => {
      if (!VERIFICATION_RESULTS.includes(input.result)) {
        kit.invalid('核实结论应为 done（已完成整改）、not-done（未完成整改）或 partly（部分完成整改）。');
      }
      kit.requireText(input.opinion, '核实意见');
    },
    accept: (input) => {
      const report = pendingReport();
      const at = new Date().toISOString();
      report.verification = { result: input.result, opinion: input.opinion.trim(), by: input.actor, at };
      const entry = kit.record(
        'verified',
        input.actor,
        `核实第${report.no}次报告的整改情况：${VERIFICATION_RESULT_NAMES_ZH[input.result]}；核实意见：${report.verification.opinion}`,
        { reportNo: report.no, result: input.result },
      );
      if (input.result === 'done') {
        s.rectifiedAt = at;
        s.closedAt = at;
        kit.record('rectified', 'system', `${s.subject.name}已完成整改，限期整改办结`, {
          reportNo: report.no,
        });
      }
      return entry;
    },
    after: async (_input, entry) => {
      if (!entry) return;
      await tellSubject(c, `verified:${entry.seq}`, {
        kind: 'rectification.verified',
        ...verificationLetter(s, pendingReport(), currentTermDue(s)),
      });
    },
  });

  kit.update(scheduleInterviewUpdate, {
    action: () => (s.status === 'interview-scheduled' ? 'reschedule' : 'schedule'),
    validate: (input: ScheduleInterviewInput) => {
      const at = typeof input.at === 'string' ? Date.parse(input.at) : NaN;
      if (Number.isNaN(at)) kit.invalid('约谈时间应为带时区的 ISO 8601 时间，如 2026-03-02T09:00:00+08:00。');
      if (at <= Date.now()) kit.invalid('约谈时间应晚于当前时间。');
      kit.requireText(input.place, '约谈地点');
      if (!Array.isArray(input.participants) || !input.participants.some(isText)) {
        kit.invalid('请填写认定部门的参加人员（participants）。');
      }
      kit.requireText(input.representative?.name, '整改对象参加人姓名');
      kit.requireText(input.representative?.capacity, '整改对象参加人身份');
    },
    accept: (input) => {
      const current = interview();
      const again = current.schedules.length > 0;
      const schedule = {
        at: new Date(Date.parse(input.at)).toISOString(),
        place: input.place.trim(),
        participants: input.participants.filter(isText).map((p) => p.trim()),
        representative: {
          name: input.representative.name.trim(),
          capacity: input.representative.capacity.trim(),
        },
        by: input.actor,
        scheduledAt: new Date().toISOString(),
      };
      current.schedules.push(schedule);
      startRecordClock(c, current);
      const name = INTERVIEW_KIND_NAMES_ZH[current.kind];
      return kit.record(
        again ? 'interview-rescheduled' : 'interview-scheduled',
        input.actor,
        `${again ? '调整' : '安排'}${name}：${chineseDate(schedule.at)}，地点${schedule.place}；` +
          `参加人员：${schedule.participants.join('、')}；整改对象：${schedule.representative.name}（${schedule.representative.capacity}）`,
        { interview: current.kind, at: schedule.at },
      );
    },
    after: async (_input, entry) => {
      if (!entry) return;
      const current = interview();
      await tellSubject(c, `interview:${entry.seq}`, {
        kind: 'rectification.interview.scheduled',
        ...interviewLetter(s, current, current.schedules.at(-1)!),
      });
    },
  });

  kit.update(recordInterviewUpdate, {
    action: 'recordInterview',
    validate: (input: RecordInterviewInput) => {
      const current = interview();
      const at = current.schedules.at(-1)!.at;
      if (Date.now() < Date.parse(at)) {
        kit.refuse(
          'RECTIFICATION_INTERVIEW_NOT_HELD',
          `${INTERVIEW_KIND_NAMES_ZH[current.kind]}定于${chineseDate(at)}进行，届时方可登记约谈情况。`,
        );
      }
      if (typeof input.appeared !== 'boolean') kit.invalid('请注明整改对象是否到场（appeared）。');
      kit.requireText(input.summary, input.appeared ? '约谈情况' : '未到场的情况说明');
      if (input.appeared) kit.requireText(input.undertakings, '整改对象的整改承诺');
      if (input.newDeadline !== undefined) {
        const l = input.newDeadline;
        const max = MAX_NEW_DEADLINE[l?.unit];
        if (max === undefined || !Number.isInteger(l.value) || l.value < 1 || l.value > max) {
          kit.invalid('新的整改期限应为 1 至 250 个工作日（或 366 日、12 个月、1 年）。');
        }
        kit.requireText(input.newDeadlineReason, '另行确定整改期限的理由');
      }
    },
    accept: (input) => {
      const current = interview();
      const at = new Date().toISOString();
      current.record = {
        appeared: input.appeared,
        summary: input.summary.trim(),
        undertakings: input.appeared ? input.undertakings!.trim() : '',
        by: input.actor,
        at,
      };
      const term = {
        no: s.terms.length + 1,
        from: current.kind,
        startsAt: at,
        limit: input.newDeadline ?? c.rules.afterInterview,
        ...(input.newDeadline ? { reason: input.newDeadlineReason!.trim() } : {}),
      };
      s.terms.push(term);
      startTermClock(c, term);
      const name = INTERVIEW_KIND_NAMES_ZH[current.kind];
      return kit.record(
        input.appeared ? 'interview-held' : 'interview-absent',
        input.actor,
        input.appeared
          ? `登记${name}情况：${current.record.summary}；整改承诺：${current.record.undertakings}`
          : `登记${name}：整改对象未到场；${current.record.summary}`,
        { interview: current.kind, appeared: input.appeared, term: term.no },
      );
    },
    until: () => interview().registration !== undefined || kit.ended(),
  });

  kit.update(decideConsequenceUpdate, {
    action: (input) => (input?.confirmed === true ? 'confirmConsequence' : 'rejectConsequence'),
    validate: (input: DecideConsequenceInput) => {
      if (typeof input.confirmed !== 'boolean') kit.invalid('请注明是否确认（confirmed: true 或 false）。');
      kit.requireText(input.reason, input.confirmed ? '确认意见' : '不予确认的理由');
    },
    accept: (input) => {
      const proposal = s.consequence!;
      proposal.decision = {
        confirmed: input.confirmed,
        reason: input.reason.trim(),
        by: input.actor,
        at: new Date().toISOString(),
      };
      if (!input.confirmed) s.closedAt = proposal.decision.at;
      return kit.record(
        input.confirmed ? 'consequence-confirmed' : 'consequence-rejected',
        input.actor,
        `负责人${input.confirmed ? '确认' : '不予确认'}${proposal.summary}：${proposal.decision.reason}`,
      );
    },
    until: () => s.consequence?.settledAt !== undefined,
  });

  kit.update(cancelRectificationUpdate, {
    action: 'cancel',
    validate: (input: CancelRectificationInput) => kit.requireText(input.reason, '撤销理由'),
    accept: (input) => {
      const at = new Date().toISOString();
      s.cancellation = { at, by: input.actor, reason: input.reason.trim() };
      s.closedAt = at;
      return kit.record('cancelled', input.actor, `撤销整改要求：${s.cancellation.reason}`);
    },
    after: async () => {
      await tellSubject(c, 'cancelled', {
        kind: 'rectification.cancelled',
        ...cancelledLetter(s, s.cancellation!.reason),
      });
      await kit.tellStaff('cancelled', [supervisorOf(s.department)], {
        kind: 'rectification.cancelled.staff',
        title: `【撤销整改要求】${s.caseNo}`,
        body: `${s.department}撤销了对${s.subject.name}的限期整改要求（${s.caseNo}）：${s.cancellation!.reason}。`,
      });
    },
  });
}
