/* global location, URLSearchParams, FormData */
/**
 * The supervisor's dashboard (督查看板): the board's figures over the caller's scope as charts,
 * each with the same figures as a table: cases by procedure × department × status, overdue,
 * ageing, escalations, each department's on-time rate for a period; the overdue and due-soon lists.
 */
import { api } from './api.mjs';
import { boardTable } from './board-lists.mjs';
import { barChart } from './charts.mjs';
import { beijingToday, field, h, percent, table } from './ui.mjs';

const figure = (label, value, id) => h('div', {}, h('dt', {}, label), h('dd', { id }, String(value)));

export async function dashboardPage({ query }) {
  const today = beijingToday();
  const from = query.from || `${today.slice(0, 4)}-01-01`;
  const to = query.to || today;
  const dueWithin = query.dueWithin || '3';
  const [counts, overdue, dueSoon, ageing, escalations, departments] = await Promise.all([
    api('/api/supervision/counts'),
    api('/api/supervision/overdue'),
    api('/api/supervision/due-soon', { query: { dueWithin } }),
    api('/api/supervision/ageing'),
    api('/api/supervision/escalations'),
    api('/api/supervision/departments', { query: { from, to } }),
  ]);

  // Procedure × department × status: departments on the axis, one series per procedure and status.
  const depts = [...new Set(counts.counts.map((c) => c.department))];
  const seriesKeys = [...new Set(counts.counts.map((c) => `${c.procedureName}·${c.statusName}`))];
  const series = seriesKeys.map((key) => ({
    label: key,
    data: depts.map((d) =>
      counts.counts
        .filter((c) => c.department === d && `${c.procedureName}·${c.statusName}` === key)
        .reduce((n, c) => n + c.count, 0),
    ),
  }));

  const period = h(
    'form',
    {
      class: 'filters',
      'on:submit': (event) => {
        event.preventDefault();
        const data = new FormData(event.target);
        const params = new URLSearchParams(
          [...data.entries()].filter(([, v]) => v !== '').map(([k, v]) => [k, String(v)]),
        );
        location.hash = `#/dashboard?${params}`;
      },
    },
    field('统计起始日期', h('input', { type: 'date', name: 'from', value: from })),
    field('统计截止日期', h('input', { type: 'date', name: 'to', value: to })),
    field(
      '即将到期（工作日内）',
      h('input', { type: 'number', name: 'dueWithin', min: 0, max: 250, value: dueWithin }),
    ),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, '更新')),
  );

  return [
    h('h1', {}, '督查看板'),
    h(
      'dl',
      { class: 'cards' },
      figure('案件总数', counts.total, 'figure-total'),
      figure('在办', counts.open, 'figure-open'),
      figure('逾期', overdue.total, 'figure-overdue'),
      figure(`${dueSoon.dueWithin} 个工作日内到期`, dueSoon.total, 'figure-due-soon'),
      figure('督办中', escalations.total, 'figure-escalations'),
    ),
    period,
    h(
      'section',
      { 'aria-labelledby': 'h-on-time' },
      h('h2', { id: 'h-on-time' }, `各部门按时办结率（${from} 至 ${to} 办结）`),
      barChart(
        `各部门按时办结率柱状图，共 ${departments.departments.length} 个部门，详见下表`,
        departments.departments.map((d) => d.department),
        [{ label: '按时办结率（%）', data: departments.departments.map((d) => (d.onTimeRate ?? 0) * 100) }],
        { percent: true },
      ),
      h(
        'div',
        { id: 'on-time-table' },
        table(
          `办结 ${departments.closed} 件`,
          ['部门', '办结', '按时办结', '按时办结率', '办理工作日中位数', '第 90 百分位工作日'],
          departments.departments.map((d) => [
            d.department,
            String(d.closed),
            String(d.closedOnTime),
            percent(d.onTimeRate),
            d.medianWorkingDays ?? '—',
            d.p90WorkingDays ?? '—',
          ]),
          '该期间没有办结的案件。',
        ),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'h-counts' },
      h('h2', { id: 'h-counts' }, '案件数：程序 × 部门 × 状态'),
      barChart(`各部门案件数堆积柱状图，按程序和状态分色，共 ${counts.total} 件，详见下表`, depts, series, {
        stacked: true,
      }),
      table(
        '各部门各程序各状态的案件数（一件案件涉及几个部门即在几个部门各计一次）',
        ['程序', '部门', '状态', '件数'],
        counts.counts.map((c) => [c.procedureName, c.department, c.statusName, String(c.count)]),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'h-ageing' },
      h('h2', { id: 'h-ageing' }, '在办案件账龄（自受理起的工作日）'),
      barChart(
        `在办案件账龄柱状图，共 ${ageing.total} 件，详见下表`,
        ageing.buckets.map((b) => b.name),
        [{ label: '件数', data: ageing.buckets.map((b) => b.count) }],
      ),
      table(
        '在办案件按账龄分组',
        ['账龄', '件数'],
        ageing.buckets.map((b) => [b.name, String(b.count)]),
      ),
      table(
        '各级督办的在办案件',
        ['督办级别', '件数'],
        escalations.levels.map((l) => [l.name, String(l.count)]),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'h-overdue' },
      h('h2', { id: 'h-overdue' }, '逾期案件'),
      boardTable(`逾期案件（${overdue.total} 件，超期最多的在前）`, overdue.items, '没有逾期的案件。'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'h-due-soon' },
      h('h2', { id: 'h-due-soon' }, '即将到期的案件'),
      boardTable(
        `${dueSoon.dueWithin} 个工作日内到期的在办案件（${dueSoon.total} 件）`,
        dueSoon.items,
        '没有即将到期的案件。',
      ),
    ),
  ];
}
