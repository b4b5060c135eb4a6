/**
 * The provider's work list (谁提供、谁核查): objections forwarded to its department, earliest due
 * first, each linking to the case page where the verification is entered.
 */
import { api } from './api.mjs';
import { beijing, h, link, table } from './ui.mjs';

export async function verificationsPage() {
  const { items } = await api('/api/objections/verifications/pending');
  return [
    h('h1', {}, '待核查的异议'),
    table(
      `转交本单位核查的异议（${items.length} 件）`,
      ['案件编号', '信用主体', '异议信息', '核查期限', '状态'],
      items.map((c) => [
        link(`#/case/objection/${c.id}`, c.caseNo),
        c.subjectName ?? c.subjectCode,
        c.recordDescription,
        h(
          'span',
          { class: c.overdue ? 'overdue' : null },
          beijing(c.stepDueAt),
          c.overdue ? '（已逾期）' : '',
        ),
        c.statusName,
      ]),
      '没有待核查的异议。',
    ),
  ];
}
