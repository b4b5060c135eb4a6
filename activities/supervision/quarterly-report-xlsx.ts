import ExcelJS from 'exceljs';
import type { QuarterlyReportFigures } from '../../workflows/supervision/report-figures';
import { beijingTime } from './supervision-figures';

/**
 * The quarterly report as a workbook for Excel/WPS: 概况 (the period and totals), 案件统计
 * (procedure × department × status), 部门办结情况 (on-time figures), 逾期案件 (named), 督办情况.
 * Headers in Chinese, times in Beijing time.
 */

const percent = (r: number | null) => (r === null ? '' : `${(r * 100).toFixed(2)}%`);
const orBlank = (v: number | string | null) => v ?? '';

function sheet(workbook: ExcelJS.Workbook, name: string, columns: { header: string; width: number }[]) {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns;
  ws.getRow(1).font = { bold: true };
  return ws;
}

export const REPORT_SHEETS = ['概况', '案件统计', '部门办结情况', '逾期案件', '督办情况'] as const;

export async function quarterlyReportXlsx(f: QuarterlyReportFigures, producedAt: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '信用业务流程服务';
  workbook.created = new Date(producedAt);
  workbook.title = `${f.jurisdictionName}${f.quarter}督查季度报告`;

  const summary = sheet(workbook, '概况', [
    { header: '项目', width: 24 },
    { header: '内容', width: 40 },
  ]);
  summary.addRows([
    ['辖区', f.jurisdictionName],
    ['季度', f.quarter],
    ['统计起始（不含）', beijingTime(f.periodFrom)],
    ['统计截止', beijingTime(f.countedUntil)],
    ['报告性质', f.final ? '正式（季度截止时生成）' : '临时（截止前按需生成）'],
    ['上报期限', `${beijingTime(f.deadline)} 前`],
    ['本季度涉及案件', f.totals.cases],
    ['本季度受理', f.totals.received],
    ['本季度办结', f.totals.closed],
    ['截止时未办结', f.totals.openAtEnd],
    ['截止时逾期', f.totals.overdue],
    ['生成时间', beijingTime(producedAt)],
  ]);

  const counts = sheet(workbook, '案件统计', [
    { header: '程序', width: 14 },
    { header: '部门', width: 30 },
    { header: '状态', width: 16 },
    { header: '件数', width: 8 },
  ]);
  for (const c of f.counts) counts.addRow([c.procedureName, c.department, c.statusName, c.count]);

  const departments = sheet(workbook, '部门办结情况', [
    { header: '部门', width: 30 },
    { header: '办结件数', width: 10 },
    { header: '按期办结件数', width: 14 },
    { header: '按期办结率', width: 12 },
    { header: '办结用时中位数（工作日）', width: 24 },
    { header: '办结用时P90（工作日）', width: 22 },
  ]);
  for (const d of f.departments) {
    departments.addRow([
      d.department,
      d.closed,
      d.closedOnTime,
      percent(d.onTimeRate),
      orBlank(d.medianWorkingDays),
      orBlank(d.p90WorkingDays),
    ]);
  }

  const overdue = sheet(workbook, '逾期案件', [
    { header: '案件编号', width: 26 },
    { header: '程序', width: 14 },
    { header: '责任部门', width: 30 },
    { header: '当前环节', width: 20 },
    { header: '期限', width: 18 },
    { header: '逾期工作日', width: 12 },
    { header: '督办级别', width: 10 },
  ]);
  for (const o of f.overdue) {
    overdue.addRow([
      o.caseNo,
      o.procedureName,
      o.department,
      o.stepName ?? '',
      beijingTime(o.dueAt),
      o.workingDaysOver,
      o.escalationLevel,
    ]);
  }

  const escalations = sheet(workbook, '督办情况', [
    { header: '程序', width: 14 },
    { header: '督办级别', width: 18 },
    { header: '件数', width: 8 },
  ]);
  for (const l of f.escalations.levels) escalations.addRow(['合计', l.name, l.count]);
  for (const p of f.escalations.byProcedure) escalations.addRow([p.procedureName, p.name, p.count]);

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
