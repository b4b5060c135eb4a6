import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../common/errors';
import { AuthenticatedRequest, IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';
import { ROLE_NAMES_ZH, Role } from './roles';
import { InvalidTokenClaims, TokenService } from './tokens';

/**
 * Global guard: every route needs a valid bearer token (401 otherwise) unless marked @Public(),
 * and a route marked @Roles(...) needs one of those roles (403 otherwise).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenService) private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'AUTH_REQUIRED', '请先登录：请求缺少 Bearer 访问令牌。');
    }
    try {
      request.principal = this.tokens.verify(match[1]);
    } catch (err) {
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'AUTH_INVALID_TOKEN',
        err instanceof InvalidTokenClaims
          ? `访问令牌无效：${err.message}请联系管理员重新签发令牌。`
          : '访问令牌无效或已过期，请重新登录。',
      );
    }

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required && !required.some((role) => request.principal!.roles.includes(role))) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'AUTH_FORBIDDEN_ROLE',
        `无权执行此操作：需要以下角色之一：${required.map((r) => ROLE_NAMES_ZH[r]).join('、')}。`,
        { requiredRoles: required },
      );
    }
    return true;
  }
}
