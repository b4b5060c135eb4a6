import { planStep } from '../../workflows/case/step-clock';
import { NATIONAL_RECTIFICATION, policyInForceAt, POLICY_PRESETS } from '../../workflows/policies';
import { validatePolicyDocument } from '../../workflows/policies/validation';
import { interviewRecordText, orderLetter } from '../../workflows/rectification/letters';
import {
  consequenceText,
  currentTermDue,
  defaultDeadline,
  nextDeadline,
  nextRung,
  rectificationRules,
} from '../../workflows/rectification/rules';
import type { Interview, RectificationState } from '../../workflows/rectification/types';

const wd = (value: number) => ({ value, unit: 'working-days' as const });
const endOfDay = (date: string) => new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString();
const deadline = (step: string, due: string) => ({
  step,
  assignee: 'p.1',
  department: '永昌县市场监督管理局',
  startedAt: '2027-03-01T02:00:00.000Z',
  limit: wd(5),
  extendedBy: 0,
  due,
  provisional: false,
  escalationLevel: 0 as const,
});

describe('rectification rules (永昌, seed 004 (十))', () => {
  const yongchang = policyInForceAt('yongchang', '2027-03-01')!;

  it('永昌 uses the service defaults: a deadline by national tier, 20 working days without a tier', () => {
    const rules = rectificationRules(yongchang);
    expect(rules).toEqual(NATIONAL_RECTIFICATION);
    expect(defaultDeadline(rules, { tier: '一般' })).toEqual(wd(20));
    expect(defaultDeadline(rules, { tier: '严重' })).toEqual(wd(30));
    expect(defaultDeadline(rules, {})).toEqual(wd(20));
    expect(yongchang.document.sources.join('')).toContain('(十)');
    // A version without rectification rules falls back to the national defaults.
    const { rectification: _none, ...without } = yongchang.document;
    expect(rectificationRules({ ...yongchang, document: without })).toEqual(NATIONAL_RECTIFICATION);
  });

  it('climbs the ladder: 提示约谈, 警示约谈, then the consequence (or closes without one)', () => {
    const watch = NATIONAL_RECTIFICATION.consequence;
    expect(nextRung(0, watch)).toEqual({ interview: 'reminder' });
    expect(nextRung(1, watch)).toEqual({ interview: 'warning' });
    expect(nextRung(2, watch)).toEqual({ propose: true });
    expect(nextRung(2, { kind: 'none' })).toEqual({ close: true });
    expect(consequenceText(watch)).toBe('列入重点关注名单，期限1年');
    expect(consequenceText({ kind: 'measures', measureCodes: ['CJ-1', 'CJ-2'] })).toBe(
      '实施失信约束措施（措施清单编码：CJ-1、CJ-2）',
    );
  });

  it('reminds the subject before its own deadline without any escalation (a step of the case kit)', () => {
    const plan = planStep(
      { step: 'term-1', startsAt: '2027-03-01T02:00:00.000Z', limit: wd(20), remindBefore: wd(3) },
      {},
      0,
      [],
    );
    expect(plan).toMatchObject({ due: endOfDay('2027-03-29'), remindAt: endOfDay('2027-03-24') });
    expect(plan.secondLevelAt).toBeUndefined();
    const tooShort = planStep(
      { step: 'term-1', startsAt: '2027-03-01T02:00:00.000Z', limit: wd(2), remindBefore: wd(3) },
      {},
      0,
      [],
    );
    expect(tooShort.due).toBe(endOfDay('2027-03-03'));
    expect(tooShort.remindAt).toBeUndefined();
  });

  it('shows the earliest open deadline: the subject’s term, then the department’s and the supervisor’s steps', () => {
    const s = {
      terms: [
        {
          no: 1,
          from: 'order' as const,
          startsAt: '',
          limit: wd(5),
          deadline: deadline('term-1', endOfDay('2027-03-08')),
        },
      ],
      reports: [],
      interviews: [],
      consequence: undefined,
    };
    expect(nextDeadline(s)?.step).toBe('term-1');
    expect(currentTermDue(s)).toBe(endOfDay('2027-03-08'));
    const passed = {
      ...s,
      terms: [{ ...s.terms[0], passedAt: endOfDay('2027-03-08') }],
      interviews: [
        {
          kind: 'reminder' as const,
          requiredAt: endOfDay('2027-03-08'),
          schedules: [],
          scheduleDeadline: deadline('schedule-reminder', endOfDay('2027-03-15')),
        },
      ],
    };
    expect(nextDeadline(passed)?.step).toBe('schedule-reminder');
    expect(currentTermDue(passed)).toBeUndefined();
  });

  it('writes the order and the interview record in Chinese, stating what happened (a no-show as such)', () => {
    const s = {
      caseNo: 'YONGCHANG-ZG-2027-000001',
      subject: { code: 'X', name: '永昌某商贸公司', kind: 'legal-person' },
      department: '永昌县市场监督管理局',
      officeName: '永昌县',
      basis: { kind: 'record', documentNo: '永市监罚〔2027〕1号', title: '未按规定公示年度报告' },
      obligations: ['补报年度报告', '建立制度'],
    } as unknown as RectificationState;
    const order = orderLetter(s, endOfDay('2027-03-29'));
    expect(order.title).toBe('【限期整改通知书】YONGCHANG-ZG-2027-000001');
    expect(order.body).toContain('于2027年3月29日前完成以下整改：1. 补报年度报告；2. 建立制度');
    const absent: Interview = {
      kind: 'warning',
      requiredAt: '',
      schedules: [
        {
          at: '2027-04-06T02:00:00.000Z',
          place: '三楼会议室',
          participants: ['张科长'],
          representative: { name: '王五', capacity: '法定代表人' },
          by: 'p.1',
          scheduledAt: '',
        },
      ],
      record: { appeared: false, summary: '经电话通知仍未到场', undertakings: '', by: 'p.1', at: '' },
    };
    const text = interviewRecordText(s, absent, '至2027年4月20日');
    expect(text.title).toBe('警示约谈记录：永昌某商贸公司（未到场）');
    expect(text.content).toContain('于2027年4月6日在三楼会议室进行警示约谈，约谈对象未到场');
    expect(text.content).toContain('新的整改期限至2027年4月20日');
  });

  it('validates rectification policy data with Chinese field names', () => {
    const document = POLICY_PRESETS.find((p) => p.jurisdiction === 'yongchang' && p.version === 2)!.document;
    expect(validatePolicyDocument(document).ok).toBe(true);
    const result = validatePolicyDocument({
      ...document,
      rectification: {
        ...NATIONAL_RECTIFICATION,
        verifyReportWithin: { value: 0, unit: 'working-days' },
        consequence: { kind: 'measures', measureCodes: [] },
      },
    });
    expect(result.ok ? [] : result.issues).toEqual([
      {
        field: 'rectification.verifyReportWithin.value',
        code: 'TOO_SMALL',
        message: '整改情况核实期限的数值：不能小于 1',
      },
      {
        field: 'rectification.consequence.measureCodes',
        code: 'EMPTY',
        message: '措施编码：至少需要填写一项',
      },
    ]);
  });
});
