/* global document, location, URL, URLSearchParams, FormData */
/**
 * The case list (案件清单) with the board's filters: procedure, status, department, overdue, due
 * within N working days; paged; exported as CSV or Excel with the same filters. The filters live
 * in the address (#/cases?…), so a list can be bookmarked and reloaded.
 */
import { api, ApiFailure, download } from './api.mjs';
import { loadReference } from './reference.mjs';
import { boardTable } from './board-lists.mjs';
import { field, h, message } from './ui.mjs';

const FILTERS = ['procedure', 'status', 'department', 'overdue', 'dueWithin'];
const PAGE_SIZE = 20;

const select = (name, value, options) =>
  h(
    'select',
    { name },
    options.map(([v, text]) => h('option', { value: v, selected: v === (value ?? '') }, text)),
  );

export async function casesPage({ query }) {
  const filters = Object.fromEntries(FILTERS.filter((k) => query[k]).map((k) => [k, query[k]]));
  const page = Number(query.page || 1);
  const [reference, counts, list] = await Promise.all([
    loadReference(),
    api('/api/supervision/counts', { query: { procedure: filters.procedure } }),
    api('/api/supervision/cases', { query: { ...filters, page, pageSize: PAGE_SIZE } }),
  ]);
  const statuses = new Map(counts.counts.map((c) => [c.status, `${c.statusName}（${c.procedureName}）`]));
  const departments = [...new Set(counts.counts.map((c) => c.department))];
  const feedback = h('div', { 'aria-live': 'polite' });

  const go = (params) => {
    const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== undefined));
    location.hash = `#/cases?${qs}`;
  };

  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': '筛选案件',
      'on:submit': (event) => {
        event.preventDefault();
        go(Object.fromEntries(new FormData(event.target)));
      },
    },
    field(
      '程序',
      select('procedure', filters.procedure, [
        ['', '全部程序'],
        ...reference.procedures.map((p) => [p.procedure, p.name]),
      ]),
    ),
    field('状态', select('status', filters.status, [['', '全部状态'], ...statuses.entries()])),
    field(
      '部门',
      select('department', filters.department, [['', '全部部门'], ...departments.map((d) => [d, d])]),
    ),
    field(
      '是否逾期',
      select('overdue', filters.overdue, [
        ['', '不限'],
        ['true', '仅逾期'],
        ['false', '未逾期'],
      ]),
    ),
    field(
      '几个工作日内到期',
      h('input', { type: 'number', name: 'dueWithin', min: 0, max: 250, value: filters.dueWithin ?? '' }),
    ),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, '筛选')),
  );

  const exportAs = (format) => async () => {
    feedback.replaceChildren();
    try {
      const blob = await download('/api/supervision/cases/export', { ...filters, format });
      const a = h('a', { href: URL.createObjectURL(blob), download: `督查案件清单.${format}` });
      document.body.append(a);
      a.click();
      a.remove();
    } catch (error) {
      feedback.replaceChildren(
        message('error', error instanceof ApiFailure ? error.fullMessage : String(error)),
      );
    }
  };

  const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
  return [
    h('h1', {}, '案件清单'),
    form,
    h(
      'p',
      {},
      h('button', { type: 'button', class: 'secondary', 'on:click': exportAs('csv') }, '导出 CSV'),
      ' ',
      h('button', { type: 'button', class: 'secondary', 'on:click': exportAs('xlsx') }, '导出 Excel'),
    ),
    feedback,
    boardTable(
      `共 ${list.total} 件（第 ${page} / ${pages} 页，逾期的在前，再按期限先后）`,
      list.items,
      '没有符合条件的案件。',
    ),
    h(
      'nav',
      { 'aria-label': '翻页' },
      page > 1
        ? h('button', { type: 'button', 'on:click': () => go({ ...filters, page: page - 1 }) }, '上一页')
        : null,
      ' ',
      page < pages
        ? h('button', { type: 'button', 'on:click': () => go({ ...filters, page: page + 1 }) }, '下一页')
        : null,
    ),
  ];
}
