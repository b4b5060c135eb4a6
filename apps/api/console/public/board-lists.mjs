/** The board's case rows as a table: shared by the dashboard's lists and the case list. */
import { beijing, h, link, table } from './ui.mjs';

export const caseHref = (c) => `#/case/${c.procedure}/${c.caseId}`;

export function daysCell(c) {
  if (c.closedAt) return `已办结（${beijing(c.closedAt)}）`;
  if (c.workingDaysOver !== null && c.workingDaysOver !== undefined) {
    return h('span', { class: 'overdue' }, `已逾期 ${c.workingDaysOver} 个工作日`);
  }
  if (c.workingDaysLeft !== null && c.workingDaysLeft !== undefined) {
    return `剩余 ${c.workingDaysLeft} 个工作日`;
  }
  return '—';
}

export const ESCALATIONS = { 0: '—', 1: '督办（一级）', 2: '升级督办（二级）' };

export function boardTable(caption, items, empty) {
  return table(
    caption,
    ['案件编号', '程序', '承办部门', '状态', '当前环节', '环节期限', '工作日', '督办'],
    items.map((c) => [
      link(caseHref(c), c.caseNo),
      c.procedureName,
      c.officeDepartment,
      c.statusName,
      c.currentStepName
        ? `${c.currentStepName}${c.currentStepDepartment ? '（' + c.currentStepDepartment + '）' : ''}`
        : '—',
      beijing(c.stepDueAt),
      daysCell(c),
      ESCALATIONS[c.escalationLevel] ?? String(c.escalationLevel),
    ]),
    empty,
  );
}
