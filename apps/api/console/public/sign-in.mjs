/* global location */
/**
 * Sign-in: paste a bearer token (issued by the identity provider, or by `npm run token`); the
 * dev sign-in is offered only when the API says this request may use it (embedded key pair,
 * loopback interface).
 */
import { api, ApiFailure, session } from './api.mjs';
import { field, h, message } from './ui.mjs';

export async function signInPage({ home }) {
  const options = await api('/api/console/sign-in-options', { token: null });
  const token = h('textarea', { name: 'token', required: true, rows: 4, spellcheck: 'false' });
  const feedback = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      'on:submit': async (event) => {
        event.preventDefault();
        feedback.replaceChildren();
        const value = token.value.trim().replace(/^Bearer\s+/i, '');
        try {
          const principal = await api('/api/me', { token: value });
          session.save(value, principal);
          location.hash = home(principal);
        } catch (error) {
          feedback.replaceChildren(
            message('error', error instanceof ApiFailure ? error.fullMessage : String(error)),
          );
        }
      },
    },
    field(
      '访问令牌（Bearer 令牌）',
      token,
      '由统一身份认证系统签发；令牌只保存在本浏览器标签页中，关闭即清除。',
    ),
    h('button', { type: 'submit' }, '登录'),
  );
  return [
    h('h1', {}, '登录'),
    options.devSignIn
      ? h(
          'p',
          { class: 'notice' },
          '试用本服务：',
          h('a', { href: '/dev-sign-in' }, '开发登录（仅供试用，选择角色和部门即可登录）'),
        )
      : null,
    form,
    feedback,
  ];
}
