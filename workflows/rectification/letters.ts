import { chineseDate } from '../case/notices';
import type { RectificationConsequence } from '../policies/types';
import { consequenceText } from './rules';
import {
  INTERVIEW_KIND_NAMES_ZH,
  VERIFICATION_RESULT_NAMES_ZH,
  type Interview,
  type InterviewSchedule,
  type RectificationReport,
  type RectificationState,
} from './types';

/**
 * What the subject and the supervisor read (Simplified Chinese), and the interview record's
 * text in the credit record. Pure: each letter states what actually happened.
 */

type Letter = { title: string; body: string };

const obligationsText = (s: RectificationState) => s.obligations.map((o, i) => `${i + 1}. ${o}`).join('；');

const basisText = (s: RectificationState) =>
  s.basis.kind === 'record'
    ? `“${s.basis.title}”（${s.basis.documentNo}）`
    : `列入${s.basis.title}（${s.basis.documentNo}）`;

/** 限期整改通知书: the obligations and the deadline. */
export function orderLetter(s: RectificationState, due: string): Letter {
  return {
    title: `【限期整改通知书】${s.caseNo}`,
    body:
      `${s.subject.name}：根据${basisText(s)}，请你单位（你）于${chineseDate(due)}前完成以下整改：${obligationsText(s)}。` +
      `请凭查询码和主体代码在线报告整改情况并提交相关材料，由${s.department}核实。` +
      `逾期未整改的，${s.department}将依法依规进行提示约谈或警示约谈，约谈记录将记入信用记录。`,
  };
}

/** The subject's reminder before a deadline. */
export function termReminderLetter(s: RectificationState, due: string): Letter {
  return {
    title: `【整改期限提醒】${s.caseNo}`,
    body: `${s.subject.name}：你单位（你）的整改期限将于${chineseDate(due)}届满，请按时完成整改并报告整改情况。`,
  };
}

/** The department's verification of a report, told to the subject. */
export function verificationLetter(
  s: RectificationState,
  report: RectificationReport,
  nextDue: string | undefined,
): Letter {
  const v = report.verification!;
  const after =
    v.result === 'done'
      ? '整改已完成，本次限期整改办结。该整改结果可作为申请信用修复时“完成信用整改”的证明。'
      : nextDue
        ? `请于${chineseDate(nextDue)}前继续整改并再次报告。`
        : `整改期限已届满，${s.department}将按程序进行约谈或采取后续措施。`;
  return {
    title: `【整改核实结果】${s.caseNo}`,
    body: `${s.subject.name}：${s.department}对你单位（你）第${report.no}次报告的整改情况核实结果为：${VERIFICATION_RESULT_NAMES_ZH[v.result]}。核实意见：${v.opinion}。${after}`,
  };
}

/** 约谈通知书: when, where, who. */
export function interviewLetter(s: RectificationState, interview: Interview, at: InterviewSchedule): Letter {
  const kind = INTERVIEW_KIND_NAMES_ZH[interview.kind];
  const again = interview.schedules.length > 1 ? '（约谈时间、地点已调整，以本通知为准）' : '';
  return {
    title: `【${kind}通知书】${s.caseNo}`,
    body:
      `${s.subject.name}：因你单位（你）未在期限内完成${basisText(s)}的整改，按照“谁认定、谁约谈”的原则，` +
      `${s.department}定于${chineseDate(at.at)}${beijingTime(at.at)}在${at.place}进行${kind}${again}。` +
      `请${at.representative.name}（${at.representative.capacity}）按时参加。无正当理由不到场的，将如实记录并记入信用记录。`,
  };
}

/** The interview record (约谈记录) as it enters the credit record. */
export function interviewRecordText(
  s: RectificationState,
  interview: Interview,
  /** The new deadline as the record states it (至2027年3月5日). */
  newDeadline: string,
): { title: string; content: string } {
  const kind = INTERVIEW_KIND_NAMES_ZH[interview.kind];
  const at = interview.schedules.at(-1)!;
  const r = interview.record!;
  const head = `${s.department}因${s.subject.name}未按期完成${basisText(s)}的整改（整改事项：${obligationsText(s)}），于${chineseDate(at.at)}在${at.place}进行${kind}`;
  const body = r.appeared
    ? `，约谈对象${at.representative.name}（${at.representative.capacity}）到场。约谈情况：${r.summary}。整改承诺：${r.undertakings || '无'}。`
    : `，约谈对象未到场。情况说明：${r.summary}。`;
  return {
    title: `${kind}记录：${s.subject.name}${r.appeared ? '' : '（未到场）'}`,
    content: `${head}${body}新的整改期限${newDeadline}。参加人员：${at.participants.join('、')}。`,
  };
}

/** What the subject is told after an interview was recorded. */
export function interviewRecordedLetter(s: RectificationState, interview: Interview, newDue: string): Letter {
  const kind = INTERVIEW_KIND_NAMES_ZH[interview.kind];
  const appeared = interview.record!.appeared;
  return {
    title: `【${kind}记录告知】${s.caseNo}`,
    body:
      `${s.subject.name}：${s.department}已${appeared ? `对你单位（你）进行${kind}` : `记录你单位（你）未到场参加${kind}`}，约谈记录已记入信用记录。` +
      `请于${chineseDate(newDue)}前完成整改并报告整改情况；` +
      (interview.kind === 'reminder'
        ? '逾期仍未整改的，将进行警示约谈。'
        : '逾期仍未整改的，将依法依规采取后续措施。'),
  };
}

/** To the supervisor: a consequence awaits confirmation. */
export function proposalLetter(
  s: RectificationState,
  consequence: RectificationConsequence,
  due: string,
): Letter {
  return {
    title: `【后续措施待确认】${s.caseNo}`,
    body:
      `${s.subject.name}经提示约谈、警示约谈后仍未在期限内完成整改（${basisText(s)}，${s.department}）。` +
      `按政策拟${consequenceText(consequence)}，请于${chineseDate(due)}前确认或不予确认。`,
  };
}

/** To the subject: what was decided after the 警示约谈. */
export function consequenceLetter(s: RectificationState, applied: string): Letter {
  return {
    title: `【后续措施告知书】${s.caseNo}`,
    body: `${s.subject.name}：你单位（你）经提示约谈、警示约谈后仍未完成${basisText(s)}的整改。${applied}如有异议，可向${s.officeName}提出异议申请。`,
  };
}

/** To the subject: the order was withdrawn. */
export function cancelledLetter(s: RectificationState, reason: string): Letter {
  return {
    title: `【撤销整改要求通知】${s.caseNo}`,
    body: `${s.subject.name}：${s.department}已撤销对你单位（你）的限期整改要求（${s.caseNo}）。理由：${reason}。`,
  };
}

/** `HH:mm` in Beijing. */
function beijingTime(instant: string): string {
  const local = new Date(Date.parse(instant) + 8 * 3600 * 1000);
  return `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
}
