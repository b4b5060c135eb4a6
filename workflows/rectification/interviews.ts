import { condition } from '@temporalio/workflow';
import { chineseDate } from '../case/notices';
import { todayInBeijing } from '../case/periods';
import { limitText } from '../commitment/templates';
import { interviewRecordedLetter, interviewRecordText } from './letters';
import { caseRef, rectifications, tellSubject, type RectificationCase } from './rectification-case';
import { INTERVIEW_KIND_NAMES_ZH, type Interview, type InterviewKind } from './types';

/**
 * 约谈 (谁认定、谁约谈): a deadline passed without rectification, so the identifying department
 * schedules an interview (提示约谈 first, 警示约谈 next) within the policy's limit, holds it and
 * records it within its limit after the date — both department steps with reminder and
 * escalation. The record (held, or the subject did not appear) is entered into the subject's
 * credit record once (its document number is the case's and the interview's) and pushed to the
 * platform; the subject gets a new deadline.
 */
export async function holdInterview(c: RectificationCase, kind: InterviewKind): Promise<void> {
  const { kit, s } = c;
  const name = INTERVIEW_KIND_NAMES_ZH[kind];
  kit.transition('requireInterview');
  // The department's time to schedule runs from the deadline the subject let pass.
  const passed = s.terms.at(-1)!.deadline?.due || new Date().toISOString();
  const interview: Interview = { kind, requiredAt: passed, schedules: [] };
  s.interviews.push(interview);
  s.stage = kind === 'reminder' ? 'reminder-interview' : 'warning-interview';
  kit.record('deadline-passed', 'system', `整改期限届满，${s.subject.name}未完成整改，应进行${name}`, {
    term: s.terms.at(-1)!.no,
    interview: kind,
  });
  startScheduleClock(c, interview);
  await condition(() => !!interview.scheduleDeadline?.due || kit.ended());
  if (interview.scheduleDeadline?.due) {
    await kit.tellStaff(`interview-due:${kind}`, [s.startedBy], {
      kind: 'rectification.interview.due',
      title: `【待安排${name}】${s.caseNo}`,
      body: `${s.subject.name}未在期限内完成整改（限期整改${s.caseNo}），请于${chineseDate(interview.scheduleDeadline.due)}前安排${name}。`,
    });
  }
  await condition(() => interview.record !== undefined || kit.ended());
  if (interview.record) await registerInterview(c, interview);
}

/** The interview record into the credit record (once), then the subject told of its new deadline. */
async function registerInterview(c: RectificationCase, interview: Interview): Promise<void> {
  const { kit, s } = c;
  const name = INTERVIEW_KIND_NAMES_ZH[interview.kind];
  const term = s.terms.at(-1)!;
  await condition(() => !!term.deadline?.due || kit.ended());
  const newDue = term.deadline?.due;
  const text = interviewRecordText(
    s,
    interview,
    newDue ? `至${chineseDate(newDue)}` : `为${limitText(term.limit)}`,
  );
  const record = await kit.effect(`将${name}记录记入信用记录`, () =>
    rectifications.registerInterviewRecord({
      caseRef: caseRef(c),
      subjectCode: s.subject.code,
      department: s.department,
      documentNo: `${s.caseNo}-${name}`,
      decisionDate: todayInBeijing(),
      title: text.title,
      content: text.content,
      actor: 'system',
    }),
  );
  if (record) {
    interview.recordId = record.recordId;
    interview.registration = 'registered';
    kit.record(
      'record-registered',
      'system',
      `${name}记录已记入${s.subject.name}的信用记录，并推送至信用信息共享平台`,
      {
        interview: interview.kind,
        recordId: record.recordId,
        created: record.created,
      },
    );
  } else {
    interview.registration = 'failed';
    kit.touch();
  }
  if (newDue) {
    await tellSubject(c, `interview-recorded:${interview.kind}`, {
      kind: 'rectification.interview.recorded',
      ...interviewRecordedLetter(s, interview, newDue),
    });
  }
}

function startScheduleClock(c: RectificationCase, interview: Interview): void {
  const { kit, s } = c;
  kit.runStep({
    key: `schedule-${interview.kind}`,
    name: `安排${INTERVIEW_KIND_NAMES_ZH[interview.kind]}`,
    startsAt: interview.requiredAt,
    limit: c.rules.scheduleWithin,
    escalation: c.escalation,
    assignee: s.startedBy,
    department: s.department,
    isDone: () => interview.schedules.length > 0 || kit.ended(),
    extendedBy: () => 0,
    show: (deadline) => {
      interview.scheduleDeadline = deadline;
    },
  });
}

/** The record of the interview as scheduled (a new clock for each schedule: a moved date moves it). */
export function startRecordClock(c: RectificationCase, interview: Interview): void {
  const { kit, s } = c;
  const n = interview.schedules.length;
  kit.runStep({
    key: `record-${interview.kind}-${n}`,
    name: `登记${INTERVIEW_KIND_NAMES_ZH[interview.kind]}情况`,
    startsAt: interview.schedules[n - 1].at,
    limit: c.rules.recordWithin,
    escalation: c.escalation,
    assignee: s.startedBy,
    department: s.department,
    isDone: () => interview.record !== undefined || interview.schedules.length !== n || kit.ended(),
    extendedBy: () => 0,
    show: (deadline) => {
      if (interview.schedules.length === n) interview.recordDeadline = deadline;
    },
  });
}
