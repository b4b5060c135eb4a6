import { chineseDate, renderReplyLetter, ReplyLetterInput } from '../../workflows/objection/reply-letter';

const base: ReplyLetterInput = {
  caseNo: '新民异〔2026〕第0007号',
  officeName: '新郑市民政局办公室',
  applicant: {
    name: '张三',
    contact: '13800000000',
    subjectCode: '91410184MA44XXXX0X',
    subjectName: '新郑市某养老服务有限公司',
  },
  receivedAt: '2026-09-29T02:00:00.000Z',
  recordDescription: '行政处罚决定书 新民罚〔2026〕12号',
  grounds: ['facts-wrong', 'other'],
  outcome: 'upheld',
  opinion: '经复核执法案卷，违法事实清楚，证据确实充分。',
  providerDepartment: '社会组织管理科',
  measures: { lifted: 0, reinstated: 0 },
  recordChanged: true,
  reputationRestoration: false,
  issuedAt: '2026-10-15T08:00:00.000Z',
};

describe('objection reply letter (异议处理结果告知书)', () => {
  it('dates instants in Beijing time, across the UTC day boundary', () => {
    expect(chineseDate('2026-09-30T16:30:00.000Z')).toBe('2026年10月1日');
    expect(chineseDate('2026-09-30T15:59:59.999Z')).toBe('2026年9月30日');
  });

  it('states the result, the reasons, the grounds and the further remedies', () => {
    const text = renderReplyLetter(base);
    expect(text).toContain('异议处理结果告知书');
    expect(text).toContain('（新民异〔2026〕第0007号）');
    expect(text).toContain('2026年9月29日受理');
    expect(text).toContain('异议理由为：事实认定有误、其他理由');
    expect(text).toContain('经核实信息无误，维持原记录');
    expect(text).toContain('违法事实清楚');
    expect(text).toContain('继续有效');
    expect(text).toContain('行政复议');
    expect(text.trim().endsWith('2026年10月15日')).toBe(true);
  });

  it('lists corrected values by their Chinese field names, and lifted measures', () => {
    const text = renderReplyLetter({
      ...base,
      outcome: 'corrected',
      correctedValues: { content: '罚款2000元', conductEndedOn: null },
      measures: { lifted: 2, reinstated: 0 },
    });
    expect(text).toContain('三、更正内容：“内容”更正为“罚款2000元”；删除“失信行为终止日期”。');
    expect(text).toContain('依据该信用记录实施的 2 项联合惩戒措施自即日起解除');
    expect(text).not.toContain('content');
  });

  it('reinstates suspended measures when the record is upheld, and mentions reputation restoration when due', () => {
    expect(renderReplyLetter({ ...base, measures: { lifted: 0, reinstated: 1 } })).toContain(
      '自即日起恢复执行',
    );
    const revoked = renderReplyLetter({ ...base, outcome: 'revoked', reputationRestoration: true });
    expect(revoked).toContain('已撤销');
    expect(revoked).toContain('恢复信誉、消除不良影响');
  });

  it('states a correction or revocation the registry refused as being handled, never as done', () => {
    const corrected = renderReplyLetter({
      ...base,
      outcome: 'corrected',
      correctedValues: { title: '未按规定办理变更登记' },
      recordChanged: false,
    });
    expect(corrected).toContain('一、处理结果：经核实信息有误，应予更正。');
    expect(corrected).toContain('更正正在办理中');
    expect(corrected).not.toContain('已予更正');
    expect(corrected).not.toContain('更正结果已同步');
    const revoked = renderReplyLetter({ ...base, outcome: 'revoked', recordChanged: false });
    expect(revoked).toContain('应予撤销');
    expect(revoked).not.toContain('该信用记录已撤销');
  });
});
