/* global FormData */
/**
 * The actions on an objection from its case page: the caseworker's (补正, materials received,
 * forward, extend, withdraw, the written reply) and the provider's verification. Each form sends
 * its own Idempotency-Key (kept for a retry after a network failure, renewed once the server has
 * answered) and shows the server's Chinese refusal as it is.
 */
import { act, ApiFailure, newIdempotencyKey } from './api.mjs';
import { field, h, message } from './ui.mjs';

const lines = (text) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** `编号 名称` per line → attachments. */
const attachments = (text) =>
  lines(text).map((l) => {
    const [ref, ...name] = l.split(/\s+/);
    return { ref, name: name.join(' ') || ref };
  });

/**
 * One action form: its title, controls, and how to make the request body from the form data.
 * `done` runs after the server accepted (the page waits for the case file and redraws).
 */
function actionForm({ id, title, path, controls, body, submit, done }) {
  let key = newIdempotencyKey();
  const feedback = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, submit);
  const form = h(
    'form',
    {
      id,
      'aria-labelledby': `${id}-title`,
      'on:submit': async (event) => {
        event.preventDefault();
        feedback.replaceChildren();
        button.disabled = true;
        try {
          const result = await act(path, body(new FormData(form)), key);
          key = newIdempotencyKey();
          feedback.replaceChildren(message('ok', `${title}：已提交，正在刷新案件……`));
          await done(result);
        } catch (error) {
          if (!(error instanceof ApiFailure) || error.status !== 0) key = newIdempotencyKey();
          feedback.replaceChildren(
            message('error', error instanceof ApiFailure ? error.fullMessage : String(error)),
          );
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h3', { id: `${id}-title` }, title),
    controls,
    button,
    feedback,
  );
  return form;
}

const textarea = (name, attrs = {}) => h('textarea', { name, rows: 3, ...attrs });

/** The forms the caller may use on this objection now (the server still decides). */
export function objectionActions({ file, principal, reference, done }) {
  const base = `/api/objections/${file.id}`;
  const ended = ['closed', 'withdrawn', 'lapsed', 'aborted'].includes(file.status);
  const forms = [];
  if (principal.roles.includes('caseworker') && !ended) {
    if (file.status === 'received') {
      forms.push(
        actionForm({
          id: 'action-materials-request',
          title: '要求补正材料',
          path: `${base}/materials-request`,
          submit: '发出补正通知',
          controls: [
            field('需补正的材料（每行一项）', textarea('items', { required: true })),
            field('说明（可不填）', textarea('note')),
          ],
          body: (d) => ({ items: lines(String(d.get('items'))), note: String(d.get('note')) || undefined }),
          done,
        }),
        actionForm({
          id: 'action-forward',
          title: '转交信息提供单位核查',
          path: `${base}/forward`,
          submit: '转交核查',
          controls: [field('转办说明（可不填）', textarea('note'))],
          body: (d) => ({ note: String(d.get('note')) || undefined }),
          done,
        }),
      );
    }
    if (file.status === 'awaiting-materials') {
      forms.push(
        actionForm({
          id: 'action-materials',
          title: '补正材料已收到',
          path: `${base}/materials`,
          submit: '登记收到的材料',
          controls: [
            field(
              '收到的材料（每行一项：编号 名称）',
              textarea('attachments', { required: true }),
              '例如：DOC-2026-0002 营业执照复印件',
            ),
            field('说明（可不填）', textarea('note')),
          ],
          body: (d) => ({
            attachments: attachments(String(d.get('attachments'))),
            note: String(d.get('note')) || undefined,
          }),
          done,
        }),
      );
    }
    if (file.status === 'verified') {
      forms.push(
        actionForm({
          id: 'action-reply',
          title: '出具书面答复',
          path: `${base}/reply`,
          submit: '出具异议处理结果告知书并办结',
          controls: [
            h('p', { class: 'hint' }, '按信息提供单位的核查结论和登记结果生成告知书，案件随即办结。'),
          ],
          body: () => ({}),
          done,
        }),
      );
    }
    forms.push(
      actionForm({
        id: 'action-extend',
        title: '延长当前环节期限',
        path: `${base}/extend`,
        submit: '延期',
        controls: [
          field(
            '延长的工作日数',
            h('input', { type: 'number', name: 'workingDays', required: true, min: 1 }),
          ),
          field('延期理由', textarea('reason', { required: true })),
        ],
        body: (d) => ({ workingDays: Number(d.get('workingDays')), reason: String(d.get('reason')) }),
        done,
      }),
      actionForm({
        id: 'action-withdraw',
        title: '撤回异议（依申请人申请）',
        path: `${base}/withdraw`,
        submit: '撤回',
        controls: [field('撤回理由', textarea('reason', { required: true }))],
        body: (d) => ({ reason: String(d.get('reason')) }),
        done,
      }),
    );
  }
  if (principal.roles.includes('provider') && file.status === 'forwarded') {
    forms.push(
      actionForm({
        id: 'action-verification',
        title: '核查意见（信息提供单位）',
        path: `${base}/verification`,
        submit: '提交核查意见',
        controls: [
          field(
            '核查结论',
            h(
              'select',
              { name: 'outcome', required: true },
              reference.objection.outcomes.map((o) => h('option', { value: o.code }, o.name)),
            ),
          ),
          field('核查意见', textarea('opinion', { required: true })),
          field(
            '更正的字段（结论为更正时填写，每行一项：字段=新值）',
            textarea('corrected'),
            '例如：decisionDate=2026-03-12',
          ),
          h(
            'div',
            { class: 'field' },
            h('input', { type: 'checkbox', name: 'wrongfulPunishment', id: 'wrongful', value: 'yes' }),
            h('label', { for: 'wrongful', class: 'inline' }, ' 原处罚有误，需恢复信誉'),
          ),
        ],
        body: (d) => {
          const corrected = lines(String(d.get('corrected') ?? ''));
          return {
            outcome: String(d.get('outcome')),
            opinion: String(d.get('opinion')),
            wrongfulPunishment: d.get('wrongfulPunishment') === 'yes',
            ...(corrected.length
              ? {
                  correctedValues: Object.fromEntries(
                    corrected.map((l) => {
                      const at = l.indexOf('=');
                      return at < 0 ? [l, null] : [l.slice(0, at).trim(), l.slice(at + 1).trim() || null];
                    }),
                  ),
                }
              : {}),
          };
        },
        done,
      }),
    );
  }
  return forms;
}
