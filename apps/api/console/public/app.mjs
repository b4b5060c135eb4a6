/* global document, window, location, URLSearchParams */
/**
 * The console's shell: hash routes, the navigation for the signed-in role, and each page's
 * rendering into <main>. Pages live in their own modules; each returns the nodes of <main>.
 */
import { ApiFailure, session } from './api.mjs';
import { clearCharts } from './charts.mjs';
import { casePage } from './case-page.mjs';
import { casesPage } from './cases.mjs';
import { dashboardPage } from './dashboard.mjs';
import { newObjectionPage } from './objection-new.mjs';
import { forgetReference } from './reference.mjs';
import { signInPage } from './sign-in.mjs';
import { h, message } from './ui.mjs';
import { verificationsPage } from './verifications.mjs';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

/** The navigation each role is offered (a caller with several roles gets the union). */
const NAV = [
  { href: '#/dashboard', text: '督查看板', roles: ['supervisor', 'caseworker', 'provider'] },
  { href: '#/cases', text: '案件清单', roles: ['supervisor', 'caseworker', 'provider'] },
  { href: '#/objections/new', text: '登记异议', roles: ['caseworker'] },
  { href: '#/verifications', text: '待核查', roles: ['provider'] },
];

function home(principal) {
  if (principal.roles.includes('supervisor')) return '#/dashboard';
  if (principal.roles.includes('provider')) return '#/verifications';
  return '#/cases';
}

function renderShell(principal, path) {
  if (!principal) {
    nav.replaceChildren();
    who.replaceChildren();
    return;
  }
  const items = NAV.filter((n) => n.roles.some((r) => principal.roles.includes(r)));
  nav.replaceChildren(
    h(
      'ul',
      {},
      items.map((n) =>
        h(
          'li',
          {},
          h('a', { href: n.href, 'aria-current': path.startsWith(n.href) ? 'page' : null }, n.text),
        ),
      ),
    ),
  );
  const roles = principal.roleNames?.join('、') ?? principal.roles.join('、');
  who.replaceChildren(
    `${principal.sub}（${roles}${principal.department ? '，' + principal.department : ''}${
      !principal.department && principal.jurisdiction ? '，' + principal.jurisdiction : ''
    }）`,
    h(
      'button',
      {
        type: 'button',
        'on:click': () => {
          session.clear();
          forgetReference();
          location.hash = '#/sign-in';
        },
      },
      '退出',
    ),
  );
}

/** Matches the hash against the routes: `[page, params, query]`. */
function route(hash) {
  const [path, qs] = (hash.replace(/^#/, '') || '/').split('?');
  const query = Object.fromEntries(new URLSearchParams(qs ?? ''));
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'case' && parts.length === 3) {
    return [casePage, { procedure: parts[1], id: parts[2] }, query];
  }
  const pages = {
    'sign-in': signInPage,
    dashboard: dashboardPage,
    cases: casesPage,
    'objections/new': newObjectionPage,
    verifications: verificationsPage,
  };
  return [pages[parts.join('/')] ?? null, {}, query];
}

async function render() {
  clearCharts();
  const principal = session.token() ? session.principal() : null;
  if (!principal && !location.hash.startsWith('#/sign-in')) {
    location.replace('#/sign-in');
    return;
  }
  const [page, params, query] = route(location.hash);
  if (!page) {
    location.replace(principal ? home(principal) : '#/sign-in');
    return;
  }
  renderShell(principal, location.hash);
  main.replaceChildren(h('h1', {}, '正在加载…'));
  main.setAttribute('aria-busy', 'true');
  try {
    const nodes = await page({ principal, params, query, home, rerender: render });
    main.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined));
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) {
      location.replace('#/sign-in');
      return;
    }
    main.replaceChildren(
      h('h1', {}, '页面无法显示'),
      message('error', error instanceof ApiFailure ? error.fullMessage : String(error)),
    );
  } finally {
    main.removeAttribute('aria-busy');
  }
  const title = main.querySelector('h1')?.textContent ?? '';
  document.title = `${title} · 督查与办件控制台`;
  main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', render);
render();
