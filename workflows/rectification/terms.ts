import { condition } from '@temporalio/workflow';
import { chineseDate } from '../case/notices';
import { limitText } from '../commitment/templates';
import { orderLetter, termReminderLetter } from './letters';
import { tellSubject, type RectificationCase } from './rectification-case';
import type { RectificationReport, RectificationTerm } from './types';

/**
 * 限期整改: the subject's deadlines and the department's verifications, as step clocks of the
 * case kit.
 * - each term (the order's, then one per interview) is the subject's own time: it reminds the
 *   subject before it ends and then just passes (nothing of the department is overdue);
 * - each reported rectification is verified by the department within the policy's limit: a
 *   step with reminder, overdue (the department's supervisor) and second level (信用办).
 */

/** The order: on file, the first deadline planned, the subject told (限期整改通知书). */
export async function order(c: RectificationCase): Promise<void> {
  const { kit, s } = c;
  const term = s.terms[0];
  kit.record(
    'started',
    s.startedBy,
    `${s.department}责令${s.subject.name}限期整改，整改事项：${s.obligations.join('；')}；` +
      `整改期限${limitText(term.limit)}${term.reason ? `（另行确定，理由：${term.reason}）` : ''}`,
    { basis: s.basis, limit: term.limit },
  );
  startTermClock(c, term);
  await condition(() => !!term.deadline?.due || kit.ended());
  if (term.deadline?.due)
    await tellSubject(c, 'order', { kind: 'rectification.ordered', ...orderLetter(s, term.deadline.due) });
}

/** The last term has passed and no report awaits verification (or the case ended). */
export function termPassed(c: RectificationCase): boolean {
  const term = c.s.terms.at(-1)!;
  return c.kit.ended() || (term.passedAt !== undefined && c.s.status === 'rectifying');
}

export function startTermClock(c: RectificationCase, term: RectificationTerm): void {
  const { kit, s } = c;
  kit.runStep({
    key: `term-${term.no}`,
    name: '整改期限',
    startsAt: term.startsAt,
    limit: term.limit,
    remindBefore: c.rules.remindSubjectBefore,
    assignee: s.startedBy,
    department: s.department,
    isDone: () => term.passedAt !== undefined || kit.ended(),
    extendedBy: () => 0,
    show: (deadline) => {
      term.deadline = deadline;
    },
    onDue: () => {
      term.passedAt = new Date().toISOString();
    },
    alsoTell: async (_milestone, deadline) => {
      kit.record(
        'subject-reminded',
        'system',
        `整改期限将于${chineseDate(deadline.due)}届满，已提醒整改对象`,
        {
          term: term.no,
          due: deadline.due,
        },
      );
      await tellSubject(c, `term-${term.no}:remind:${deadline.due}`, {
        kind: 'rectification.term.reminder',
        ...termReminderLetter(s, deadline.due),
      });
    },
  });
}

export function startVerifyClock(c: RectificationCase, report: RectificationReport): void {
  const { kit, s } = c;
  kit.runStep({
    key: `verify-${report.no}`,
    name: `核实整改情况（第${report.no}次报告）`,
    startsAt: report.at,
    limit: c.rules.verifyReportWithin,
    escalation: c.escalation,
    assignee: s.startedBy,
    department: s.department,
    isDone: () => report.verification !== undefined || kit.ended(),
    extendedBy: () => 0,
    show: (deadline) => {
      report.deadline = deadline;
    },
  });
}
