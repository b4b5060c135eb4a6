/* global setTimeout */
/**
 * The case page (案件详情): the procedure's case file and the case's supervision-index entry —
 * deadlines with working days left and provisional marks, escalations, closed steps, documents,
 * the timeline — and, for objections, the caseworker's and provider's actions.
 */
import { api, ApiFailure } from './api.mjs';
import { ESCALATIONS } from './board-lists.mjs';
import { objectionActions } from './case-actions.mjs';
import { loadReference } from './reference.mjs';
import { beijing, h, table } from './ui.mjs';

const PROVISIONAL = '（暂定：所涉年度的节假日安排尚未公布，期限可能调整）';
const ESCALATION_KINDS = ['reminder', 'overdue', 'escalated'];

const dl = (pairs) =>
  h(
    'dl',
    { class: 'cards' },
    pairs
      .filter(([, v]) => v !== undefined)
      .map(([k, v, id]) => h('div', {}, h('dt', {}, k), h('dd', { id }, v ?? '—'))),
  );

const section = (id, title, ...content) =>
  h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...content);

function workingDaysText(entry) {
  if (!entry) return '—（督查台账尚未更新）';
  if (entry.closedAt) return '已办结';
  if (entry.workingDaysOver !== null) return `已逾期 ${entry.workingDaysOver} 个工作日`;
  if (entry.workingDaysLeft !== null) return `剩余 ${entry.workingDaysLeft} 个工作日`;
  return '—';
}

function deadlines(file, entry) {
  const step = file.deadlines?.step ?? file.case?.step ?? null;
  const stepProvisional = step?.provisional ?? file.dueProvisional ?? false;
  const caseDue = file.deadlines?.caseDue ?? file.caseDueAt ?? entry?.caseDueAt ?? null;
  const caseProvisional = file.deadlines?.caseDueProvisional ?? file.case?.caseDueProvisional ?? false;
  const stepDue = step?.due || file.stepDueAt || entry?.stepDueAt || null;
  const stops = file.clockStops ?? [];
  return section(
    'h-deadlines',
    '期限',
    dl([
      ['当前环节', file.stepName ?? entry?.currentStepName ?? '—'],
      ['负责部门', step?.department ?? entry?.currentStepDepartment ?? '—'],
      [
        '环节期限',
        h(
          'span',
          {},
          beijing(stepDue),
          stepProvisional ? h('span', { class: 'provisional' }, PROVISIONAL) : null,
        ),
        'step-due',
      ],
      [
        '工作日',
        h('span', { class: entry?.overdue ? 'overdue' : null }, workingDaysText(entry)),
        'working-days',
      ],
      [
        '时限',
        step?.limit
          ? `${step.limit.value} 个${step.limit.unit === 'working-days' ? '工作日' : step.limit.unit}${step.extendedBy ? `（已延长 ${step.extendedBy} 个工作日）` : ''}`
          : undefined,
      ],
      [
        '全案期限',
        h(
          'span',
          {},
          beijing(caseDue),
          caseDue && caseProvisional ? h('span', { class: 'provisional' }, PROVISIONAL) : null,
        ),
      ],
    ]),
    stops.length
      ? table(
          '补正期间（计时中止）',
          ['自', '至'],
          stops.map((s) => [beijing(s.from), s.to ? beijing(s.to) : '尚未恢复计时']),
        )
      : null,
    entry?.closedSteps?.length
      ? table(
          '已结束的环节',
          ['环节', '部门', '开始', '期限', '结束', '是否按时'],
          entry.closedSteps.map((s) => [
            s.name ?? '全案时限',
            s.department,
            beijing(s.startedAt),
            beijing(s.due || null),
            beijing(s.closedAt),
            s.metLimit ? '按时' : h('span', { class: 'overdue' }, '超时'),
          ]),
        )
      : null,
  );
}

function escalations(file, entry) {
  const items = file.escalations ?? (file.timeline ?? []).filter((e) => ESCALATION_KINDS.includes(e.kind));
  return section(
    'h-escalations',
    '提醒与督办',
    h('p', {}, `当前督办级别：${ESCALATIONS[entry?.escalationLevel ?? file.escalationLevel ?? 0] ?? '—'}`),
    table(
      '提醒、逾期和督办记录',
      ['时间', '事项'],
      items.map((e) => [beijing(e.at), e.summary]),
      '没有提醒或督办记录。',
    ),
  );
}

function documents(file, reference) {
  const attachments = file.case?.attachments ?? file.attachments ?? [];
  // The procedures' written documents, where their files carry them as text.
  const letters = [
    ['书面答复', file.replyLetter, 'reply-letter'],
    ['决定书', file.decisionLetter ?? file.letter],
    ['承诺书', file.text],
  ].filter(([, text]) => typeof text === 'string' && text);
  const reply = file.reply;
  const pending = file.pendingMaterials;
  return section(
    'h-documents',
    '材料与文书',
    table(
      '申请材料',
      ['编号', '名称'],
      attachments.map((a) => [a.ref ?? '—', a.name ?? '—']),
      '没有登记材料。',
    ),
    pending
      ? h(
          'div',
          {},
          h('h3', {}, '待补正材料'),
          h(
            'ul',
            {},
            pending.items.map((i) => h('li', {}, i)),
          ),
          h('p', {}, `补正期限：${beijing(pending.lapsesAt)}`),
        )
      : null,
    reply
      ? h(
          'div',
          { id: 'provider-reply' },
          h('h3', {}, '信息提供单位核查意见'),
          h(
            'p',
            {},
            reference.objection.outcomes.find((o) => o.code === reply.outcome)?.name ?? reply.outcome,
            '：',
            reply.opinion,
          ),
        )
      : null,
    letters.map(([title, text, id]) =>
      h('div', {}, h('h3', {}, title), h('pre', { class: 'letter', id }, text)),
    ),
  );
}

function timeline(file) {
  const entries = file.timeline ?? file.case?.timeline ?? [];
  return section(
    'h-timeline',
    '办理过程',
    entries.length
      ? h(
          'ol',
          { class: 'timeline' },
          entries.map((e) =>
            h(
              'li',
              {},
              h('time', { datetime: e.at }, beijing(e.at)),
              ' ',
              e.summary,
              e.actor ? `（${e.actor}）` : '',
            ),
          ),
        )
      : h('p', {}, '暂无记录。'),
  );
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function casePage({ principal, params, rerender }) {
  const reference = await loadReference();
  const procedure = reference.procedures.find((p) => p.procedure === params.procedure);
  if (!procedure) throw new Error(`未知的程序“${params.procedure}”。`);
  const fileUrl = `${procedure.path}/${params.id}`;
  const [file, entry] = await Promise.all([
    api(fileUrl),
    api(`/api/console/cases/${params.procedure}/${params.id}`).catch((error) => {
      if (error instanceof ApiFailure && error.status === 404) return null;
      throw error;
    }),
  ]);

  // After an accepted action the read model follows the workflow: wait for the next revision.
  const done = async () => {
    for (let i = 0; i < 60; i++) {
      const next = await api(fileUrl);
      if (next.revision !== file.revision || next.status !== file.status) break;
      await pause(250);
    }
    await rerender();
  };

  const actions =
    params.procedure === 'objection' ? objectionActions({ file, principal, reference, done }) : [];
  return [
    h('h1', {}, `${procedure.name} ${file.caseNo}`),
    dl([
      ['状态', file.statusName ?? file.status, 'case-status'],
      ['承办部门', file.officeDepartment ?? file.department ?? undefined],
      ['信息提供单位', file.providerDepartment ?? undefined],
      ['信用主体', file.subjectName ?? file.subject?.name ?? file.subjectCode ?? undefined],
      ['异议信息', file.recordDescription ?? undefined],
      ['受理时间', beijing(file.receivedAt ?? file.signedAt)],
      ['办结时间', file.closedAt ? beijing(file.closedAt) : undefined],
    ]),
    actions.length ? section('h-actions', '办理', h('div', { class: 'actions' }, actions)) : null,
    deadlines(file, entry),
    escalations(file, entry),
    documents(file, reference),
    timeline(file),
  ];
}
