import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CASE_PROCEDURES } from '../../../activities';
import type { AppConfig } from '../../../infra/config/config';
import {
  CHANNEL_NAMES_ZH,
  GROUND_NAMES_ZH,
  OBJECTION_CHANNELS,
  OBJECTION_GROUNDS,
  OUTCOME_NAMES_ZH,
  VERIFICATION_OUTCOMES,
} from '../../../workflows/objection/types';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators';
import { ROLE_NAMES_ZH, ROLES, type Principal } from '../auth/roles';
import { InvalidTokenClaims, TokenService } from '../auth/tokens';
import { notFound, unprocessable } from '../common/errors';
import { APP_CONFIG } from '../core/runtime';
import { ConsoleCaseEntry } from './console-case-entry';
import { CaseEntryParamsDto, DevSignInDto } from './console.schemas';
import { assertDevSignIn, devSignInOffered } from './dev-sign-in';

/** The console's pages and modules: plain HTML, ES modules and CSS, no build step. */
const PUBLIC_DIR = path.join(__dirname, 'public');
const ASSET = /^[a-z][a-z0-9-]*\.(mjs|css)$/;
/** Chart.js as published on npm: its UMD build defines `window.Chart`. */
const CHART_JS = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');

/** Lifetime of a dev sign-in token (as `npm run token` gives by default). */
const DEV_TOKEN_TTL = '8h';

/**
 * The browser console (督查与办件控制台) at `/`, served by the API process itself: the sign-in
 * page (a pasted bearer token, or the dev sign-in while the embedded key pair is in use), the
 * supervisor's dashboard, case lists and case pages. Every figure and action goes through the API
 * with the signed-in token; the console holds no logic of its own beyond presentation.
 * - POST /api/console/dev-sign-in: a token for a chosen role, jurisdiction and department, only
 *   while the embedded key pair is in use (else 404 CONSOLE_DEV_SIGN_IN_UNAVAILABLE) and only from
 *   the loopback interface, not through a proxy (else 403 CONSOLE_DEV_SIGN_IN_LOOPBACK_ONLY);
 *   codes unknown to the directory 422 CONSOLE_DEV_SIGN_IN_INVALID.
 * - GET /api/console/cases/:procedure/:caseId: the case's index entry, working days counted now.
 */
// The console's own endpoints, not the service's API: kept out of the OpenAPI document (/docs).
@ApiExcludeController()
@Controller()
export class ConsoleController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokenService,
    private readonly cases: ConsoleCaseEntry,
  ) {}

  @Get()
  @Public()
  index(@Res() res: Response) {
    this.page(res, 'index.html');
  }

  @Get('console/vendor/chart.umd.min.js')
  @Public()
  chart(@Res() res: Response) {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/javascript').sendFile(CHART_JS);
  }

  @Get('console/:file')
  @Public()
  asset(@Param('file') file: string, @Res() res: Response) {
    const full = path.join(PUBLIC_DIR, file);
    if (!ASSET.test(file) || !existsSync(full)) {
      throw notFound('CONSOLE_ASSET_NOT_FOUND', `控制台没有文件“${file}”。`);
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.type(file.endsWith('.css') ? 'text/css' : 'text/javascript').sendFile(full);
  }

  @Get('dev-sign-in')
  @Public()
  devSignInPage(@Req() req: Request, @Res() res: Response) {
    assertDevSignIn(this.config.auth, req);
    this.page(res, 'dev-sign-in.html');
  }

  @Get('api/console/sign-in-options')
  @Public()
  signInOptions(@Req() req: Request) {
    const devSignIn = devSignInOffered(this.config.auth, req);
    return { devSignIn, roles: ROLES.map((role) => ({ role, name: ROLE_NAMES_ZH[role] })) };
  }

  /** What the console's forms offer, in Chinese: procedures (with their API path), objection codes. */
  @Get('api/console/reference')
  @Roles('supervisor', 'caseworker', 'provider', 'admin')
  reference() {
    const named = <T extends string>(codes: readonly T[], names: Record<T, string>) =>
      codes.map((code) => ({ code, name: names[code] }));
    return {
      procedures: CASE_PROCEDURES.map((p) => ({
        procedure: p.procedure,
        name: p.name,
        path: `/api/${p.procedure}s`,
      })),
      objection: {
        channels: named(OBJECTION_CHANNELS, CHANNEL_NAMES_ZH),
        grounds: named(OBJECTION_GROUNDS, GROUND_NAMES_ZH),
        outcomes: named(VERIFICATION_OUTCOMES, OUTCOME_NAMES_ZH),
      },
    };
  }

  @Post('api/console/dev-sign-in')
  @Public()
  @HttpCode(200)
  devSignIn(@Req() req: Request, @Body() body: DevSignInDto) {
    assertDevSignIn(this.config.auth, req);
    const input = {
      sub: body.sub ?? `${body.role}.console`,
      roles: [body.role],
      jurisdiction: body.jurisdiction,
      department: body.department,
      expiresIn: DEV_TOKEN_TTL,
    };
    try {
      const token = this.tokens.issue(input);
      const principal = this.tokens.verify(token);
      // As GET /api/me answers it (the console shows the roles by their Chinese names).
      return { token, principal: { ...principal, roleNames: principal.roles.map((r) => ROLE_NAMES_ZH[r]) } };
    } catch (error) {
      if (error instanceof InvalidTokenClaims) {
        throw unprocessable('CONSOLE_DEV_SIGN_IN_INVALID', error.message);
      }
      throw error;
    }
  }

  @Get('api/console/cases/:procedure/:caseId')
  @Roles('supervisor', 'caseworker', 'provider')
  caseEntry(@Param() params: CaseEntryParamsDto, @CurrentPrincipal() principal: Principal) {
    return this.cases.entry(principal, params.procedure, params.caseId);
  }

  private page(res: Response, file: string) {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/html; charset=utf-8').sendFile(path.join(PUBLIC_DIR, file));
  }
}
