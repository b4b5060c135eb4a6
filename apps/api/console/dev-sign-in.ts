import { HttpStatus } from '@nestjs/common';
import type { Request } from 'express';
import type { AppConfig } from '../../../infra/config/config';
import { ApiError } from '../common/errors';

/**
 * The console's dev sign-in (开发登录): a page that issues a token for a chosen role and department
 * with the installation's own signing key. It exists only while the embedded key pair is in use
 * (no AUTH_JWT_PUBLIC_KEY_FILE: nobody else issues tokens), and answers only requests made from
 * the loopback interface of this machine, never through a proxy.
 */

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/** The socket's peer is this machine, and no proxy says it forwards someone else's request. */
export function fromLoopback(req: Request): boolean {
  const peer = req.socket.remoteAddress ?? '';
  // A reverse proxy on the same machine connects from 127.0.0.1 too: its headers give it away.
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers['forwarded'] !== undefined;
  return LOOPBACK.test(peer) && !proxied;
}

/** Whether this request may see the dev sign-in (the console's sign-in page offers it only then). */
export function devSignInOffered(auth: AppConfig['auth'], req: Request): boolean {
  return auth.embeddedKeys && fromLoopback(req);
}

/** Throws the refusal the dev sign-in answers with: 404 without embedded keys, 403 from elsewhere. */
export function assertDevSignIn(auth: AppConfig['auth'], req: Request): void {
  if (!auth.embeddedKeys) {
    throw new ApiError(
      HttpStatus.NOT_FOUND,
      'CONSOLE_DEV_SIGN_IN_UNAVAILABLE',
      '本部署的访问令牌由统一身份认证系统签发，没有开发登录页。请在控制台首页粘贴您的访问令牌。',
    );
  }
  if (!fromLoopback(req)) {
    throw new ApiError(
      HttpStatus.FORBIDDEN,
      'CONSOLE_DEV_SIGN_IN_LOOPBACK_ONLY',
      '开发登录页只接受本机（回环地址 127.0.0.1 / ::1）直接发出的访问，不接受其他计算机或经代理转发的访问。',
    );
  }
}
