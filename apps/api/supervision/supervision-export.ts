import ExcelJS from 'exceljs';
import { beijingTime } from '../../../activities/supervision/supervision-figures';
import type { BoardCase } from './supervision.service';

/**
 * The case list as a file (CSV for any tool, XLSX for Excel/WPS): one row per case, Chinese
 * headers, times in Beijing time (YYYY-MM-DD HH:mm).
 */

const yesNo = (value: boolean | null) => (value === null ? '' : value ? '是' : '否');

/** The columns of an export: header and value of each case. */
export const EXPORT_COLUMNS: { header: string; width: number; value(c: BoardCase): string | number }[] = [
  { header: '程序', width: 14, value: (c) => c.procedureName },
  { header: '案件编号', width: 26, value: (c) => c.caseNo },
  { header: '辖区', width: 12, value: (c) => c.jurisdiction },
  { header: '承办部门', width: 24, value: (c) => c.officeDepartment },
  { header: '涉及部门', width: 36, value: (c) => c.departments.join('、') },
  { header: '状态', width: 14, value: (c) => c.statusName },
  { header: '当前环节', width: 20, value: (c) => c.currentStepName ?? '' },
  { header: '环节责任部门', width: 24, value: (c) => c.currentStepDepartment ?? '' },
  { header: '环节期限', width: 18, value: (c) => beijingTime(c.stepDueAt) },
  { header: '是否逾期', width: 10, value: (c) => yesNo(c.overdue) },
  { header: '逾期工作日', width: 12, value: (c) => c.workingDaysOver ?? '' },
  { header: '督办级别', width: 10, value: (c) => c.escalationLevel },
  { header: '受理时间', width: 18, value: (c) => beijingTime(c.receivedAt) },
  { header: '办结时间', width: 18, value: (c) => beijingTime(c.closedAt) },
  { header: '按期办结', width: 10, value: (c) => yesNo(c.metLimit) },
  { header: '已用工作日', width: 12, value: (c) => c.ageWorkingDays },
];

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a UTF-8 byte-order mark (so that Excel reads the Chinese right) and CRLF line ends. */
export function casesCsv(cases: BoardCase[]): Buffer {
  const lines = [
    EXPORT_COLUMNS.map((c) => csvField(c.header)).join(','),
    ...cases.map((k) => EXPORT_COLUMNS.map((c) => csvField(c.value(k))).join(',')),
  ];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** One worksheet 督查案件清单, header row frozen and filterable. */
export async function casesXlsx(cases: BoardCase[], at: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '信用业务流程服务';
  workbook.created = new Date(at);
  const sheet = workbook.addWorksheet('督查案件清单', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const k of cases) sheet.addRow(EXPORT_COLUMNS.map((c) => c.value(k)));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: EXPORT_COLUMNS.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
