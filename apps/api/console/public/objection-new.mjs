/* global FormData */
/**
 * The caseworker registers an objection (受理): the record, the applicant, the channel, the
 * grounds and the materials. The answer's query code is shown once, to be handed to the applicant.
 */
import { act, ApiFailure, newIdempotencyKey } from './api.mjs';
import { loadReference } from './reference.mjs';
import { field, h, link, message } from './ui.mjs';

export async function newObjectionPage() {
  const reference = await loadReference();
  let key = newIdempotencyKey();
  const feedback = h('div', { 'aria-live': 'polite' });
  const input = (name, attrs = {}) => h('input', { name, required: true, ...attrs });
  const form = h(
    'form',
    {
      id: 'new-objection',
      'on:submit': async (event) => {
        event.preventDefault();
        feedback.replaceChildren();
        const d = new FormData(form);
        const body = {
          recordId: String(d.get('recordId')).trim(),
          applicant: {
            name: String(d.get('name')),
            contact: String(d.get('contact')),
            subjectCode: String(d.get('subjectCode')).trim(),
          },
          channel: String(d.get('channel')),
          grounds: d.getAll('grounds').map(String),
          groundsText: String(d.get('groundsText')),
          attachments: String(d.get('attachments'))
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
            .map((l) => {
              const [ref, ...name] = l.split(/\s+/);
              return { ref, name: name.join(' ') || ref };
            }),
        };
        try {
          const result = await act('/api/objections', body, key);
          key = newIdempotencyKey();
          form.reset();
          feedback.replaceChildren(
            message('ok', `已受理，案件编号 ${result.case.caseNo}。`),
            result.queryCode
              ? h(
                  'p',
                  { class: 'notice' },
                  '申请人查询码（只显示这一次，请交给申请人）：',
                  h('strong', { id: 'query-code' }, result.queryCode),
                )
              : null,
            h('p', {}, link(`#/case/objection/${result.case.id}`, `打开案件 ${result.case.caseNo}`)),
          );
        } catch (error) {
          if (!(error instanceof ApiFailure) || error.status !== 0) key = newIdempotencyKey();
          feedback.replaceChildren(
            message('error', error instanceof ApiFailure ? error.fullMessage : String(error)),
          );
        }
      },
    },
    field('信用记录编号', input('recordId', { autocomplete: 'off' }), '被提出异议的信用记录的编号（UUID）'),
    field('信用主体代码', input('subjectCode', { autocomplete: 'off' }), '统一社会信用代码或居民身份证号码'),
    field('申请人姓名', input('name', { autocomplete: 'name' })),
    field('联系方式', input('contact'), '手机号、电子邮箱或寄送书面答复的地址'),
    field(
      '受理渠道',
      h(
        'select',
        { name: 'channel', required: true },
        reference.objection.channels.map((c) => h('option', { value: c.code }, c.name)),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, '异议理由（可多选）'),
      reference.objection.grounds.map((g) =>
        h(
          'div',
          {},
          h('input', { type: 'checkbox', name: 'grounds', value: g.code, id: `ground-${g.code}` }),
          h('label', { for: `ground-${g.code}` }, ' ', g.name),
        ),
      ),
    ),
    field('理由说明', h('textarea', { name: 'groundsText', required: true, rows: 4 })),
    field(
      '申请材料（每行一项：编号 名称）',
      h('textarea', { name: 'attachments', rows: 3 }),
      '例如：DOC-2026-0001 报送回执',
    ),
    h('button', { type: 'submit' }, '受理异议'),
  );
  return [h('h1', {}, '登记异议申请'), form, feedback];
}
