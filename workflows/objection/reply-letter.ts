import { CORRECTABLE_FIELD_NAMES_ZH, type CorrectableField, type RecordCorrection } from '../registry/types';
import { Applicant, GROUND_NAMES_ZH, ObjectionGround, OUTCOME_NAMES_ZH, VerificationOutcome } from './types';

import { chineseDate } from '../case/notices';

export { chineseDate };

export interface ReplyLetterInput {
  caseNo: string;
  officeName: string;
  applicant: Applicant;
  receivedAt: string;
  recordDescription: string;
  grounds: ObjectionGround[];
  outcome: VerificationOutcome;
  /** The provider's written opinion (核查意见), the reasons of the decision. */
  opinion: string;
  providerDepartment: string;
  /** For corrected records: what the record says now (null: the field was cleared). */
  correctedValues?: RecordCorrection;
  /** Joint punishment measures on the record: lifted because of the result, or reinstated after the suspension. */
  measures: { lifted: number; reinstated: number };
  /**
   * The registry changed the record as the result says (corrected / revoked). False when it
   * refused: the letter then says the change is being handled, never that it was made.
   */
  recordChanged: boolean;
  /** A punishment was applied wrongly: reputation restoration (恢复信誉) has been opened. */
  reputationRestoration: boolean;
  issuedAt: string;
}

/** The result in words: what was done, or what is to be done where the registry has not done it. */
export function resultOf(outcome: VerificationOutcome, recordChanged: boolean): string {
  if (outcome === 'upheld' || recordChanged) return OUTCOME_NAMES_ZH[outcome];
  return `经核实信息有误，应予${outcome === 'corrected' ? '更正' : '撤销'}`;
}

/**
 * 异议处理结果告知书: the written, reasoned reply to the applicant. Plain text, so it can be
 * printed, sent by e-mail or archived as is; the wording follows the seeds' duty to state the
 * result, the reasons, what was done and the applicant's further remedies.
 */
export function renderReplyLetter(input: ReplyLetterInput): string {
  const lines: string[] = [];
  lines.push('异议处理结果告知书');
  lines.push(`（${input.caseNo}）`);
  lines.push('');
  lines.push(`${input.applicant.name}：`);
  lines.push(
    `    本机关于${chineseDate(input.receivedAt)}受理你（单位）对“${input.recordDescription}”` +
      `（信用主体：${input.applicant.subjectName}，${input.applicant.subjectCode}）提出的信用信息异议申请，` +
      `异议理由为：${input.grounds.map((g) => GROUND_NAMES_ZH[g]).join('、')}。`,
  );
  lines.push(`    经转请信息提供单位${input.providerDepartment}核查，现将处理结果告知如下：`);
  lines.push(`    一、处理结果：${resultOf(input.outcome, input.recordChanged)}。`);
  lines.push(`    二、理由：${input.opinion.trim()}`);
  if (input.outcome !== 'upheld' && !input.recordChanged) {
    lines.push(
      `    三、该信用记录的${input.outcome === 'corrected' ? '更正' : '撤销'}正在办理中，办理完毕后将另行书面告知。`,
    );
  } else if (
    input.outcome === 'corrected' &&
    input.correctedValues &&
    Object.keys(input.correctedValues).length > 0
  ) {
    const changes = Object.entries(input.correctedValues)
      .map(([field, value]) => {
        const name = CORRECTABLE_FIELD_NAMES_ZH[field as CorrectableField] ?? field;
        return value === null ? `删除“${name}”` : `“${name}”更正为“${value}”`;
      })
      .join('；');
    lines.push(`    三、更正内容：${changes}。更正结果已同步至信用信息共享平台。`);
  } else if (input.outcome === 'revoked') {
    lines.push('    三、该信用记录已撤销，并已通知各共享和公示渠道同步撤销。');
  } else {
    lines.push('    三、该信用记录继续有效，依法继续记录、公示和使用。');
  }
  if (input.measures.lifted > 0) {
    lines.push(`    四、依据该信用记录实施的 ${input.measures.lifted} 项联合惩戒措施自即日起解除。`);
  } else if (input.measures.reinstated > 0) {
    lines.push(`    四、核查期间暂停执行的 ${input.measures.reinstated} 项联合惩戒措施自即日起恢复执行。`);
  }
  if (input.reputationRestoration) {
    lines.push('    因错误实施惩戒措施影响你（单位）合法权益的，相关部门将采取措施恢复信誉、消除不良影响。');
  }
  lines.push('    如对本处理结果仍有异议，可自收到本告知书之日起依法申请行政复议或者提起行政诉讼。');
  lines.push('');
  lines.push(`${input.officeName}`);
  lines.push(chineseDate(input.issuedAt));
  return lines.join('\n');
}
