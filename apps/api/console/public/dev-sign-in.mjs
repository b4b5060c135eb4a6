/* global document, location */
/**
 * The dev sign-in (开发登录): a token for the chosen role, jurisdiction and department, issued by
 * this installation with its embedded signing key. The API serves this page only while that key
 * pair is in use and only to the loopback interface.
 */
import { api, ApiFailure, session } from './api.mjs';
import { h, message } from './ui.mjs';

const form = document.getElementById('dev-sign-in');
const role = document.getElementById('role');
const jurisdiction = document.getElementById('jurisdiction');
const department = document.getElementById('department');
const sub = document.getElementById('sub');
const feedback = document.getElementById('feedback');

let directory = [];

function fillDepartments() {
  const j = directory.find((d) => d.code === jurisdiction.value);
  department.replaceChildren(
    h('option', { value: '' }, '（不选部门：负责人、管理员）'),
    ...(j?.departments ?? []).map((d) => h('option', { value: d.code }, `${d.name}（${d.code}）`)),
  );
}

async function load() {
  const [options, jurisdictions] = await Promise.all([
    api('/api/console/sign-in-options', { token: null }),
    api('/api/jurisdictions', { token: null }),
  ]);
  role.replaceChildren(...options.roles.map((r) => h('option', { value: r.role }, `${r.name}（${r.role}）`)));
  directory = jurisdictions.items;
  jurisdiction.replaceChildren(
    h('option', { value: '' }, '（不选辖区：仅管理员）'),
    ...directory.map((j) => h('option', { value: j.code }, `${j.name}（${j.code}）`)),
  );
  fillDepartments();
}

jurisdiction.addEventListener('change', fillDepartments);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  feedback.replaceChildren();
  const body = { role: role.value };
  if (jurisdiction.value) body.jurisdiction = jurisdiction.value;
  if (department.value) body.department = department.value;
  if (sub.value.trim()) body.sub = sub.value.trim();
  try {
    const { token, principal } = await api('/api/console/dev-sign-in', { method: 'POST', body, token: null });
    session.save(token, principal);
    location.assign('/#/');
  } catch (error) {
    const text = error instanceof ApiFailure ? error.fullMessage : String(error);
    feedback.replaceChildren(message('error', text));
  }
});

load().catch((error) => {
  feedback.replaceChildren(message('error', error instanceof ApiFailure ? error.fullMessage : String(error)));
});
