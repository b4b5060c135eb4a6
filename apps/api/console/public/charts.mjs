/* global window */
/**
 * Chart.js (served from node_modules by the API, /console/vendor/chart.umd.min.js) drawn into a
 * canvas marked as an image with a text summary; the same figures are always in a table beside it.
 */
import { h } from './ui.mjs';

const charts = new Set();

/** Destroys the charts of the previous page (a canvas keeps its Chart until destroyed). */
export function clearCharts() {
  for (const chart of charts) chart.destroy();
  charts.clear();
}

const PALETTE = ['#1d4f91', '#b3541e', '#2e7d32', '#6a1b9a', '#00838f', '#8d6e00', '#c62828', '#455a64'];

/** A bar chart: `labels` on the x axis, one dataset per series ({ label, data }). */
export function barChart(summary, labels, series, { stacked = false, percent = false } = {}) {
  const canvas = h('canvas', { role: 'img', 'aria-label': summary });
  const box = h('div', { class: 'chart' }, canvas);
  if (!window.Chart) {
    box.append(h('p', { class: 'hint' }, '图表组件未能加载，数据见下表。'));
    return box;
  }
  const chart = new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((s, i) => ({ ...s, backgroundColor: PALETTE[i % PALETTE.length] })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked },
        y: {
          stacked,
          beginAtZero: true,
          ...(percent ? { max: 100, ticks: { callback: (v) => `${v}%` } } : { ticks: { precision: 0 } }),
        },
      },
      plugins: { legend: { display: series.length > 1 } },
    },
  });
  charts.add(chart);
  return box;
}
